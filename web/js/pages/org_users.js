// 本单位用户 (an organisation's administrator, issue 16): the organisation's users; add one (it signs
// in after a reset code), disable or enable one, issue a one-time reset code shown once. Passwords
// are never seen or set here.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { openDialog } from '../dialog.js';
import { inputField, messageBox, showApiError } from '../forms.js';
import { pageHeader, loading, loadError } from '../page.js';

export function render(ctx) {
	const status = messageBox();
	const listArea = h('div', { class: 'list-area' }, loading());
	const code = h('div', { 'data-testid': 'reset-code-area' });

	async function load() {
		try {
			const r = await api.get('/users');
			if (ctx.alive())
				listArea.replaceChildren(table(r.users || []));
		} catch (err) {
			if (ctx.alive())
				listArea.replaceChildren(loadError(err, load));
		}
	}

	function table(users) {
		const col = (key) => h('th', { scope: 'col' }, t(key));
		return h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive', 'data-testid': 'org-users' },
			h('thead', {}, h('tr', {}, col('login.username'), col('org_users.state'), col('review.actions'))),
			h('tbody', {}, users.map((u) => h('tr', { 'data-user': u.username },
				h('th', { scope: 'row', 'data-label': t('login.username') }, u.username,
					u.org_admin ? ' (' + t('org_users.admin') + ')' : ''),
				h('td', { 'data-label': t('org_users.state') }, u.disabled ? t('org_users.disabled') : t('org_users.active')),
				h('td', { 'data-label': t('review.actions') },
					u.id === ctx.me.user.id ? null : h('button', { type: 'button', class: 'btn btn-small',
						onclick: () => setDisabled(u, !u.disabled) }, u.disabled ? t('org_users.enable') : t('org_users.disable')),
					' ',
					h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'reset-code',
						onclick: () => resetCode(u) }, t('org_users.reset_code'))))))));
	}

	async function setDisabled(u, disabled) {
		try {
			await api.patch('/users/' + u.id, { disabled });
			status.success(t('org_users.saved'));
			load();
		} catch (err) {
			showApiError(status, err);
		}
	}

	async function resetCode(u) {
		try {
			const r = await api.post('/users/' + u.id + '/reset-code', {});
			code.replaceChildren(h('div', { class: 'alert alert-ok', role: 'status' },
				h('p', {}, t('org_users.code_for', { name: u.username })),
				h('p', {}, h('code', { 'data-testid': 'reset-code' }, r.code)),
				h('p', {}, t('org_users.code_once'))));
		} catch (err) {
			showApiError(status, err);
		}
	}

	async function add() {
		const username = inputField(t('login.username'), 'username', { required: true, autocapitalize: 'none' });
		const ok = await openDialog({
			title: t('org_users.add'), body: [username.wrap], fields: { username },
			onConfirm: () => api.post('/users', { username: username.input.value.trim() }),
		});
		if (ok) {
			status.success(t('org_users.added'));
			load();
		}
	}

	ctx.main.append(pageHeader(t('org_users.heading'), t('org_users.intro')), status.el, code,
		h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', {}, t('org_users.list')),
			h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'add-user', onclick: add },
				t('org_users.add'))), listArea));
	load();
}
