// 账户审计 (bureau, issue 16): every account action with its actor, time and address, newest first,
// filtered by action and subject; read-only (nothing in the audit can be edited).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { inputField, selectField, messageBox, showApiError } from '../forms.js';
import { pageHeader, loading } from '../page.js';

const ACTIONS = ['registration_applied', 'registration_approved', 'registration_rejected', 'user_added',
	'user_disabled', 'user_enabled', 'reset_issued', 'reset_used', 'reset_failed', 'second_factor_enrolled',
	'second_factor_removed', 'second_factor_failed', 'recovery_code_used', 'second_factor_rule'];

export function render(ctx) {
	const status = messageBox();
	const action = selectField(t('audit.action'), 'action', ACTIONS.map((a) => ({ value: a, label: t('audit.a.' + a) })),
		t('audit.all'));
	const subject = inputField(t('audit.subject'), 'subject', { spellcheck: 'false' });
	const listArea = h('div', { class: 'list-area' });
	let cursor = null;

	async function load(more) {
		if (!more)
			listArea.replaceChildren(loading());
		const q = new URLSearchParams();
		if (action.input.value)
			q.set('action', action.input.value);
		if (subject.input.value.trim())
			q.set('subject', subject.input.value.trim());
		if (more && cursor)
			q.set('cursor', cursor);
		try {
			const r = await api.get('/account-audit?' + q.toString());
			if (!ctx.alive())
				return;
			cursor = r.next_cursor;
			const rows = (r.items || []).map(row);
			if (more)
				listArea.querySelector('tbody').append(...rows);
			else
				listArea.replaceChildren(table(rows));
			listArea.querySelector('.more').hidden = !cursor;
		} catch (err) {
			if (ctx.alive())
				showApiError(status, err);
		}
	}

	function row(e) {
		const cell = (key, ...c) => h('td', { 'data-label': t(key) }, ...c);
		return h('tr', {},
			cell('audit.at', new Date(e.at * 1000).toLocaleString()),
			cell('audit.action', t('audit.a.' + e.action)),
			cell('audit.actor', e.actor_id === null ? t('audit.public') : String(e.actor_id)),
			cell('audit.subject', e.subject),
			cell('audit.addr', e.addr),
			cell('audit.detail', e.detail));
	}

	function table(rows) {
		const col = (key) => h('th', { scope: 'col' }, t(key));
		return h('div', { class: 'table-wrap' },
			h('table', { class: 'table responsive', 'data-testid': 'account-audit' },
				h('thead', {}, h('tr', {}, col('audit.at'), col('audit.action'), col('audit.actor'), col('audit.subject'),
					col('audit.addr'), col('audit.detail'))),
				h('tbody', {}, rows)),
			h('button', { type: 'button', class: 'btn more', onclick: () => load(true) }, t('review.more')));
	}

	const form = h('form', { class: 'inline-form', novalidate: true }, action.wrap, subject.wrap,
		h('button', { type: 'submit', class: 'btn btn-primary' }, t('audit.search')));
	form.addEventListener('submit', (e) => { e.preventDefault(); load(false); });
	ctx.main.append(pageHeader(t('audit.heading'), t('audit.intro')), status.el, form, listArea);
	load(false);
}
