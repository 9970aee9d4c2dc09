// 待审批 (warehouse, bureau): the bookings this approver decides on, with counts per site and each
// booking's waiting time; approve or reject one or several at once (a reason from the bureau's list
// or typed); the bureau also turns review of commodity vehicles on or off.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { openDialog } from '../dialog.js';
import { messageBox, selectField, inputField } from '../forms.js';
import { pageHeader, loading, loadError } from '../page.js';
import { label, domain, options } from '../domain.js';
import { formatDateTime } from '../time.js';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

function waiting(s) {
	if (s >= DAY)
		return t('approvals.wait_days', { n: Math.floor(s / DAY), h: Math.floor((s % DAY) / HOUR) });
	if (s >= HOUR)
		return t('approvals.wait_hours', { n: Math.floor(s / HOUR), m: Math.floor((s % HOUR) / MINUTE) });
	return t('approvals.wait_minutes', { n: Math.max(0, Math.floor(s / MINUTE)) });
}

// The reject dialog: a reason from the list, or typed (the typed one wins).
async function askReason(count) {
	let reasons = [];
	try {
		reasons = (await options('reject_reason')).filter((o) => !o.disabled);
	} catch (e) {
		reasons = [];
	}
	const pick = selectField(t('approvals.reason_list'), 'reason_pick', reasons.map((o) => ({ value: o.value, label: o.value })),
		t('approvals.reason_none'));
	const text = inputField(t('approvals.reason_text'), 'reason', { maxlength: 500 });
	let chosen = null;
	const ok = await openDialog({
		title: t('approvals.reject_title', { n: count }), danger: true, confirmLabel: t('approvals.reject'),
		body: [reasons.length ? pick.wrap : null, text.wrap], fields: { reason: text },
		onConfirm: async () => {
			chosen = text.input.value.trim() || pick.input.value;
			if (!chosen) {
				text.setError(t('approvals.reason_required'));
				throw Object.assign(new Error(t('approvals.reason_required')), { fields: [] });
			}
		},
	});
	return ok ? chosen : null;
}

