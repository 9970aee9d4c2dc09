// The fields of a booking form: which fields each kind shows in its two blocks (选择信息, 识别信息),
// how each value is written in an input and read back, and the field element with everything
// shown at it (the declaration's value when changed, low confidence, warnings, check results).
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';

// Below this the recogniser is not sure; at and above it no wrong value was seen in the fixtures.
export const LOW_CONFIDENCE = 0.9;
const KG_PER_TONNE = 1000;
const TONNE_DIGITS = 3;
const PERCENT = 100;

// The blocks of the seed, per kind, in its order.
export const BLOCKS = {
	heavy_truck: {
		choices: ['declaration_no', 'clearance_mode', 'cargo_type', 'is_transit', 'contact', 'customs_warehouse',
			'transshipment_site_id'],
		recognised: ['plates', 'truck_count', 'domestic_shipper', 'origin', 'gross_weight_kg', 'total_value', 'seals',
			'departure_port', 'destination_country', 'remarks', 'vehicle_models', 'containers', 'container_teu', 'company'],
	},
	commodity_vehicle: {
		choices: ['declaration_no', 'clearance_mode', 'is_transit', 'contact', 'customs_warehouse', 'usage_type', 'fuel_type'],
		recognised: ['origin', 'departure_port', 'destination_country', 'company', 'domestic_shipper', 'gross_weight_kg',
			'total_value', 'vehicle_count', 'remarks', 'transport_name'],
	},
};

// type: how the value is edited; list: the bureau's option list; recognised: read from the declaration.
export const FIELDS = {
	declaration_no: { type: 'text', recognised: true, attrs: { inputmode: 'numeric', autocomplete: 'off', maxlength: '32' } },
	clearance_mode: { type: 'option', list: 'clearance_mode' },
	cargo_type: { type: 'option', list: 'cargo_type' },
	customs_warehouse: { type: 'option', list: 'customs_warehouse' },
	usage_type: { type: 'option', list: 'usage_type' },
	fuel_type: { type: 'option', list: 'fuel_type' },
	is_transit: { type: 'yesno' },
	contact: { type: 'text', attrs: { type: 'tel', autocomplete: 'tel', maxlength: '32' } },
	transshipment_site_id: { type: 'site' },
	plates: { type: 'list', recognised: true },
	truck_count: { type: 'int', recognised: true },
	vehicle_count: { type: 'int', recognised: true },
	domestic_shipper: { type: 'party', recognised: true },
	origin: { type: 'place', recognised: true },
	gross_weight_kg: { type: 'kg', recognised: true },
	total_value: { type: 'number', recognised: true, with: 'currency' },
	currency: { type: 'text', recognised: true, attrs: { maxlength: '8', autocomplete: 'off' } },
	seals: { type: 'list', recognised: true },
	departure_port: { type: 'text', recognised: true },
	destination_country: { type: 'text', recognised: true },
	remarks: { type: 'textarea', recognised: true },
	transport_name: { type: 'text', recognised: true },
	vehicle_models: { type: 'models', recognised: true },
	containers: { type: 'list', recognised: true },
	container_teu: { type: 'int', recognised: true },
	company: { type: 'readonly' },
};

const LIST_SPLIT = /[\s,，;；、]+/;

function num(s, integer) {
	const v = s.trim().replace(/,/g, '');
	if (v === '')
		return null;
	const n = Number(v);
	if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
		return v;               // kept as typed: the server says what is wrong with it
	return n;
}

