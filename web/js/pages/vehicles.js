// The vehicle rows of a commodity-vehicle booking (商品车): VIN, plate, brand, colour, displacement,
// power, tonnage, delete. Hundreds of rows stay quick to edit: the rows are built once (cloned from
// one template row), a keystroke changes only its own row's data and marks, and nothing re-renders
// the table until the server sends a new list.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';

export const VEHICLE_KEYS = ['vin', 'plate', 'brand', 'colour', 'displacement', 'power', 'tonnage'];
const CHOSEN = new Set(['brand', 'colour']);      // chosen from the bureau's lists where it has them
const NUMERIC = new Set(['displacement', 'power', 'tonnage']);
const VIN_LENGTH = 17;
const VIN_CHECK_POS = 8;                            // the ninth character (ISO 3779)
const VIN_MODULUS = 11;
const VIN_ALPHABET = /^[A-HJ-NPR-Z0-9]*$/;
// ISO 3779 transliteration and position weights.
const VIN_VALUE = {
	A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
	S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const CHECK_TEN = 10;

// The problem code of a VIN as typed ('' when it looks right). The server's check is the one that
// counts; this one answers at once while typing.
export function vinProblem(vin) {
	if (!vin)
		return '';
	if (!VIN_ALPHABET.test(vin))
		return 'vin_chars';
	if (vin.length !== VIN_LENGTH)
		return 'vin_length';
	let sum = 0;
	for (let i = 0; i < VIN_LENGTH; i++) {
		const c = vin[i];
		const v = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : VIN_VALUE[c];
		sum += v * VIN_WEIGHTS[i];
	}
	const r = sum % VIN_MODULUS;
	const want = r === CHECK_TEN ? 'X' : String(r);
	return vin[VIN_CHECK_POS] === want ? '' : 'vin_check_digit';
}

function normalVin(s) {
	return s.toUpperCase().replace(/\s+/g, '');
}

function cellValue(v) {
	return v === null || v === undefined ? '' : String(v);
}

// vehicleTable({vehicles, declaredVins, lists: {brand: [values]|null, colour: …}, editable, onChange})
// -> {el, value(), set(vehicles), add(), showProblems([{index, key, message}]), size()}
export function vehicleTable({ vehicles, declaredVins = [], lists = {}, editable = true, onChange = () => {} }) {
	let declared = new Set(declaredVins.map(normalVin));
	let rows = [];       // [{data, tr, inputs: {key: el}, num, note}]
	const tbody = h('div', { class: 'vbody', role: 'rowgroup' });
	const count = h('span', { class: 'count', 'data-testid': 'vehicle-count' });
	const template = templateRow();

	function templateRow() {
		const cell = (key) => {
			let control;
			if (CHOSEN.has(key) && Array.isArray(lists[key])) {
				control = h('select', { 'data-key': key },
					h('option', { value: '' }, t('booking.choose')),
					lists[key].map((v) => h('option', { value: v }, v)));
			} else {
				control = h('input', {
					type: 'text', 'data-key': key, autocomplete: 'off', spellcheck: 'false',
					inputmode: NUMERIC.has(key) ? 'decimal' : null,
					maxlength: key === 'vin' ? String(VIN_LENGTH) : null,
				});
			}
			if (!editable)
				control.disabled = true;
			return h('div', { class: 'vcell cell-' + key, role: 'cell', 'data-label': t('vehicle.' + key) },
				h('label', { class: 'cell-label' }, h('span', { class: 'sr-only' }), control));
		};
		return h('div', { class: 'vrow', role: 'row' },
			h('div', { class: 'vcell row-num', role: 'rowheader' }),
			VEHICLE_KEYS.map(cell),
			h('div', { class: 'vcell row-note-cell', role: 'cell', 'data-label': t('vehicle.note') }, h('span', { class: 'row-note' })),
			editable ? h('div', { class: 'vcell', role: 'cell' }, h('button', {
				type: 'button', class: 'btn btn-small btn-danger-outline', 'data-action': 'delete',
			}, t('vehicle.delete'))) : null);
	}

	function makeRow(data) {
		const tr = template.cloneNode(true);
		const inputs = {};
		for (const el of tr.querySelectorAll('[data-key]')) {
			const key = el.dataset.key;
			inputs[key] = el;
			const v = cellValue(data[key]);
			if (el.tagName === 'SELECT' && v && !el.querySelector(`option[value="${CSS.escape(v)}"]`))
				el.append(h('option', { value: v }, v));
			el.value = v;
		}
		const row = { data, tr, inputs, num: tr.firstChild, note: tr.querySelector('.row-note'), server: '' };
		tr._row = row;
		return row;
	}

	function number(row, i) {
		row.index = i;
		row.tr.dataset.row = String(i);
		row.num.textContent = String(i + 1);
		for (const [key, el] of Object.entries(row.inputs))
			el.previousSibling.textContent = t('vehicle.cell', { n: i + 1, field: t('vehicle.' + key) });
		const del = row.tr.querySelector('[data-action=delete]');
		if (del)
			del.setAttribute('aria-label', t('vehicle.delete_row', { n: i + 1 }));
	}

	// The marks of one row: its VIN's form, whether the declaration lists it, a server check.
	function mark(row) {
		const vin = row.data.vin || '';
		let problem = vinProblem(vin);
		if (!problem && vin && declared.size && !declared.has(vin))
			problem = 'vin_not_declared';
		const text = problem ? t('vehicle.problem.' + problem) : row.server;
		if (row.note.textContent !== text)
			row.note.textContent = text;
		const bad = !!text;
		row.tr.classList.toggle('row-invalid', bad);
		if (bad)
			row.inputs.vin.setAttribute('aria-invalid', 'true');
		else
			row.inputs.vin.removeAttribute('aria-invalid');
	}

	function fill(list) {
		rows = list.map((v) => makeRow({ ...v }));
		const frag = document.createDocumentFragment();
		rows.forEach((row, i) => {
			number(row, i);
			mark(row);
			frag.append(row.tr);
		});
		tbody.replaceChildren(frag);
		counted();
	}

	function counted() {
		count.textContent = t('vehicle.count', { n: rows.length });
	}

	function edited(e) {
		const el = e.target;
		const tr = el.closest('.vrow');
		const row = tr && tr._row;
		if (!row || !el.dataset.key)
			return;
		const key = el.dataset.key;
		if (key === 'vin') {
			const v = normalVin(el.value);
			if (v !== el.value) {
				const at = el.selectionStart;
				el.value = v;
				if (at !== null)
					el.setSelectionRange(at, at);
			}
		}
		row.data[key] = el.value === '' ? null : el.value;
		row.server = '';
		mark(row);
		onChange();
	}

	function remove(row) {
		const i = rows.indexOf(row);
		if (i < 0)
			return;
		const focusNext = rows[i + 1] || rows[i - 1];
		rows.splice(i, 1);
		row.tr.remove();
		for (let j = i; j < rows.length; j++)
			number(rows[j], j);
		counted();
		onChange();
		if (focusNext)
			focusNext.inputs.vin.focus();
		else
			addBtn.focus();
	}

	tbody.addEventListener('input', edited);
	tbody.addEventListener('change', edited);
	tbody.addEventListener('click', (e) => {
		const btn = e.target.closest('[data-action=delete]');
		if (btn)
			remove(btn.closest('.vrow')._row);
	});

	function add() {
		const row = makeRow(Object.fromEntries(VEHICLE_KEYS.map((k) => [k, null])));
		rows.push(row);
		number(row, rows.length - 1);
		mark(row);
		tbody.append(row.tr);
		counted();
		onChange();
		row.inputs.vin.focus();
	}

	const headingId = uid('veh');
	const check = h('p', { class: 'field-check', 'data-testid': 'vehicles-check', hidden: true });
	const addBtn = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'add-vehicle', onclick: add },
		t('vehicle.add'));
	const col = (text) => h('div', { class: 'vcell', role: 'columnheader' }, text);
	const head = h('div', { class: 'vhead', role: 'rowgroup' }, h('div', { class: 'vrow', role: 'row' },
		col(t('vehicle.no')), VEHICLE_KEYS.map((k) => col(t('vehicle.' + k))), col(t('vehicle.note')),
		editable ? col(t('vehicle.actions')) : null));
	// Rows are grid boxes rather than table rows so that each can skip layout and paint while it is
	// out of view (content-visibility): a keystroke then costs the same with 300 rows as with 3.
	const el = h('div', { class: 'vehicles' },
		h('div', { class: 'card-head' }, h('h3', { id: headingId }, t('vehicle.heading')), count),
		h('div', { class: 'vehicle-wrap' },
			h('div', { class: 'vehicle-table' + (editable ? ' editable' : ''), role: 'table', 'aria-labelledby': headingId,
				'data-testid': 'vehicles' }, head, tbody)),
		check, editable ? h('div', { class: 'actions' }, addBtn) : null);
	fill(vehicles || []);

	return {
		el,
		value: () => rows.map((r) => {
			const out = {};
			for (const k of VEHICLE_KEYS) {
				const v = r.data[k];
				out[k] = v === undefined || v === null || v === '' ? null : String(v);
			}
			return out;
		}),
		set(list, declaredList) {
			if (declaredList)
				declared = new Set(declaredList.map(normalVin));
			fill(list || []);
		},
		add,
		size: () => rows.length,
		// A check about the rows as a whole ({ok, level, message}), or null to clear it.
		showCheck(c) {
			check.hidden = !c;
			check.textContent = c ? c.message : '';
			check.className = 'field-check ' + (!c ? '' : c.ok ? 'check-ok' : c.level === 'warning' ? 'check-warn' : 'check-bad');
		},
		// Results of the server's checks: [{index, key, message}] (index counted from 0).
		showProblems(list) {
			for (const r of rows)
				r.server = '';
			for (const p of list)
				if (rows[p.index])
					rows[p.index].server = p.message;
			rows.forEach(mark);
			const first = list.find((p) => rows[p.index]);
			return first ? rows[first.index].inputs[p2key(first.key)] : null;
		},
	};
}

function p2key(key) {
	return VEHICLE_KEYS.includes(key) ? key : 'vin';
}
