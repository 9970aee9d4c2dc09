// 双重验证 (issue 16): the bureau's, warehouses', gates' and administrators' TOTP authenticator.
// The page enrols one (QR code, first code, ten recovery codes shown once), sets it up again or
// removes it (with the password); the sign-in page takes its second step from here (secondStep):
// the code prompt, or, when the bureau requires the factor of a user who has none, the enrolment
// within the sign-in.
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { inputField, messageBox, showApiError, clearFieldErrors, busy } from '../forms.js';
import { pageHeader, card, loading, loadError } from '../page.js';

const QR_PX = 240;

// The QR code of an enrolment's start ({secret, uri, qr_svg}) and its secret for typing in by hand.
function qrBlock(start) {
	const img = h('img', { class: 'totp-qr', alt: t('totp.qr_alt'), width: QR_PX, height: QR_PX, 'data-testid': 'totp-qr' });
	img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(start.qr_svg);
	return h('div', { class: 'totp-setup' },
		h('p', {}, t('totp.scan')),
		img,
		h('p', { class: 'hint' }, t('totp.manual')),
		h('p', {}, h('code', { class: 'totp-secret', 'data-testid': 'totp-secret' }, start.secret)));
}

// The recovery codes, shown this once.
function recoveryBlock(codes) {
	return h('div', { class: 'totp-recovery', 'data-testid': 'recovery-codes' },
		h('p', { class: 'alert alert-info' }, t('totp.recovery_once')),
		h('ol', { class: 'recovery-list' }, codes.map((c) => h('li', {}, h('code', {}, c)))));
}

// A form asking for one code; send(code) returns a promise, whose errors show in the form.
function codeForm(label, hint, submitLabel, send) {
	const field = inputField(label, 'code', { autocomplete: 'one-time-code', inputmode: 'text', spellcheck: 'false',
		autocapitalize: 'none', maxlength: 32, required: true, 'data-testid': 'totp-code' }, hint);
	const box = messageBox();
	const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
	const form = h('form', { class: 'form narrow', novalidate: true }, box.el, field.wrap, h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearFieldErrors({ code: field });
		const code = field.input.value.trim();
		if (!code) {
			box.error(t('totp.code_required'));
			field.input.focus();
			return;
		}
		const restore = busy(submit);
		try {
			await send(code);
		} catch (err) {
			restore();
			showApiError(box, err, { code: field });
			field.input.value = '';
			field.input.focus();
		}
	});
	return { form, focus: () => field.input.focus() };
}

// The sign-in's second step, in place of the password form. enrol: the bureau requires the
// factor and the user has none yet, so it is set up here first. onSignedIn(me) ends the sign-in;
// onRestart() goes back to the password (the pending sign-in expired).
export function secondStep({ enrol, onSignedIn, onRestart }) {
	const el = h('div', { class: 'second-step', 'data-testid': 'second-step' });
	const opts = { quiet401: true, savedLang: true };
	const restartLink = h('p', {}, h('a', { href: '#/', onclick: (e) => { e.preventDefault(); onRestart(); } },
		t('totp.restart')));
	async function send(code) {
		try {
			const me = await api.post('/session/totp', { code }, opts);
			if (Array.isArray(me.recovery_codes))
				showCodes(me);
			else
				onSignedIn(me);
		} catch (err) {
			if (err.code === 'second_factor_expired')
				el.append(restartLink);
			throw err;
		}
	}
	function showCodes(me) {
		const next = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'continue',
			onclick: () => onSignedIn(me) }, t('totp.continue'));
		replace(el, h('h2', {}, t('totp.enrolled')), recoveryBlock(me.recovery_codes), h('div', { class: 'actions' }, next));
		next.focus();
	}
	const prompt = codeForm(t('totp.code_label'), enrol ? t('totp.first_code_hint') : t('totp.code_hint'),
		t('totp.verify'), send);
	if (!enrol) {
		el.append(h('p', { class: 'intro' }, t('totp.login_intro')), prompt.form);
		setTimeout(prompt.focus);
		return el;
	}
	el.append(h('p', { class: 'intro' }, t('totp.login_enrol_intro')), loading());
	api.post('/session/totp/enrolment', {}, opts).then((start) => {
		replace(el, h('p', { class: 'intro' }, t('totp.login_enrol_intro')), qrBlock(start), prompt.form);
		prompt.focus();
	}, (err) => replace(el, loadError(err, onRestart)));
	return el;
}

export function render(ctx) {
	const status = messageBox();
	const body = h('div', {}, loading());

	async function load() {
		try {
			show(await api.get('/me/totp'));
		} catch (err) {
			replace(body, loadError(err, load));
		}
	}

	function show(s) {
		const state = s.enrolled ? t('totp.state_on', { n: s.recovery_codes_left }) : t('totp.state_off');
		const actions = h('div', { class: 'actions' },
			h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'enrol', onclick: start },
				t(s.enrolled ? 'totp.enrol_again' : 'totp.enrol')),
			s.enrolled ? h('button', { type: 'button', class: 'btn btn-danger-outline', 'data-action': 'remove',
				onclick: askRemove }, t('totp.remove')) : null);
		replace(body, h('p', { 'data-testid': 'totp-state' }, state),
			s.required ? h('p', { class: 'alert alert-info' }, t('totp.required_note')) : null, actions);
	}

	async function start() {
		status.clear();
		try {
			const st = await api.post('/me/totp', {});
			const prompt = codeForm(t('totp.code_label'), t('totp.first_code_hint'), t('totp.confirm'), async (code) => {
				const d = await api.post('/me/totp/confirm', { code });
				const done = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'done', onclick: load },
					t('totp.done'));
				replace(body, h('h2', {}, t('totp.enrolled')), recoveryBlock(d.recovery_codes), h('div', { class: 'actions' }, done));
				status.success(t('totp.enrolled'));
			});
			replace(body, qrBlock(st), prompt.form);
			prompt.focus();
		} catch (err) {
			showApiError(status, err);
		}
	}

	function askRemove() {
		const pw = inputField(t('totp.password'), 'password', { type: 'password', autocomplete: 'current-password', required: true });
		const box = messageBox();
		const submit = h('button', { type: 'submit', class: 'btn btn-danger' }, t('totp.remove'));
		const form = h('form', { class: 'form narrow', novalidate: true }, box.el, h('p', {}, t('totp.remove_intro')), pw.wrap,
			h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'btn', onclick: load }, t('totp.cancel'))));
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			const restore = busy(submit);
			try {
				await api.del('/me/totp', { body: { password: pw.input.value } });
				status.success(t('totp.removed'));
				load();
			} catch (err) {
				restore();
				showApiError(box, err, { password: pw });
			}
		});
		replace(body, form);
		pw.input.focus();
	}

	ctx.main.append(pageHeader(t('totp.heading'), t('totp.intro')), status.el, card(null, body));
	load();
}
