// The public application (issue 16): an enterprise or a warehouse applies with its name, its unified
// social credit code, a contact and its first user; the answer's number and token let the applicant
// look at the state later (shown once, here). Reached from the sign-in page, no session needed.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { inputField, selectField, messageBox, showApiError, clearFieldErrors, busy } from '../forms.js';
import { langSwitch } from '../langswitch.js';

const KINDS = ['enterprise', 'warehouse'];

function applicationFields() {
	return {
		organisation: inputField(t('register.organisation'), 'organisation', { required: true, autocomplete: 'organization' }),
		uscc: inputField(t('register.uscc'), 'uscc', { required: true, maxlength: 18, autocapitalize: 'characters',
			spellcheck: 'false' }, t('register.uscc_hint')),
		kind: selectField(t('register.kind'), 'kind', KINDS.map((k) => ({ value: k, label: t('register.kind.' + k) }))),
		site_id: inputField(t('register.site_id'), 'site_id', { type: 'number', min: 1 }, t('register.site_hint')),
		contact_name: inputField(t('register.contact_name'), 'contact_name', { required: true, autocomplete: 'name' }),
		contact_phone: inputField(t('register.contact_phone'), 'contact_phone', { type: 'tel', required: true }),
		username: inputField(t('login.username'), 'username', { required: true, autocapitalize: 'none',
			autocomplete: 'username', spellcheck: 'false' }),
		password: inputField(t('login.password'), 'password', { type: 'password', required: true,
			autocomplete: 'new-password' }),
	};
}

function bodyOf(fields) {
	const body = {};
	for (const [k, f] of Object.entries(fields))
		if (k !== 'site_id')
			body[k] = k === 'password' ? f.input.value : f.input.value.trim();
	body.uscc = body.uscc.toUpperCase();
	if (body.kind === 'warehouse')
		body.site_id = Number(fields.site_id.input.value);
	return body;
}

// The state of an application, looked up with its number and token.
function statusForm() {
	const id = inputField(t('register.number'), 'id', { type: 'number', min: 1 });
	const token = inputField(t('register.token'), 'token', { spellcheck: 'false', autocapitalize: 'none' });
	const box = messageBox();
	const button = h('button', { type: 'submit', class: 'btn' }, t('register.check'));
	const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'registration-status' },
		h('h2', {}, t('register.status_heading')), box.el, id.wrap, token.wrap, button);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		try {
			const r = await api.get('/registrations/' + encodeURIComponent(id.input.value.trim()),
				{ headers: { 'X-Registration-Token': token.input.value.trim() } });
			const state = t('register.state.' + r.state);
			box.success(r.reason ? t('register.state_reason', { state, reason: r.reason }) : state);
		} catch (err) {
			showApiError(box, err);
		}
	});
	return { form, id, token };
}

export function renderRegister(root, { onLang, onBack }) {
	const fields = applicationFields();
	const box = messageBox();
	const status = statusForm();
	const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('register.submit'));
	const showSite = () => { fields.site_id.wrap.hidden = fields.kind.input.value !== 'warehouse'; };
	fields.kind.input.addEventListener('change', showSite);
	showSite();
	const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'register-form' }, box.el,
		...Object.values(fields).map((f) => f.wrap), submit);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearFieldErrors(fields);
		const restore = busy(submit, t('register.submitting'));
		try {
			const r = await api.post('/registrations', bodyOf(fields), { quiet401: true });
			restore();
			form.replaceChildren(h('div', { class: 'alert alert-ok', role: 'status', 'data-testid': 'register-done' },
				h('p', {}, t('register.done')),
				h('p', {}, t('register.number') + ': ', h('strong', { 'data-testid': 'reg-id' }, String(r.id))),
				h('p', {}, t('register.token') + ': ', h('code', { 'data-testid': 'reg-token' }, r.token)),
				h('p', {}, t('register.keep_token'))));
			status.id.input.value = String(r.id);
			status.token.input.value = r.token;
		} catch (err) {
			restore();
			showApiError(box, err, fields);
		}
	});
	root.replaceChildren(h('div', { class: 'login-page' },
		h('div', { class: 'login-top' }, langSwitch((code) => onLang(code))),
		h('main', { class: 'login-card', id: 'main' },
			h('h1', {}, t('register.heading')),
			h('p', { class: 'intro' }, t('register.intro')),
			form, status.form,
			h('p', {}, h('a', { href: '#/', onclick: (e) => { e.preventDefault(); onBack(); } }, t('register.back'))))));
	fields.organisation.input.focus();
}