// Each type: text(value) -> the input's text; parse(text, old) -> the value for the API.
const CODECS = {
	text: { text: (v) => (v === null || v === undefined ? '' : String(v)), parse: (s) => s.trim() || null },
	textarea: { text: (v) => (v === null || v === undefined ? '' : String(v)), parse: (s) => s.trim() || null },
	int: { text: (v) => (v === null || v === undefined ? '' : String(v)), parse: (s) => num(s, true) },
	number: { text: (v) => (v === null || v === undefined ? '' : String(v)), parse: (s) => num(s, false) },
	kg: { text: (v) => (v === null || v === undefined ? '' : String(v)), parse: (s) => num(s, false) },
	list: {
		text: (v) => (Array.isArray(v) ? v.join(', ') : v ? String(v) : ''),
		parse: (s) => s.split(LIST_SPLIT).filter(Boolean),
	},
	// 境内发货人: the name is edited; its credit code stays as read (shown as the hint).
	party: {
		text: (v) => (v && typeof v === 'object' ? v.name || '' : v ? String(v) : ''),
		parse: (s, old) => {
			const v = s.trim() || null;
			return old && typeof old === 'object' ? { ...old, name: v } : v;
		},
	},
	place: {
		text: (v) => (v && typeof v === 'object' ? (v.code ? `(${v.code})` : '') + (v.name || '') : v ? String(v) : ''),
		parse: (s, old) => {
			const v = s.trim();
			if (old !== null && old !== undefined && typeof old !== 'object')
				return v || null;
			if (!v)
				return null;
			const m = /^[(（]\s*([0-9/]+)\s*[)）]\s*(.*)$/.exec(v);
			return m ? { code: m[1], name: m[2] || null } : { code: null, name: v };
		},
	},
	models: {
		text: (v) => (Array.isArray(v) ? v.map((m) => (m && typeof m === 'object'
			? [m.brand, m.model].filter(Boolean).join(' ') : String(m))).join('；') : v ? String(v) : ''),
		parse: (s, old) => {
			const parts = s.split(/[;；]/).map((p) => p.trim()).filter(Boolean);
			const objects = !Array.isArray(old) || old.every((m) => m && typeof m === 'object');
			if (!objects)
				return parts;
			return parts.map((p) => {
				const at = p.indexOf(' ');
				return at < 0 ? { brand: p, model: null } : { brand: p.slice(0, at), model: p.slice(at + 1).trim() || null };
			});
		},
	},
	yesno: {
		text: (v) => (v === true ? 'true' : v === false ? 'false' : ''),
		parse: (s) => (s === 'true' ? true : s === 'false' ? false : null),
	},
	option: { text: (v) => (v === null || v === undefined ? '' : String(v)), parse: (s) => s || null },
	site: {
		text: (v) => (v === null || v === undefined ? '' : String(v)),
		parse: (s) => (s === '' ? null : Number(s)),
	},
	readonly: { text: (v) => (v === null || v === undefined ? '' : String(v)), parse: (s) => s },
};

export function codec(type) {
	return CODECS[type];
}

// Deep equality of two JSON values, with null, undefined, '' and [] all meaning "nothing".
export function same(a, b) {
	const empty = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
	if (empty(a) && empty(b))
		return true;
	return JSON.stringify(a) === JSON.stringify(b);
}

// The lowest confidence recognised for a field (its own key, or any key under it), or undefined.
export function confidenceOf(confidence, key) {
	if (!confidence || typeof confidence !== 'object')
		return undefined;
	let low;
	for (const [k, v] of Object.entries(confidence)) {
		if ((k === key || k.startsWith(key + '.')) && typeof v === 'number')
			low = low === undefined ? v : Math.min(low, v);
	}
	return low;
}

export function tonnes(kg) {
	return (kg / KG_PER_TONNE).toFixed(TONNE_DIGITS);
}

function control(key, def, id) {
	const attrs = { id, name: key, ...(def.attrs || {}) };
	if (def.type === 'textarea')
		return h('textarea', { ...attrs, rows: '3' });
	if (def.type === 'option' || def.type === 'site')
		return h('select', attrs, h('option', { value: '' }, t('booking.choose')));
	if (def.type === 'yesno') {
		return h('select', attrs, h('option', { value: 'false' }, t('booking.no')),
			h('option', { value: 'true' }, t('booking.yes')));
	}
	if (def.type === 'readonly')
		return h('input', { ...attrs, type: 'text', readonly: true });
	const inputmode = def.type === 'int' ? 'numeric' : def.type === 'number' || def.type === 'kg' ? 'decimal' : null;
	return h('input', { type: 'text', inputmode, autocomplete: 'off', ...attrs });
}

