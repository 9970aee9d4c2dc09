// Set a new password with a one-time reset code from an administrator (issue 16). Public: reached
// from the sign-in page; every session of the user ends when the password changes.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { inputField, messageBox, showApiError, clearFieldErrors, busy } from '../forms.js';
import { langSwitch } from '../langswitch.js';

export function renderReset(root, { onLang, onBack }) {
	const fields = {
		username: inputField(t('login.username'), 'username', { required: true, autocapitalize: 'none',
			autocomplete: 'username', spellcheck: 'false' }),
		code: inputField(t('reset.code'), 'code', { required: true, autocapitalize: 'characters', spellcheck: 'false',
			autocomplete: 'one-time-code' }),
		password: inputField(t('reset.password'), 'password', { type: 'password', required: true,
			autocomplete: 'new-password' }),
	};
	const box = messageBox();
	const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('reset.submit'));
	const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'reset-form' }, box.el,
		fields.username.wrap, fields.code.wrap, fields.password.wrap, submit);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearFieldErrors(fields);
		const restore = busy(submit);
		try {
			await api.post('/password-resets/redeem', { username: fields.username.input.value.trim(),
				code: fields.code.input.value.trim(), password: fields.password.input.value }, { quiet401: true });
			restore();
			box.success(t('reset.done'));
		} catch (err) {
			restore();
			showApiError(box, err, fields);
		}
	});
	root.replaceChildren(h('div', { class: 'login-page' },
		h('div', { class: 'login-top' }, langSwitch((code) => onLang(code))),
		h('main', { class: 'login-card', id: 'main' },
			h('h1', {}, t('reset.heading')),
			h('p', { class: 'intro' }, t('reset.intro')),
			form,
			h('p', {}, h('a', { href: '#/', 'data-testid': 'back-to-login',
				onclick: (e) => { e.preventDefault(); onBack(); } }, t('register.back'))))));
	fields.username.input.focus();
}
