// 我的预约: the user's bookings with their state, 新增 for each kind, search by declaration number,
// plate or VIN (whole or a prefix of at least four characters), filters by state and kind, and
// keyset paging (更多 asks the server for the page after the last one shown).
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { currentQuery } from '../routes.js';
import { messageBox } from '../forms.js';
import { pageHeader, loading, loadError } from '../page.js';
import { formatDateTime } from '../time.js';
import { domain, label } from '../domain.js';

const PAGE_SIZE = 20;
const MIN_PREFIX = 4;          // when the server does not say its own search_prefix_min
const SUMMARY_SHOWN = 3;

function selectOf(id, name, all, codes, prefix, chosen) {
	return h('select', { id, name },
		h('option', { value: '' }, all),
		codes.map((c) => h('option', { value: c, selected: c === chosen }, label(prefix, c))));
}

// What crossed or will cross: the first plates or VINs of a booking, else how many trucks or vehicles.
function summary(b) {
	const vins = Array.isArray(b.vehicles) ? b.vehicles.map((v) => v.vin).filter(Boolean) : (b.vins || []);
	const list = b.kind === 'commodity_vehicle' ? vins : (b.plates || []);
	if (!list.length) {
		const n = b.kind === 'commodity_vehicle' ? b.vehicle_count : b.truck_count;
		return typeof n === 'number' && n > 0 ? t('bookings.count.' + b.kind, { n }) : '—';
	}
	const more = list.length > SUMMARY_SHOWN ? ' ' + t('bookings.more_count', { n: list.length - SUMMARY_SHOWN }) : '';
	return list.slice(0, SUMMARY_SHOWN).join(', ') + more;
}

export function render(ctx) {
	const q = currentQuery();
	const box = messageBox();
	const results = h('div', { class: 'list-area' }, loading());
	const moreBtn = h('button', { type: 'button', class: 'btn', 'data-action': 'more', hidden: true }, t('bookings.more'));
	const ids = { q: uid('f'), state: uid('f'), kind: uid('f'), hint: uid('hint') };
	const search = h('input', {
		id: ids.q, name: 'q', type: 'search', value: q.q || '', autocomplete: 'off', spellcheck: 'false',
		placeholder: t('bookings.search_placeholder'), 'aria-describedby': ids.hint,
	});
	const form = h('form', { class: 'form search-form', role: 'search', novalidate: true });
	let cursor = null;
	let tbody = null;
	let minPrefix = MIN_PREFIX;

	const newButtons = h('div', { class: 'actions' },
		h('a', { class: 'btn btn-primary', href: '#/booking?kind=heavy_truck', 'data-action': 'new-heavy_truck' }, t('bookings.new.heavy_truck')),
		h('a', { class: 'btn btn-primary', href: '#/booking?kind=commodity_vehicle', 'data-action': 'new-commodity_vehicle' },
			t('bookings.new.commodity_vehicle')));
	ctx.main.append(pageHeader(t('bookings.heading'), t('bookings.intro')), newButtons,
		h('section', { class: 'card' }, form, box.el, results, h('div', { class: 'actions' }, moreBtn)));

	domain().then((dom) => {
		if (!ctx.alive())
			return;
		minPrefix = dom.limits.search_prefix_min || MIN_PREFIX;
		form.append(
			h('div', { class: 'field search-q' }, h('label', { for: ids.q }, t('bookings.search')), search,
				h('p', { class: 'sr-only', id: ids.hint }, t('bookings.search_hint'))),
			h('div', { class: 'field' }, h('label', { for: ids.state }, t('bookings.state')),
				selectOf(ids.state, 'state', t('bookings.all'), dom.states, 'states', q.state)),
			h('div', { class: 'field' }, h('label', { for: ids.kind }, t('bookings.kind')),
				selectOf(ids.kind, 'kind', t('bookings.all'), dom.kinds, 'kinds', q.kind)),
			h('div', { class: 'actions search-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('bookings.find'))));
		load(false);
	}).catch((err) => {
		if (ctx.alive())
			results.replaceChildren(loadError(err, () => location.reload()));
	});

	function filters() {
		const data = new FormData(form);
		const out = {};
		for (const k of ['q', 'state', 'kind']) {
			const v = String(data.get(k) || '').trim();
			if (v)
				out[k] = v;
		}
		return out;
	}

	form.addEventListener('submit', (e) => {
		e.preventDefault();
		const f = filters();
		if (f.q && f.q.length < minPrefix) {
			box.error(t('bookings.too_short', { n: minPrefix }));
			search.focus();
			return;
		}
		box.clear();
		// The filters go into the address, so a reload or a link shows the same list.
		history.replaceState(null, '', '#/bookings' + (Object.keys(f).length ? '?' + new URLSearchParams(f) : ''));
		load(false);
	});
	moreBtn.addEventListener('click', () => load(true));

	async function load(more) {
		const params = new URLSearchParams({ ...filters(), limit: String(PAGE_SIZE) });
		if (more && cursor)
			params.set('cursor', cursor);
		if (!more)
			results.replaceChildren(loading());
		moreBtn.disabled = true;
		try {
			const body = await api.get('/bookings?' + params);
			if (!ctx.alive())
				return;
			const items = Array.isArray(body.items) ? body.items : [];
			cursor = body.next_cursor || null;
			if (!more)
				showTable(items);
			else
				tbody.append(...items.map(rowOf));
			moreBtn.hidden = !cursor;
			if (more && items.length)
				tbody.querySelector(`tr[data-id="${CSS.escape(String(items[0].id))}"] a`)?.focus();
		} catch (err) {
			if (!ctx.alive())
				return;
			if (err.code === 'search_too_broad') {
				// Too many old matches to order: the same request again would answer the same; a longer term will not.
				box.error(err.message);
				if (!more) {
					results.replaceChildren();
					cursor = null;
					moreBtn.hidden = true;
				}
				search.focus();
			} else {
				(more ? box.error(err.message) : results.replaceChildren(loadError(err, () => load(false))));
			}
		} finally {
			moreBtn.disabled = false;
		}
	}

	function showTable(items) {
		if (!items.length) {
			tbody = null;
			results.replaceChildren(h('p', { class: 'empty', 'data-testid': 'no-bookings' }, t('bookings.empty')));
			return;
		}
		const col = (key) => h('th', { scope: 'col' }, t(key));
		tbody = h('tbody', {}, items.map(rowOf));
		results.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive', 'data-testid': 'bookings' },
			h('thead', {}, h('tr', {}, col('bookings.declaration_no'), col('bookings.kind'), col('bookings.state'),
				col('bookings.what'), col('bookings.updated'), col('bookings.actions'))), tbody)));
	}

	function rowOf(b) {
		const cell = (key, ...content) => h('td', { 'data-label': t(key) }, ...content);
		const at = b.updated_at || b.created_at;
		const editable = b.state === 'draft' || b.state === 'rejected';
		return h('tr', { 'data-id': String(b.id), 'data-state': b.state },
			h('th', { scope: 'row', 'data-label': t('bookings.declaration_no') }, b.declaration_no || t('bookings.no_number')),
			cell('bookings.kind', label('kinds', b.kind)),
			cell('bookings.state', h('span', { class: 'badge badge-state-' + b.state }, label('states', b.state))),
			cell('bookings.what', h('span', { class: 'summary' }, summary(b))),
			cell('bookings.updated', h('time', { datetime: at || '' }, formatDateTime(at))),
			cell('bookings.actions', h('a', { class: 'btn btn-small', href: '#/booking?id=' + encodeURIComponent(b.id) },
				t(editable ? 'bookings.edit' : 'bookings.view'))));
	}
}
