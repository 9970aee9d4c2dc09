// User management (admin): list users, create one, disable / re-enable, reset a password.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { formatDateTime } from '../time.js';
import { ROLES } from '../routes.js';
import { domain } from '../domain.js';
import { openDialog } from '../dialog.js';
import { inputField, selectField, messageBox, showApiError, clearFieldErrors, busy } from '../forms.js';
import { pageHeader, card, loading, loadError } from '../page.js';

// The kind of organisation each role belongs to; roles not listed have none.
const ORG_KIND = { enterprise: 'enterprise', warehouse: 'warehouse', bureau: 'bureau' };
// Roles whose organisation must be named.
const ORG_REQUIRED = ['enterprise', 'warehouse'];

export function render(ctx) {
	let secondFactorRoles = [];	// roles that may have a second factor (GET /domain)
	const domainLoaded = domain().then((d) => { secondFactorRoles = (d.second_factor && d.second_factor.roles) || []; },
		() => {});
	const status = messageBox();
	const listArea = h('div', { class: 'list-area' }, loading());
	const orgList = h('datalist', { id: 'org-names' });
	let users = [];
	let roleSelect = null;

	async function load(highlightId) {
		try {
			const [body] = await Promise.all([api.get('/users'), domainLoaded]);
			if (!ctx.alive())
				return;
			users = Array.isArray(body.users) ? body.users : [];
			listArea.replaceChildren(userTable(users, highlightId));
			fillOrganisations();
		} catch (err) {
			if (ctx.alive())
				listArea.replaceChildren(loadError(err, () => load()));
		}
	}

	// Suggest the organisations already known for the chosen role (an enterprise user joins an
	// enterprise, a warehouse user a warehouse enterprise, …).
	function fillOrganisations() {
		const kind = ORG_KIND[roleSelect ? roleSelect.value : ''];
		const names = new Set(users.filter((u) => u.organisation && u.organisation.kind === kind)
			.map((u) => u.organisation.name));
		orgList.replaceChildren(...[...names].sort().map((n) => h('option', { value: n })));
	}

	function userTable(list, highlightId) {
		if (!list.length)
			return h('p', { class: 'empty' }, t('users.empty'));
		const col = (key) => h('th', { scope: 'col' }, t(key));
		const rows = list.map((u) => {
			const cell = (key, ...content) => h('td', { 'data-label': t(key) }, ...content);
			const actions = h('div', { class: 'row-actions' },
				h('button', {
					type: 'button', class: u.disabled ? 'btn btn-small' : 'btn btn-small btn-danger-outline',
					onclick: () => toggleDisabled(u),
				}, t(u.disabled ? 'users.enable' : 'users.disable')),
				h('button', { type: 'button', class: 'btn btn-small', onclick: () => resetPassword(u) },
					t('users.reset_password')),
				secondFactorRoles.includes(u.role) ? h('button', { type: 'button', class: 'btn btn-small',
					'data-action': 'remove-second-factor', onclick: () => removeSecondFactor(u) },
				t('users.remove_second_factor')) : null);
			return h('tr', {
				'data-username': u.username,
				class: [u.disabled ? 'is-disabled' : '', u.id === highlightId ? 'is-new' : ''].join(' ').trim() || null,
			},
			h('th', { scope: 'row', 'data-label': t('users.username') }, u.username),
			cell('users.role', t('role.' + u.role)),
			cell('users.organisation', u.organisation ? u.organisation.name : '—'),
			cell('users.status', h('span', { class: u.disabled ? 'badge badge-off' : 'badge badge-on' },
				t(u.disabled ? 'users.disabled' : 'users.active'))),
			cell('users.created_at', h('time', { datetime: u.created_at || '' }, formatDateTime(u.created_at))),
			cell('users.actions', actions));
		});
		return h('div', { class: 'table-wrap' },
			h('table', { class: 'table responsive' },
				h('caption', {}, t('users.count', { n: list.length })),
				h('thead', {}, h('tr', {}, col('users.username'), col('users.role'), col('users.organisation'),
					col('users.status'), col('users.created_at'), col('users.actions'))),
				h('tbody', {}, rows)));
	}

	async function setDisabled(u, disabled) {
		await api.patch(`/users/${encodeURIComponent(u.id)}`, { disabled });
		status.success(t(disabled ? 'users.disabled_done' : 'users.enabled_done', { name: u.username }));
		await load();
	}

	async function toggleDisabled(u) {
		if (u.disabled) {
			try {
				await setDisabled(u, false);
			} catch (err) {
				showApiError(status, err);
			}
			return;
		}
		await openDialog({
			title: t('users.disable') + ' — ' + u.username,
			body: [h('p', {}, t('users.confirm_disable', { name: u.username }))],
			confirmLabel: t('users.disable'),
			danger: true,
			onConfirm: () => setDisabled(u, true),
		});
	}

	// A user who lost both the phone and the recovery codes: the second factor ends (issue 16).
	async function removeSecondFactor(u) {
		const done = await openDialog({
			title: t('users.remove_second_factor'),
			body: [h('p', {}, t('users.remove_second_factor_ask', { name: u.username }))],
			confirmLabel: t('users.remove_second_factor'),
			onConfirm: () => api.del(`/users/${encodeURIComponent(u.id)}/totp`),
		});
		if (done)
			status.success(t('users.second_factor_removed', { name: u.username }));
	}

	async function resetPassword(u) {
		const pw = inputField(t('users.new_password'), 'password',
			{ type: 'text', autocomplete: 'off', spellcheck: 'false', required: true });
		const done = await openDialog({
			title: t('users.reset_heading', { name: u.username }),
			body: [pw.wrap],
			confirmLabel: t('users.reset_password'),
			fields: { password: pw },
			onConfirm: () => api.put(`/users/${encodeURIComponent(u.id)}/password`, { password: pw.input.value }),
		});
		if (done)
			status.success(t('users.reset_done', { name: u.username }));
	}

	ctx.main.append(
		pageHeader(t('users.heading'), t('users.intro')),
		status.el,
		createForm(),
		card(t('users.list'), listArea));
	load();

	function createForm() {
		const fields = {
			username: inputField(t('users.username'), 'username',
				{ autocomplete: 'off', spellcheck: 'false', required: true }),
			password: inputField(t('users.password'), 'password',
				{ type: 'text', autocomplete: 'off', spellcheck: 'false', required: true }),
			role: selectField(t('users.role'), 'role',
				ROLES.map((r) => ({ value: r, label: t('role.' + r) })), t('users.choose_role'), { required: true }),
			organisation: inputField(t('users.organisation'), 'organisation',
				{ list: 'org-names', autocomplete: 'off' }, t('users.organisation_hint')),
		};
		roleSelect = fields.role.input;
		// The organisation field follows the role: required, optional, or not applicable.
		const org = fields.organisation.input;
		const followRole = () => {
			const role = roleSelect.value;
			org.disabled = !!role && !ORG_KIND[role];
			if (org.disabled)
				org.value = '';
			org.required = ORG_REQUIRED.includes(role);
			fillOrganisations();
		};
		roleSelect.addEventListener('change', followRole);
		const box = messageBox();
		const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.create_submit'));
		const form = h('form', { class: 'form grid-form', novalidate: true, 'aria-label': t('users.create') },
			box.el, Object.values(fields).map((f) => f.wrap), orgList, h('div', { class: 'actions' }, submit));
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			clearFieldErrors(fields);
			box.clear();
			const body = {
				username: fields.username.input.value.trim(),
				password: fields.password.input.value,
				role: fields.role.input.value,
			};
			const org = fields.organisation.input.value.trim();
			if (org)
				body.organisation = org;
			const restore = busy(submit);
			try {
				const user = await api.post('/users', body);
				form.reset();
				followRole();
				box.success(t('users.created', { name: user.username || body.username }));
				await load(user.id);
			} catch (err) {
				showApiError(box, err, fields);
			} finally {
				restore();
			}
		});
		return h('section', { class: 'card' }, h('h2', {}, t('users.create')), form);
	}
}