// A field of the form: label bound to its control; the lines under it say what the declaration
// read (when the value differs), how sure the reading was, the recogniser's warnings, the result
// of the checks, and an error. -> {key, def, wrap, input, extra, label, get(), set(v), …}
export function bookingField(key, opts = {}) {
	const def = FIELDS[key];
	const id = uid('bf');
	const input = control(key, def, id);
	const lbl = t('booking.f.' + key);
	const hint = h('p', { class: 'hint field-hint', id: uid('hint') });
	const declared = h('p', { class: 'declared', id: uid('decl'), hidden: true });
	const notes = h('ul', { class: 'field-notes', id: uid('note'), hidden: true });
	const check = h('p', { class: 'field-check', id: uid('chk'), hidden: true });
	const err = h('p', { class: 'field-error', id: uid('err'), hidden: true });
	const row = h('div', { class: 'field-control' }, input, opts.after || null);
	const wrap = h('div', { class: 'field bfield bfield-' + def.type, 'data-field': key },
		h('label', { for: id }, lbl), row, hint, declared, notes, check, err);
	input.setAttribute('aria-describedby', [hint.id, declared.id, notes.id, check.id, err.id].join(' '));
	const cdc = codec(def.type);
	let original;
	const f = {
		key, def, wrap, input, label: lbl, row,
		get: () => cdc.parse(input.value, original),
		set(v) {
			original = v;
			const s = cdc.text(v);
			if (input.tagName === 'SELECT' && s && !input.querySelector(`option[value="${CSS.escape(s)}"]`))
				input.append(h('option', { value: s }, s));
			input.value = s;
			f.refreshHint();
		},
		setOptions(list) {
			const keep = input.value;
			input.replaceChildren(h('option', { value: '' }, t('booking.choose')),
				...list.map((o) => h('option', { value: String(o.value), 'data-code': o.code || null }, o.label)));
			if (keep && !input.querySelector(`option[value="${CSS.escape(keep)}"]`))
				input.append(h('option', { value: keep }, keep));
			input.value = keep;
		},
		// The tonnes hint under a weight in kilograms.
		refreshHint() {
			if (def.type === 'party')
				hint.textContent = original && original.uscc ? t('booking.uscc', { code: original.uscc }) : '';
			if (def.type !== 'kg')
				return;
			const v = f.get();
			hint.textContent = typeof v === 'number' ? t('booking.tonnes_hint', { t: tonnes(v) }) : '';
		},
		showDeclared(value, present) {
			const differs = present && !same(f.get(), value);
			declared.hidden = !differs;
			wrap.classList.toggle('changed', differs);
			declared.textContent = differs ? t('booking.declared_value', { value: cdc.text(value) || t('booking.empty_value') }) : '';
		},
		showNotes(list) {
			notes.replaceChildren(...list.map((n) => h('li', { class: n.level ? 'note-' + n.level : null }, n.text)));
			notes.hidden = list.length === 0;
			wrap.classList.toggle('low-confidence', list.some((n) => n.level === 'low'));
		},
		showCheck(result) {
			check.hidden = !result;
			check.textContent = result ? result.text : '';
			const cls = !result ? '' : result.ok ? 'check-ok' : result.level === 'warning' ? 'check-warn' : 'check-bad';
			check.className = 'field-check ' + cls;
		},
		setError(message) {
			err.textContent = message || '';
			err.hidden = !message;
			wrap.classList.toggle('invalid', !!message);
			if (message)
				input.setAttribute('aria-invalid', 'true');
			else
				input.removeAttribute('aria-invalid');
		},
	};
	if (def.type === 'kg')
		input.addEventListener('input', f.refreshHint);
	return f;
}

// The note shown for a recognised field read with low confidence.
export function confidenceNote(conf) {
	return { level: 'low', text: t('booking.low_confidence', { pct: Math.round(conf * PERCENT) }) };
}
