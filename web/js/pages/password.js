// Change own password (every role): PUT /api/v1/me/password.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { inputField, messageBox, showApiError, clearFieldErrors, busy } from '../forms.js';
import { pageHeader, card } from '../page.js';

export function render(ctx) {
	const fields = {
		current_password: inputField(t('password.current'), 'current_password',
			{ type: 'password', autocomplete: 'current-password', required: true }),
		new_password: inputField(t('password.new'), 'new_password',
			{ type: 'password', autocomplete: 'new-password', required: true }),
		confirm: inputField(t('password.confirm'), 'confirm_password',
			{ type: 'password', autocomplete: 'new-password', required: true }),
	};
	const box = messageBox();
	const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('password.submit'));
	// The account name, unseen, so a password manager knows whose password changes.
	const account = h('input', { type: 'text', name: 'username', autocomplete: 'username', value: ctx.me.user.username,
		readonly: true, hidden: true, tabindex: '-1', 'aria-hidden': 'true' });
	const form = h('form', { class: 'form narrow', novalidate: true },
		box.el, account, Object.values(fields).map((f) => f.wrap), h('div', { class: 'actions' }, submit));

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearFieldErrors(fields);
		box.clear();
		const current = fields.current_password.input.value;
		const next = fields.new_password.input.value;
		if (next !== fields.confirm.input.value) {
			fields.confirm.setError(t('password.mismatch'));
			box.error(t('common.fix_errors'), [t('password.mismatch')]);
			fields.confirm.input.focus();
			return;
		}
		const restore = busy(submit);
		try {
			// The server may start a fresh session (new cookie and CSRF token) and answer with it.
			const body = await api.put('/me/password', { current_password: current, new_password: next });
			if (body && body.user)
				ctx.setMe(body);
			form.reset();
			box.success(t('password.done'));
		} catch (err) {
			showApiError(box, err, fields);
		} finally {
			restore();
		}
	});

	ctx.main.append(pageHeader(t('password.heading'), t('password.intro')), card(null, form));
}
