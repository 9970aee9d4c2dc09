// 注册审核 (bureau, issue 16): applications waiting for review, oldest first, with their age;
// approve one, or reject it with a reason (which frees its code and user name).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { openDialog } from '../dialog.js';
import { inputField, messageBox } from '../forms.js';
import { pageHeader, loading, loadError } from '../page.js';

const HOUR_S = 3600;
const DAY_S = 86400;

// "3 days", "5 hours" or "under an hour" since created_at (Unix seconds).
function age(createdAt) {
	const s = Math.max(0, Math.floor(Date.now() / 1000) - createdAt);
	if (s >= DAY_S)
		return t('review.age_days', { n: Math.floor(s / DAY_S) });
	if (s >= HOUR_S)
		return t('review.age_hours', { n: Math.floor(s / HOUR_S) });
	return t('review.age_new');
}

export function render(ctx) {
	const status = messageBox();
	const listArea = h('div', { class: 'list-area' }, loading());
	let cursor = null;

	async function load(more) {
		try {
			const q = '/registrations?state=pending' + (more && cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
			const r = await api.get(q);
			if (!ctx.alive())
				return;
			cursor = r.next_cursor;
			const rows = (r.items || []).map(row);
			if (more)
				listArea.querySelector('tbody').append(...rows);
			else
				listArea.replaceChildren(table(rows));
			const next = listArea.querySelector('.more');
			if (next)
				next.hidden = !cursor;
		} catch (err) {
			if (ctx.alive())
				listArea.replaceChildren(loadError(err, () => load(false)));
		}
	}

	function table(rows) {
		const col = (key) => h('th', { scope: 'col' }, t(key));
		if (!rows.length)
			return h('p', { class: 'empty', 'data-testid': 'registrations-empty' }, t('review.empty'));
		return h('div', { class: 'table-wrap' },
			h('table', { class: 'table responsive', 'data-testid': 'registrations' },
				h('thead', {}, h('tr', {}, col('register.organisation'), col('register.uscc'), col('register.kind'),
					col('register.contact_name'), col('login.username'), col('review.age'), col('review.actions'))),
				h('tbody', {}, rows)),
			h('button', { type: 'button', class: 'btn more', hidden: !cursor, onclick: () => load(true) }, t('review.more')));
	}

	function row(r) {
		const cell = (key, ...content) => h('td', { 'data-label': t(key) }, ...content);
		return h('tr', { 'data-registration': r.id },
			h('th', { scope: 'row', 'data-label': t('register.organisation') }, r.organisation),
			cell('register.uscc', r.uscc),
			cell('register.kind', t('register.kind.' + r.kind)),
			cell('register.contact_name', r.contact_name + ' ' + r.contact_phone),
			cell('login.username', r.username),
			cell('review.age', age(r.created_at)),
			cell('review.actions',
				h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: () => approve(r) }, t('review.approve')),
				' ',
				h('button', { type: 'button', class: 'btn btn-small', onclick: () => reject(r) }, t('review.reject'))));
	}

	async function approve(r) {
		const ok = await openDialog({
			title: t('review.approve_title', { name: r.organisation }),
			body: [h('p', {}, t('review.approve_text'))],
			onConfirm: () => api.post('/registrations/' + r.id + '/approve', {}),
		});
		if (ok) {
			status.success(t('review.approved', { name: r.organisation }));
			load(false);
		}
	}

	async function reject(r) {
		const reason = inputField(t('review.reason'), 'reason', { required: true, maxlength: 500 });
		const ok = await openDialog({
			title: t('review.reject_title', { name: r.organisation }),
			body: [reason.wrap], danger: true, fields: { reason },
			onConfirm: () => api.post('/registrations/' + r.id + '/reject', { reason: reason.input.value.trim() }),
		});
		if (ok) {
			status.success(t('review.rejected', { name: r.organisation }));
			load(false);
		}
	}

	ctx.main.append(pageHeader(t('review.heading'), t('review.intro')), status.el, listArea);
	load(false);
}
