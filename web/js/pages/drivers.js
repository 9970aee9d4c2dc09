// The drivers of a heavy-truck booking (optional): one row per truck with its plate, the driver's
// name and phone. The server checks each phone's form and that the plate is one of the booking's.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';

const KEYS = ['plate', 'name', 'phone'];

// driverTable({drivers, editable, plates: () => [plate]}) -> {el, value(), set(list), showProblems([{index, key, message}])}
export function driverTable({ drivers, editable, plates }) {
	const headingId = uid('drv');
	const listId = uid('plates');
	const plateList = h('datalist', { id: listId });
	const tbody = h('tbody', {});
	let rows = [];          // [{tr, inputs: {key: el}, note}]

	function makeRow(d) {
		const inputs = {};
		const cells = KEYS.map((key) => {
			const id = uid('d');
			const input = h('input', {
				id, type: key === 'phone' ? 'tel' : 'text', 'data-key': key, autocomplete: 'off', disabled: !editable,
				list: key === 'plate' ? listId : null, maxlength: '64', value: d[key] || '',
			});
			inputs[key] = input;
			return h('td', { 'data-label': t('driver.' + key) },
				h('label', { for: id, class: 'sr-only' }, t('driver.' + key)), input);
		});
		const note = h('span', { class: 'row-note' });
		const tr = h('tr', {}, cells, h('td', { 'data-label': t('vehicle.note') }, note),
			editable ? h('td', {}, h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', 'data-action': 'delete-driver' },
				t('vehicle.delete'))) : null);
		const row = { tr, inputs, note };
		tr.querySelector('[data-action=delete-driver]')?.addEventListener('click', () => {
			rows = rows.filter((r) => r !== row);
			tr.remove();
		});
		return row;
	}

	function set(list) {
		rows = (Array.isArray(list) ? list : []).map(makeRow);
		tbody.replaceChildren(...rows.map((r) => r.tr));
	}

	function add() {
		plateList.replaceChildren(...plates().filter((p) => !/挂$/.test(p)).map((p) => h('option', { value: p })));
		const row = makeRow({});
		rows.push(row);
		tbody.append(row.tr);
		row.inputs.plate.focus();
	}

	const col = (key) => h('th', { scope: 'col' }, t(key));
	const el = h('div', { class: 'drivers' },
		h('h3', { id: headingId }, t('driver.heading')),
		h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive driver-table', 'aria-labelledby': headingId, 'data-testid': 'drivers' },
			h('thead', {}, h('tr', {}, col('driver.plate'), col('driver.name'), col('driver.phone'), col('vehicle.note'),
				editable ? col('vehicle.actions') : null)), tbody)),
		plateList,
		editable ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'add-driver', onclick: add },
			t('driver.add'))) : null);
	set(drivers);
	return {
		el, set,
		value: () => rows.map((r) => Object.fromEntries(KEYS.map((k) => [k, r.inputs[k].value.trim() || null])))
			.filter((d) => d.plate || d.name || d.phone),
		showProblems(list) {
			for (const r of rows)
				r.note.textContent = '';
			for (const p of list)
				if (rows[p.index])
					rows[p.index].note.textContent = p.message;
			const first = list.find((p) => rows[p.index]);
			return first ? rows[first.index].inputs[KEYS.includes(first.key) ? first.key : 'plate'] : null;
		},
	};
}
