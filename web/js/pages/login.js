// The sign-in page: username, password, the language switch, and the API's error message
// (in the chosen language) when sign-in fails.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { inputField, messageBox, showApiError, clearFieldErrors, busy } from '../forms.js';
import { langSwitch } from '../langswitch.js';
import { secondStep } from './second_factor.js';

// renderLogin(root, {onLang, onSignedIn, onRegister, onReset, notice, username}) — notice: a message shown on arrival
// (e.g. the session expired); username: prefilled after a language switch. A user with a second
// factor (or whose role the bureau requires it of) is asked for the code next, in place of the form.
export function renderLogin(root, opts) {
	const { onLang, onSignedIn, onRegister, onReset, notice, username } = opts;
	const fields = {
		username: inputField(t('login.username'), 'username',
			{ autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true }),
		password: inputField(t('login.password'), 'password',
			{ type: 'password', autocomplete: 'current-password', required: true }),
	};
	if (username)
		fields.username.input.value = username;
	const box = messageBox();
	const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));
	const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'login-heading' },
		box.el, fields.username.wrap, fields.password.wrap, submit);

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearFieldErrors(fields);
		const body = { username: fields.username.input.value.trim(), password: fields.password.input.value };
		if (!body.username || !body.password) {
			box.error(t('login.required'));
			(body.username ? fields.password : fields.username).input.focus();
			return;
		}
		const restore = busy(submit, t('login.submitting'));
		try {
			const me = await api.post('/session', body, { quiet401: true, savedLang: true });
			onSignedIn(me);
		} catch (err) {
			restore();
			if (err.code === 'second_factor_required') {
				form.replaceWith(secondStep({ enrol: !!err.detail.enrolment_required, onSignedIn,
					onRestart: () => renderLogin(root, { ...opts, notice: undefined, username: body.username }) }));
				return;
			}
			showApiError(box, err, fields);
			fields.password.input.value = '';
			if (!err.fields.length)
				fields.password.input.focus();
		}
	});

	root.replaceChildren(h('div', { class: 'login-page' },
		h('div', { class: 'login-top' }, langSwitch((code) => onLang(code, fields.username.input.value))),
		h('main', { class: 'login-card', id: 'main' },
			h('div', { class: 'login-brand' },
				h('img', { src: '/img/emblem.svg', alt: '', width: 56, height: 56 }),
				h('p', { class: 'login-title' }, t('app.title')),
				h('p', { class: 'login-sub' }, t('app.subtitle'))),
			h('h1', { id: 'login-heading' }, t('login.heading')),
			h('p', { class: 'intro' }, t('login.intro')),
			form,
			h('p', { class: 'login-register' }, h('a', { href: '#/register', 'data-testid': 'to-register',
				onclick: (e) => { e.preventDefault(); onRegister(); } }, t('login.register'))),
			h('p', { class: 'login-register' }, h('a', { href: '#/reset', 'data-testid': 'to-reset',
				onclick: (e) => { e.preventDefault(); onReset(); } }, t('login.reset')))),
		h('footer', { class: 'footer' }, t('app.footer'))));
	if (notice)
		box.error(notice);
	if (!username)
		fields.username.input.focus();
}
