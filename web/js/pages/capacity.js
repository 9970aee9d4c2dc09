// 通关容量 (bureau): the defaults per weekday, the booking horizon, cut-off, grace and caps, and a
// month of dates of one kind to open, close, split into slots or set exactly. Closing a date that
// holds bookings asks where they go; each moves in a transaction of its own on the server.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { pageHeader, loading, loadError } from '../page.js';
import { inputField, selectField, messageBox, showApiError } from '../forms.js';

const KINDS = ['heavy_truck', 'commodity_vehicle'];
const MONTH_DAYS = 31;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const SETTINGS = ['horizon_days', 'cutoff_minutes', 'grace_minutes', 'inflight_limit'];

// 'HH:MM-HH:MM=5, HH:MM-HH:MM=7' <-> [{slot, capacity}]
export function slotsToText(slots) {
	return (slots || []).map((s) => `${s.slot}=${s.capacity}`).join(', ');
}

export function textToSlots(text) {
	return text.split(/[,，\n]/).map((p) => p.trim()).filter(Boolean).map((p) => {
		const [slot, cap] = p.split('=').map((x) => x.trim());
		return { slot, capacity: Number.parseInt(cap, 10) };
	});
}

function todayBeijing() {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
		.format(new Date());
}

function addDays(date, n) {
	const d = new Date(date + 'T00:00:00Z');
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

function weekdayOf(date) {
	const wd = new Date(date + 'T00:00:00Z').getUTCDay();
	return wd === 0 ? 7 : wd;
}

// A layout as the API takes it from a capacity number and a slots text.
function layoutBody(open, capacity, slotsText) {
	if (!open)
		return { open: false };
	const slots = slotsText.trim() ? textToSlots(slotsText) : null;
	return slots ? { slots } : { capacity: Number.parseInt(capacity, 10) };
}

function defaultsCard(ctx) {
	const box = messageBox();
	const body = h('div', {}, loading());
	const el = h('section', { class: 'card', 'data-testid': 'capacity-defaults' }, h('h2', {}, t('capacity.defaults')),
		h('p', { class: 'hint' }, t('capacity.defaults_hint')), box.el, body);

	function weekdayRow(kind, w) {
		const open = h('input', { type: 'checkbox', checked: w.open, 'aria-label': t('capacity.open') });
		const cap = h('input', { type: 'number', min: 0, value: w.capacity, class: 'num', 'aria-label': t('capacity.capacity') });
		const slots = h('input', { type: 'text', value: slotsToText(w.slots), placeholder: '09:00-10:00=5, 10:00-11:00=5',
			'aria-label': t('capacity.slots') });
		return { w, open, cap, slots, el: h('tr', { 'data-kind': kind, 'data-weekday': w.weekday },
			h('th', { scope: 'row' }, t('capacity.weekday.' + w.weekday)), h('td', {}, open), h('td', {}, cap),
			h('td', {}, slots)) };
	}

	function draw(data) {
		const fields = {};
		for (const name of SETTINGS)
			fields[name] = inputField(t('capacity.' + name), name, { type: 'number', min: 0, value: data[name] });
		const kinds = KINDS.map((kind) => {
			const k = data.kinds[kind] || { org_cap: 0, weekdays: [] };
			const cap = inputField(t('capacity.org_cap'), 'org_cap_' + kind, { type: 'number', min: 0, value: k.org_cap },
				t('capacity.org_cap_hint'));
			const rows = k.weekdays.map((w) => weekdayRow(kind, w));
			return { kind, cap, rows, el: h('div', { class: 'kind-defaults' }, h('h3', {}, t('capacity.kinds.' + kind)), cap.wrap,
				h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
					h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('capacity.weekday')),
						h('th', { scope: 'col' }, t('capacity.open')), h('th', { scope: 'col' }, t('capacity.capacity')),
						h('th', { scope: 'col' }, t('capacity.slots')))),
					h('tbody', {}, rows.map((r) => r.el))))) };
		});
		const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'));
		const form = h('form', { novalidate: true }, h('div', { class: 'form grid-form' },
			SETTINGS.map((n) => fields[n].wrap)), kinds.map((k) => k.el), save);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const out = {};
			for (const n of SETTINGS)
				out[n] = Number.parseInt(fields[n].input.value, 10);
			out.kinds = {};
			for (const k of kinds)
				out.kinds[k.kind] = { org_cap: Number.parseInt(k.cap.input.value, 10),
					weekdays: k.rows.map((r) => ({ weekday: r.w.weekday,
						...layoutBody(r.open.checked, r.cap.value, r.slots.value) })) };
			try {
				draw(await api.put('/capacity/defaults', out));
				box.success(t('capacity.saved'));
				ctx.onSaved();
			} catch (err) {
				showApiError(box, err, fields);
			}
		});
		body.replaceChildren(form);
	}

	async function load() {
		try {
			const data = await api.get('/capacity/defaults');
			if (ctx.alive())
				draw(data);
		} catch (err) {
			if (ctx.alive())
				body.replaceChildren(loadError(err, load));
		}
	}
	load();
	return el;
}

