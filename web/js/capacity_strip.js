// The calendar strip of a booking form: the coming days' free/total places of one kind at a
// glance (full and closed days disabled), then the free places of each slot of the chosen day.
//
//   const strip = mountCapacityStrip(el, { kind: 'heavy_truck', date, slot, onChange });
//   strip.refresh();          // read the counts again (after a submit)
//   strip.setKind('commodity_vehicle');
//   strip.value();            // { date, slot } chosen, '' / null when none
//   strip.offer(['2026-12-08', …]);   // mark dates the server offered when a date was full
//
// onChange({date, slot}) is called when the user picks a date or a slot. Dates and slots are
// Beijing time, as the server keeps them.
import { h } from './dom.js';
import { t, langInfo } from './i18n.js';
import { api } from './api.js';

const DAYS_SHOWN = 14;
const ZONE = 'Asia/Shanghai';

// Today's date in Beijing, YYYY-MM-DD.
function beijingToday() {
	return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
		.format(new Date());
}

function addDays(date, n) {
	const d = new Date(date + 'T00:00:00Z');
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

// '2026-12-07' -> weekday and day in the UI language, e.g. '周一 12/7'.
function dayLabel(date) {
	const d = new Date(date + 'T00:00:00Z');
	const fmt = new Intl.DateTimeFormat(langInfo().intl, { timeZone: 'UTC', weekday: 'short', month: 'numeric', day: 'numeric' });
	return fmt.format(d);
}

export function mountCapacityStrip(el, opts = {}) {
	const state = {
		kind: opts.kind || 'heavy_truck',
		date: opts.date || '',
		slot: opts.slot || null,
		days: [],
		offered: new Set(),
	};
	const status = h('p', { class: 'strip-status', role: 'status' });
	const daysEl = h('div', { class: 'strip-days', role: 'radiogroup', 'aria-label': t('strip.days') });
	const slotsEl = h('div', { class: 'strip-slots', role: 'radiogroup', 'aria-label': t('strip.slots') });
	el.replaceChildren(h('div', { class: 'capacity-strip', 'data-testid': 'capacity-strip' }, daysEl, slotsEl, status));

	function changed() {
		if (opts.onChange)
			opts.onChange({ date: state.date, slot: state.slot });
	}

	function dayButton(day) {
		const usable = day.open && day.free > 0;
		const chosen = day.date === state.date;
		return h('button', {
			type: 'button', role: 'radio', class: 'strip-day' + (chosen ? ' is-chosen' : '') +
				(state.offered.has(day.date) ? ' is-offered' : '') + (usable ? '' : ' is-full'),
			'aria-checked': chosen ? 'true' : 'false', disabled: !usable, 'data-date': day.date,
			'data-free': day.free,
			onclick: () => {
				state.date = day.date;
				state.slot = null;
				draw();
				changed();
			},
		}, h('span', { class: 'strip-date' }, dayLabel(day.date)),
		h('span', { class: 'strip-free' }, day.open ? t('strip.free_of', { free: day.free, total: day.capacity })
			: t('strip.closed')));
	}

	function slotButton(s) {
		const chosen = s.slot === state.slot;
		return h('button', {
			type: 'button', role: 'radio', class: 'strip-slot' + (chosen ? ' is-chosen' : ''),
			'aria-checked': chosen ? 'true' : 'false', disabled: !(s.open && s.free > 0), 'data-slot': s.slot,
			'data-free': s.free,
			onclick: () => {
				state.slot = s.slot;
				draw();
				changed();
			},
		}, h('span', { class: 'strip-date' }, s.slot), h('span', { class: 'strip-free' }, t('strip.free', { free: s.free })));
	}

	function draw() {
		daysEl.replaceChildren(...state.days.map(dayButton));
		const day = state.days.find((d) => d.date === state.date);
		const slots = day && Array.isArray(day.slots) ? day.slots : [];
		slotsEl.hidden = slots.length === 0;
		slotsEl.replaceChildren(slots.length ? h('span', { class: 'strip-label' }, t('strip.slots')) : null,
			...slots.map(slotButton));
		status.textContent = day ? (slots.length ? t('strip.choose_slot') : t('strip.whole_day')) : t('strip.choose_day');
	}

	async function refresh() {
		const from = beijingToday();
		const path = `/capacity?kind=${encodeURIComponent(state.kind)}&from=${from}&to=${addDays(from, DAYS_SHOWN - 1)}`;
		try {
			const data = await api.get(path);
			state.days = Array.isArray(data.days) ? data.days : [];
			draw();
		} catch (err) {
			status.textContent = err.message || t('app.error_network');
		}
	}

	refresh();
	return {
		refresh,
		value: () => ({ date: state.date, slot: state.slot }),
		setKind(kind) {
			state.kind = kind;
			state.date = '';
			state.slot = null;
			return refresh();
		},
		set(date, slot) {
			state.date = date || '';
			state.slot = slot || null;
			draw();
		},
		offer(dates) {
			state.offered = new Set(Array.isArray(dates) ? dates : []);
			draw();
		},
	};
}
