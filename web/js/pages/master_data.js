// 基础数据 (bureau): the option lists and the transshipment sites, read-only for now.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { pageHeader, loading, loadError } from '../page.js';

const KINDS = ['listed', 'other_horgos', 'outside_horgos'];
const LISTS = ['clearance_mode', 'cargo_type', 'customs_warehouse', 'usage_type', 'fuel_type'];

// A kind this page does not know yet shows as its code rather than a missing key.
function kindLabel(kind) {
	return KINDS.includes(kind) ? t('master.kind.' + kind) : String(kind);
}

function optionCard(name) {
	const body = h('div', {}, loading());
	const count = h('span', { class: 'count' });
	const el = h('section', { class: 'card option-list', 'data-list': name },
		h('div', { class: 'card-head' }, h('h2', {}, t('master.list.' + name)), count), body);
	return { el, body, count };
}

export function render(ctx) {
	const cards = LISTS.map((name) => ({ name, ...optionCard(name) }));
	const sitesBody = h('div', {}, loading());

	async function loadList(c) {
		try {
			const data = await api.get('/options/' + encodeURIComponent(c.name));
			if (!ctx.alive())
				return;
			const values = Array.isArray(data.values) ? data.values : [];
			c.count.textContent = t('master.count', { n: values.length });
			c.body.replaceChildren(values.length
				? h('ul', { class: 'chips' }, values.map((v) => h('li', {}, v)))
				: h('p', { class: 'empty' }, t('master.empty')));
		} catch (err) {
			if (ctx.alive())
				c.body.replaceChildren(loadError(err, () => loadList(c)));
		}
	}

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
		h('div', { class: 'option-grid' }, cards.map((c) => c.el)));
	cards.forEach(loadList);
	loadSites();
}
