// 卡口 (gate role): the release code comes from a keyboard-wedge scanner (it types the code and
// Enter) or is typed by hand; the answer is a large green or red panel with the booking's plates,
// kind, declaration number and site. Usable without a mouse: the code field keeps the focus, a
// booking with several trucks asks for the plate in a second field (Enter again), Escape clears.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { pageHeader } from '../page.js';
import { label, domain } from '../domain.js';
import { inputField } from '../forms.js';

const GATE_KEY = 'kouan.gate';
const TOKEN_MAX = 512;

function storedGate() {
	try {
		return localStorage.getItem(GATE_KEY) || '';
	} catch (e) {
		return '';
	}
}

function keepGate(name) {
	try {
		localStorage.setItem(GATE_KEY, name);
	} catch (e) {
		// private mode: asked again next time
	}
}

// The reason's words; a reason the tables do not know shows as its code.
function reasonText(reason) {
	const key = 'gate.reason.' + reason;
	const s = t(key);
	return s === key ? String(reason) : s;
}

function bookingFacts(b) {
	if (!b)
		return null;
	const row = (key, value) => h('div', { class: 'gate-fact' }, h('dt', {}, t(key)), h('dd', {}, value));
	const passed = Array.isArray(b.passed) ? b.passed.map((p) => p.unit) : [];
	const units = Array.isArray(b.units) ? b.units : [];
	return h('dl', { class: 'gate-facts' },
		row(b.kind === 'commodity_vehicle' ? 'gate.vins' : 'gate.plates',
			b.kind === 'commodity_vehicle' ? t('gate.vin_count', { n: units.length })
				: (Array.isArray(b.plates) ? b.plates.join('  ') : '')),
		row('gate.kind', label('kinds', b.kind)),
		row('gate.declaration_no', b.declaration_no || '—'),
		row('gate.site', b.site_name || '—'),
		row('gate.crossing', [b.crossing_date || '', b.slot || ''].join(' ')),
		row('gate.state', label('states', b.state)),
		row('gate.passed', t('gate.passed_of', { passed: passed.length, total: b.total }) +
			(passed.length ? ' (' + passed.join(', ') + ')' : '')));
}

export function render(ctx) {
	const gateField = inputField(t('gate.gate'), 'gate', { value: storedGate(), maxlength: 63, required: true });
	const codeField = inputField(t('gate.code'), 'token', {
		autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: TOKEN_MAX,
		class: 'gate-code', 'data-testid': 'gate-code',
	}, t('gate.code_hint'));
	const unitField = inputField(t('gate.unit'), 'unit', { autocomplete: 'off', 'data-testid': 'gate-unit' });
	unitField.wrap.hidden = true;
	const answer = h('div', { class: 'gate-answer', role: 'status', 'aria-live': 'assertive', 'data-testid': 'gate-answer' });
	let lastToken = '';

	function show(res) {
		const green = res.result === 'green';
		let headline = green ? t('gate.green') : t('gate.red');
		if (res.unit_required)
			headline = t('gate.unit_required');
		answer.className = 'gate-answer ' + (green ? 'gate-green' : 'gate-red');
		answer.dataset.result = res.result;
		// replaceChildren would write a null as the text "null"
		answer.replaceChildren(...[
			h('p', { class: 'gate-headline' }, headline),
			res.reason ? h('p', { class: 'gate-reason', 'data-reason': res.reason }, reasonText(res.reason)) : null,
			res.repeat ? h('p', { class: 'gate-reason' }, t('gate.repeat')) : null,
			res.unit && green ? h('p', { class: 'gate-unit' }, t('gate.recorded', { unit: res.unit })) : null,
			bookingFacts(res.booking)].filter(Boolean));
	}

	async function send(token, unit) {
		const gate = gateField.input.value.trim();
		if (!gate) {
			gateField.setError(t('gate.gate_required'));
			gateField.input.focus();
			return;
		}
		gateField.setError('');
		keepGate(gate);
		const body = { token, gate };
		if (unit)
			body[unitField.input.dataset.key || 'plate'] = unit;
		try {
			const res = await api.post('/gate/scans', body);
			if (!ctx.alive())
				return;
			show(res);
			const needUnit = !!res.unit_required;
			unitField.wrap.hidden = !needUnit;
			unitField.input.dataset.key = res.booking && res.booking.kind === 'commodity_vehicle' ? 'vin' : 'plate';
			unitField.input.value = '';
			(needUnit ? unitField.input : codeField.input).focus();
		} catch (err) {
			if (!ctx.alive())
				return;
			answer.className = 'gate-answer gate-red';
			answer.dataset.result = 'error';
			answer.replaceChildren(h('p', { class: 'gate-headline' }, err.message));
			codeField.input.focus();
		}
	}

	codeField.input.addEventListener('keydown', (e) => {
		if (e.key === 'Escape') {
			codeField.input.value = '';
			return;
		}
		if (e.key !== 'Enter')
			return;
		e.preventDefault();
		const token = codeField.input.value.trim();
		codeField.input.value = '';	// ready for the next truck at once
		if (!token)
			return;
		lastToken = token;
		unitField.wrap.hidden = true;
		send(token, '');
	});
	unitField.input.addEventListener('keydown', (e) => {
		if (e.key === 'Escape') {
			unitField.wrap.hidden = true;
			codeField.input.focus();
			return;
		}
		if (e.key !== 'Enter')
			return;
		e.preventDefault();
		const unit = unitField.input.value.trim();
		if (unit && lastToken)
			send(lastToken, unit);
	});

	ctx.main.append(pageHeader(t('gate.heading'), t('gate.intro')),
		h('section', { class: 'card gate-card' }, gateField.wrap, codeField.wrap, unitField.wrap), answer);
	domain().catch(() => null);	// kind and state labels
	codeField.input.focus();
}