export function render(ctx) {
	const me = ctx.me || {};
	const isBureau = me.user && me.user.role === 'bureau';
	const status = messageBox();
	const counts = h('div', { class: 'approval-counts', 'data-testid': 'approval-counts' });
	const list = h('div', { class: 'list-area' }, loading());
	const stateSel = selectField(t('approvals.filter_state'), 'state', [
		{ value: 'pending', label: t('approvals.state.pending') },
		{ value: 'released', label: t('approvals.state.released') },
		{ value: 'rejected', label: t('approvals.state.rejected') },
		{ value: 'any', label: t('approvals.state.any') }]);
	const siteSel = selectField(t('approvals.filter_site'), 'site_id', [], t('approvals.all_sites'));
	const selected = new Set();
	let items = [];

	async function load() {
		const q = new URLSearchParams({ state: stateSel.input.value });
		if (siteSel.input.value)
			q.set('site_id', siteSel.input.value);
		try {
			const d = await api.get('/approvals?' + q);
			if (!ctx.alive())
				return;
			items = Array.isArray(d.items) ? d.items : [];
			selected.clear();
			showCounts(d.counts || {});
			list.replaceChildren(table());
		} catch (err) {
			if (ctx.alive())
				list.replaceChildren(loadError(err, load));
		}
	}

	function showCounts(c) {
		const bySite = Array.isArray(c.by_site) ? c.by_site : [];
		const keep = siteSel.input.value;
		siteSel.input.replaceChildren(h('option', { value: '' }, t('approvals.all_sites')),
			...bySite.filter((s) => s.site_id).map((s) => h('option', { value: s.site_id }, s.site_name)));
		siteSel.input.value = keep;
		const now = Date.now() / 1000;
		counts.replaceChildren(h('div', {}, h('p', { class: 'count-total' }, t('approvals.pending_total', { n: c.pending || 0 })),
			bySite.length ? h('ul', { class: 'chips' }, bySite.map((s) => h('li', {},
				t('approvals.site_count', { site: s.site_name || t('approvals.no_site'), n: s.pending,
					wait: waiting(now - s.oldest_submitted_at) })))) : null));
	}

	function table() {
		if (!items.length)
			return h('p', { class: 'empty' }, t('approvals.empty'));
		const col = (key) => h('th', { scope: 'col' }, t(key));
		return h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive', 'data-testid': 'approvals' },
			h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('approvals.select'))),
				col('approvals.booking'), col('approvals.company'), col('approvals.kind'), col('approvals.declaration_no'),
				col('approvals.plates'), col('approvals.site'), col('approvals.crossing'), col('approvals.waiting'),
				col('approvals.state_col'), col('approvals.actions'))),
			h('tbody', {}, items.map(row))));
	}

	function row(b) {
		const cell = (key, ...content) => h('td', { 'data-label': t(key) }, ...content);
		const box = h('input', { type: 'checkbox', 'aria-label': t('approvals.select_one', { id: b.id }),
			disabled: b.state !== 'submitted', onchange: (e) => (e.target.checked ? selected.add(b.id) : selected.delete(b.id)) });
		const pending = b.state === 'submitted';
		return h('tr', { 'data-booking': b.id },
			h('td', {}, box),
			h('th', { scope: 'row', 'data-label': t('approvals.booking') },
				h('a', { href: '#/booking?id=' + encodeURIComponent(b.id) }, '#' + b.id)),
			cell('approvals.company', b.organisation_name || ''),
			cell('approvals.kind', label('kinds', b.kind)),
			cell('approvals.declaration_no', b.declaration_no || ''),
			cell('approvals.plates', Array.isArray(b.plates) ? b.plates.join(' ') : ''),
			cell('approvals.site', b.site_name || ''),
			cell('approvals.crossing', [b.crossing_date || '', b.slot || ''].join(' ')),
			cell('approvals.waiting', pending ? waiting(b.waiting_s || 0) : formatDateTime(b.updated_at)),
			cell('approvals.state_col', label('states', b.state)),
			cell('approvals.actions', pending ? h('div', { class: 'row-actions' },
				h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'approve',
					onclick: () => decide('approve', [b.id]) }, t('approvals.approve')),
				h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', 'data-action': 'reject',
					onclick: () => decide('reject', [b.id]) }, t('approvals.reject'))) : null));
	}

	async function decide(action, ids) {
		if (!ids.length) {
			status.error(t('approvals.none_selected'));
			return;
		}
		let reason;
		if (action === 'reject') {
			reason = await askReason(ids.length);
			if (reason === null)
				return;
		}
		try {
			const d = await api.post('/approvals/batch', { action, ids, reason });
			const results = Array.isArray(d.results) ? d.results : [];
			const ok = results.filter((r) => r.status === 200).length;
			if (ok === results.length)
				status.success(t(action === 'approve' ? 'approvals.approved_n' : 'approvals.rejected_n', { n: ok }));
			else
				status.error(t('approvals.partly', { ok, n: results.length }));
			load();
		} catch (err) {
			status.error(err.message);
		}
	}

	async function reviewSwitch() {
		const box = h('input', { type: 'checkbox', id: 'commodity-review' });
		try {
			box.checked = !!(await api.get('/approvals/settings')).commodity_review;
		} catch (e) {
			box.disabled = true;
		}
		box.addEventListener('change', async () => {
			try {
				await api.put('/approvals/settings', { commodity_review: box.checked });
				status.success(t(box.checked ? 'approvals.review_on' : 'approvals.review_off'));
			} catch (err) {
				box.checked = !box.checked;
				status.error(err.message);
			}
		});
		return h('div', { class: 'field-inline' }, box, h('label', { for: 'commodity-review' }, t('approvals.review_label')));
	}

	// The bureau's rule (issue 16): which roles must sign in with a second factor.
	async function secondFactorSwitches() {
		let rule = {};
		try {
			rule = (await api.get('/second-factor/settings')).required || {};
		} catch (e) {
			return null;
		}
		const boxes = Object.keys(rule).map((role) => {
			const box = h('input', { type: 'checkbox', id: 'second-factor-' + role, 'data-role': role });
			box.checked = !!rule[role];
			box.addEventListener('change', async () => {
				try {
					await api.put('/second-factor/settings', { required: { [role]: box.checked } });
					status.success(t(box.checked ? 'approvals.second_factor_on' : 'approvals.second_factor_off',
						{ role: t('role.' + role) }));
				} catch (err) {
					box.checked = !box.checked;
					status.error(err.message);
				}
			});
			return h('div', { class: 'field-inline' }, box, h('label', { for: box.id }, t('role.' + role)));
		});
		return h('fieldset', { class: 'second-factor-rule', 'data-testid': 'second-factor-rule' },
			h('legend', {}, t('approvals.second_factor_label')), boxes);
	}

	stateSel.input.addEventListener('change', load);
	siteSel.input.addEventListener('change', load);
	const bulk = h('div', { class: 'row-actions' },
		h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'approve-selected',
			onclick: () => decide('approve', [...selected]) }, t('approvals.approve_selected')),
		h('button', { type: 'button', class: 'btn btn-danger-outline', 'data-action': 'reject-selected',
			onclick: () => decide('reject', [...selected]) }, t('approvals.reject_selected')),
		h('a', { class: 'btn', href: '/api/v1/approvals.xlsx', 'data-action': 'export' }, t('approvals.export')));
	const filters = h('div', { class: 'filters' }, stateSel.wrap, siteSel.wrap);
	ctx.main.append(pageHeader(t('approvals.heading'), t(isBureau ? 'approvals.intro_bureau' : 'approvals.intro_warehouse')),
		status.el, counts, h('section', { class: 'card' }, filters, bulk, list));
	if (isBureau)
		Promise.all([reviewSwitch(), secondFactorSwitches()]).then(([review, rule]) =>
			ctx.alive() && counts.after(h('section', { class: 'card' }, review, rule)));
	domain().then(load, load);
}
