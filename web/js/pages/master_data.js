// 基础数据 (bureau): the option lists, editable — add, rename, disable/enable, move up and down —
// and the transshipment sites. A rename changes the text offered from now on; bookings already made
// keep the text they stored, and rules hang on each item's code, which never changes.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { messageBox, showApiError, busy } from '../forms.js';
import { pageHeader, loading, loadError } from '../page.js';
import { domain, forgetLists, label } from '../domain.js';

const KINDS = ['listed', 'other_horgos', 'outside_horgos'];
const FALLBACK_LISTS = ['clearance_mode', 'cargo_type', 'customs_warehouse', 'usage_type', 'fuel_type'];

// A kind this page does not know yet shows as its code rather than a missing key.
function kindLabel(kind) {
	return KINDS.includes(kind) ? t('master.kind.' + kind) : String(kind);
}

function listTitle(name) {
	const key = 'master.list.' + name;
	const s = t(key);
	return s === key ? label('option_lists', name) : s;
}

// One option list: its items as editable rows, and an add form.
function optionCard(ctx, name) {
	const body = h('div', {}, loading());
	const count = h('span', { class: 'count' });
	const box = messageBox();
	const el = h('section', { class: 'card option-list', 'data-list': name },
		h('div', { class: 'card-head' }, h('h2', {}, listTitle(name)), count), box.el, body);
	let items = [];

	async function load(focusId) {
		try {
			const data = await api.get('/options/' + encodeURIComponent(name));
			if (!ctx.alive())
				return;
			items = Array.isArray(data.items) ? data.items
				: (data.values || []).map((v) => ({ id: null, code: '', value: v, disabled: false }));
			const live = items.filter((i) => !i.disabled).length;
			count.textContent = t('master.count', { n: live });
			body.replaceChildren(h('ol', { class: 'option-items' }, items.map(itemRow)), addForm());
			if (focusId !== undefined)
				body.querySelector(`[data-id="${CSS.escape(String(focusId))}"] input`)?.focus();
		} catch (err) {
			if (ctx.alive())
				body.replaceChildren(loadError(err, () => load()));
		}
	}

	async function change(item, patch, button) {
		const restore = busy(button);
		box.clear();
		try {
			await api.patch(`/options/${encodeURIComponent(name)}/${encodeURIComponent(item.id)}`, patch);
			forgetLists();
			box.success(t('master.saved'));
			await load(item.id);
		} catch (err) {
			restore();
			showApiError(box, err);
		}
	}

	function itemRow(item, i) {
		const id = uid('opt');
		const input = h('input', { type: 'text', id, name: 'value', value: item.value, autocomplete: 'off', maxlength: '128' });
		const act = (key, onclick, disabled) => h('button', {
			type: 'button', class: 'btn btn-small', 'data-action': key, disabled, onclick,
			'aria-label': t('master.' + key + '_named', { value: item.value }),
		}, t('master.' + key));
		const save = act('rename', () => {
			const v = input.value.trim();
			if (v && v !== item.value)
				change(item, { value: v }, save);
		});
		const toggle = act(item.disabled ? 'enable' : 'disable', () => change(item, { disabled: !item.disabled }, toggle));
		const up = act('up', () => change(item, { position: i - 1 }, up), i === 0);
		const down = act('down', () => change(item, { position: i + 1 }, down), i === items.length - 1);
		input.addEventListener('keydown', (e) => {
			if (e.key === 'Enter') {
				e.preventDefault();
				save.click();
			}
		});
		return h('li', { class: 'option-item' + (item.disabled ? ' is-disabled' : ''), 'data-id': String(item.id), 'data-code': item.code },
			h('label', { for: id, class: 'sr-only' }, t('master.item_label', { n: i + 1 })), input,
			h('div', { class: 'row-actions' }, save, toggle, up, down));
	}

	function addForm() {
		const id = uid('opt');
		const input = h('input', { type: 'text', id, name: 'new_value', autocomplete: 'off', maxlength: '128' });
		const add = h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, t('master.add'));
		const form = h('form', { class: 'option-add', novalidate: true },
			h('div', { class: 'field' }, h('label', { for: id }, t('master.new_value')), input), add);
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			const value = input.value.trim();
			if (!value) {
				input.focus();
				return;
			}
			const restore = busy(add);
			box.clear();
			try {
				const made = await api.post('/options/' + encodeURIComponent(name), { value });
				forgetLists();
				box.success(t('master.added', { value }));
				await load(made && made.id);
			} catch (err) {
				restore();
				showApiError(box, err);
			}
		});
		return form;
	}

	return { el, load };
}

export function render(ctx) {
	const sitesBody = h('div', {}, loading());
	const grid = h('div', { class: 'option-grid' });

	async function loadSites() {
		try {
			const data = await api.get('/sites');
			if (!ctx.alive())
				return;
			const sites = Array.isArray(data.sites) ? data.sites : [];
			if (!sites.length) {
				sitesBody.replaceChildren(h('p', { class: 'empty' }, t('master.empty')));
				return;
			}
			sitesBody.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive' },
				h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('master.site_name')),
					h('th', { scope: 'col' }, t('master.site_kind')))),
				h('tbody', {}, sites.map((s) => h('tr', {},
					h('th', { scope: 'row', 'data-label': t('master.site_name') }, s.name),
					h('td', { 'data-label': t('master.site_kind') },
						h('span', { class: 'badge badge-kind-' + s.kind }, kindLabel(s.kind)))))))));
		} catch (err) {
			if (ctx.alive())
				sitesBody.replaceChildren(loadError(err, loadSites));
		}
	}

	ctx.main.append(
		pageHeader(t('master.heading'), t('master.intro')),
		h('section', { class: 'card', 'data-list': 'sites' }, h('h2', {}, t('master.sites')), sitesBody),
		grid);
	domain().then((d) => d.optionLists, () => FALLBACK_LISTS).then((lists) => {
		if (!ctx.alive())
			return;
		for (const name of lists.length ? lists : FALLBACK_LISTS) {
			const card = optionCard(ctx, name);
			grid.append(card.el);
			card.load();
		}
	});
	loadSites();
}