function monthCard(ctx) {
	const box = messageBox();
	const kindSel = selectField(t('capacity.kind'), 'kind', KINDS.map((k) => ({ value: k, label: t('capacity.kinds.' + k) })));
	const from = inputField(t('capacity.from'), 'from', { type: 'date', value: todayBeijing() });
	const body = h('div', {}, loading());

	async function act(fn, message) {
		try {
			await fn();
			box.success(message);
			load();
		} catch (err) {
			showApiError(box, err);
			if (err.code === 'capacity_below_taken' || err.status === 409)
				load();
		}
	}

	function closeWithBookings(day, kind) {
		const target = h('input', { type: 'date', value: addDays(day.date, 1), 'aria-label': t('capacity.move_to') });
		const slot = h('input', { type: 'text', placeholder: '09:00-10:00', 'aria-label': t('capacity.move_slot') });
		const go = h('button', { type: 'button', class: 'btn btn-danger' }, t('capacity.close_and_move'));
		const panel = h('div', { class: 'close-panel', 'data-testid': 'close-panel' },
			h('p', {}, t('capacity.close_has_bookings', { n: day.taken })), target, slot, go);
		go.addEventListener('click', () => act(async () => {
			const res = await api.post('/capacity/close', { date: day.date, kind,
				move_to: { date: target.value, ...(slot.value.trim() ? { slot: slot.value.trim() } : {}) } });
			if (!res.closed)
				throw new Error(t('capacity.not_all_moved'));
		}, t('capacity.closed_done', { date: day.date })));
		return panel;
	}

	function dayRow(day, kind) {
		const cap = h('input', { type: 'number', min: 0, value: day.capacity, class: 'num', 'aria-label': t('capacity.capacity') });
		const slots = h('input', { type: 'text', value: slotsToText(day.slots), 'aria-label': t('capacity.slots') });
		const extra = h('td', { class: 'row-extra' });
		const save = h('button', { type: 'button', class: 'btn' }, day.closed ? t('capacity.open_date') : t('common.save'));
		save.addEventListener('click', () => act(() => api.put('/capacity', { date: day.date, kind,
			...layoutBody(true, cap.value, slots.value) }), t('capacity.date_saved', { date: day.date })));
		const close = h('button', { type: 'button', class: 'btn', disabled: day.closed }, t('capacity.close_date'));
		close.addEventListener('click', () => {
			if (day.taken > 0)
				extra.replaceChildren(closeWithBookings(day, kind));
			else
				act(() => api.put('/capacity', { date: day.date, kind, open: false }), t('capacity.closed_done', { date: day.date }));
		});
		const status = day.closed ? 'closed' : day.open ? 'open' : 'not_bookable';
		return h('tr', { 'data-date': day.date, class: day.closed ? 'is-disabled' : '' },
			h('th', { scope: 'row' }, `${day.date} ${t('capacity.weekday.' + weekdayOf(day.date))}`),
			h('td', {}, h('span', { class: 'badge ' + (status === 'open' ? 'badge-on' : 'badge-off') }, t('capacity.status.' + status))),
			h('td', {}, cap), h('td', { 'data-testid': 'taken' }, String(day.taken)), h('td', { 'data-testid': 'free' }, String(day.free)),
			h('td', {}, slots), h('td', {}, save, ' ', close), extra);
	}

	async function load() {
		const kind = kindSel.input.value || KINDS[0];
		const start = from.input.value || todayBeijing();
		try {
			const data = await api.get(`/capacity?kind=${kind}&from=${start}&to=${addDays(start, MONTH_DAYS - 1)}`);
			if (!ctx.alive())
				return;
			body.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'capacity-month' },
				h('thead', {}, h('tr', {}, ['date', 'status', 'capacity', 'taken', 'free', 'slots', 'actions', 'more']
					.map((c) => h('th', { scope: 'col' }, t('capacity.col.' + c))))),
				h('tbody', {}, data.days.map((d) => dayRow(d, kind))))));
		} catch (err) {
			if (ctx.alive())
				body.replaceChildren(loadError(err, load));
		}
	}
	kindSel.input.addEventListener('change', load);
	from.input.addEventListener('change', load);
	load();
	return { load, el: h('section', { class: 'card', 'data-testid': 'capacity-dates' }, h('h2', {}, t('capacity.dates')),
		h('div', { class: 'form grid-form' }, kindSel.wrap, from.wrap), box.el, body) };
}

export function render(ctx) {
	const month = monthCard(ctx);
	ctx.main.append(pageHeader(t('capacity.heading'), t('capacity.intro')),
		defaultsCard({ ...ctx, onSaved: () => month.load() }), month.el);
}
