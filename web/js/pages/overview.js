// 口岸总览 (bureau): a chosen day's bookings by kind and state, pending approvals by site with their
// age, passages by hour (a table and a bar chart drawn here as SVG), and the history of every change
// of state, searchable; each list exports to .xlsx.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { pageHeader, loading, loadError } from '../page.js';
import { label, domain } from '../domain.js';
import { formatDateTime } from '../time.js';
import { inputField, selectField } from '../forms.js';

const SVG = 'http://www.w3.org/2000/svg';
const HOURS = 24;
const CHART = { width: 720, height: 220, left: 36, bottom: 24, top: 12 };
const BEIJING_MS = 8 * 3600000;

function svg(tag, attrs, ...children) {
	const el = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs || {}))
		el.setAttribute(k, String(v));
	for (const c of children)
		el.append(c);
	return el;
}

// Bars of passages per Beijing hour, with a title for screen readers and each bar's value on hover.
function hourChart(counts) {
	const max = Math.max(1, ...counts);
	const plotW = CHART.width - CHART.left, plotH = CHART.height - CHART.bottom - CHART.top;
	const barW = plotW / HOURS;
	const chart = svg('svg', { viewBox: `0 0 ${CHART.width} ${CHART.height}`, class: 'hour-chart', role: 'img',
		'aria-label': t('overview.chart_label') });
	chart.append(svg('title', {}, t('overview.chart_label')));
	chart.append(svg('line', { x1: CHART.left, y1: CHART.top + plotH, x2: CHART.width, y2: CHART.top + plotH, class: 'axis' }));
	chart.append(svg('text', { x: CHART.left - 6, y: CHART.top + 10, class: 'tick', 'text-anchor': 'end' }, String(max)));
	chart.append(svg('text', { x: CHART.left - 6, y: CHART.top + plotH, class: 'tick', 'text-anchor': 'end' }, '0'));
	counts.forEach((n, hour) => {
		const barH = (n / max) * plotH;
		const x = CHART.left + hour * barW;
		chart.append(svg('rect', { x: x + 2, y: CHART.top + plotH - barH, width: barW - 4, height: barH, class: 'bar',
			'data-hour': hour, 'data-count': n }, svg('title', {}, `${String(hour).padStart(2, '0')}:00 — ${n}`)));
		if (hour % 3 === 0)
			chart.append(svg('text', { x: x + barW / 2, y: CHART.height - 6, class: 'tick', 'text-anchor': 'middle' },
				String(hour).padStart(2, '0')));
	});
	return chart;
}

function table(headers, rows, testid) {
	return h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': testid },
		h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
		h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

function age(unix) {
	const s = Math.max(0, Date.now() / 1000 - unix);
	return t('overview.age', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

function today() {
	return new Date(Date.now() + BEIJING_MS).toISOString().slice(0, 10);
}

export function render(ctx) {
	const dateField = inputField(t('overview.date'), 'date', { type: 'date', value: today() });
	const dayArea = h('div', {}, loading());
	const exportDay = h('a', { class: 'btn', 'data-action': 'export-overview' }, t('overview.export'));

	async function loadDay() {
		const date = dateField.input.value || today();
		exportDay.href = '/api/v1/overview.xlsx?date=' + encodeURIComponent(date);
		try {
			const d = await api.get('/overview?date=' + encodeURIComponent(date));
			if (!ctx.alive())
				return;
			const byKind = Array.isArray(d.bookings) ? d.bookings : [];
			const pending = Array.isArray(d.pending) ? d.pending : [];
			const hours = Array.isArray(d.passages_by_hour) ? d.passages_by_hour : new Array(HOURS).fill(0);
			dayArea.replaceChildren(
				h('h3', {}, t('overview.bookings')),
				byKind.length ? table([t('overview.kind'), t('overview.state'), t('overview.count')],
					byKind.map((r) => [label('kinds', r.kind), label('states', r.state), String(r.count)]), 'overview-bookings')
					: h('p', { class: 'empty' }, t('overview.none')),
				h('h3', {}, t('overview.pending')),
				pending.length ? table([t('overview.site'), t('overview.count'), t('overview.oldest')],
					pending.map((r) => [r.site_name || t('approvals.no_site'), String(r.pending), age(r.oldest_submitted_at)]),
					'overview-pending') : h('p', { class: 'empty' }, t('overview.none')),
				h('h3', {}, t('overview.passages')),
				hourChart(hours),
				table([t('overview.hour'), t('overview.count')],
					hours.map((n, i) => [String(i).padStart(2, '0') + ':00', String(n)]).filter((r) => r[1] !== '0'),
					'overview-hours'));
		} catch (err) {
			if (ctx.alive())
				dayArea.replaceChildren(loadError(err, loadDay));
		}
	}

	// ---- history ----
	const q = inputField(t('overview.history_q'), 'q', { inputmode: 'numeric', maxlength: 18 });
	const booking = inputField(t('overview.history_booking'), 'booking_id', { inputmode: 'numeric' });
	const action = selectField(t('overview.history_action'), 'action', [], t('overview.any'));
	const histArea = h('div', {});
	const exportHist = h('a', { class: 'btn', 'data-action': 'export-history' }, t('overview.export'));

	function historyQuery() {
		const p = new URLSearchParams();
		if (q.input.value.trim())
			p.set('q', q.input.value.trim());
		if (booking.input.value.trim())
			p.set('booking_id', booking.input.value.trim());
		if (action.input.value)
			p.set('action', action.input.value);
		return p.toString();
	}

	async function loadHistory(e) {
		if (e)
			e.preventDefault();
		const query = historyQuery();
		exportHist.href = '/api/v1/history.xlsx' + (query ? '?' + query : '');
		try {
			const d = await api.get('/history' + (query ? '?' + query : ''));
			if (!ctx.alive())
				return;
			const items = Array.isArray(d.items) ? d.items : [];
			histArea.replaceChildren(items.length ? table([t('overview.h_time'), t('overview.h_booking'),
				t('overview.h_declaration'), t('overview.h_action'), t('overview.h_states'), t('overview.h_actor'),
				t('overview.h_reason')], items.map((r) => [formatDateTime(new Date(r.at * 1000)), '#' + r.booking_id,
				r.declaration_no, label('actions', r.action), label('states', r.from_state) + ' → ' + label('states', r.to_state),
				r.actor, r.reason]), 'history') : h('p', { class: 'empty' }, t('overview.none')));
		} catch (err) {
			if (ctx.alive())
				histArea.replaceChildren(loadError(err, () => loadHistory()));
		}
	}

	dateField.input.addEventListener('change', loadDay);
	const histForm = h('form', { class: 'filters', onsubmit: loadHistory }, q.wrap, booking.wrap, action.wrap,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('overview.search')), exportHist));
	ctx.main.append(pageHeader(t('overview.heading'), t('overview.intro')),
		h('section', { class: 'card' }, h('div', { class: 'filters' }, dateField.wrap, exportDay), dayArea),
		h('section', { class: 'card' }, h('h2', {}, t('overview.history')), histForm, histArea));
	domain().then((dom) => {
		action.input.append(...Object.keys(dom.actions).map((code) => h('option', { value: code }, label('actions', code))));
	}).catch(() => null).finally(() => {
		loadDay();
		loadHistory();
	});
}
