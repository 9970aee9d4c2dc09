// 换装场所 (bureau): the qualified enterprises' sites and the two fixed choices; add a site, rename
// it, set its contact phone, link it to its warehouse organisation (who then approves its bookings),
// disable it; the bureau's own phone (shown where the bureau approves).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { openDialog } from '../dialog.js';
import { inputField, selectField, messageBox, showApiError } from '../forms.js';
import { pageHeader, loading, loadError } from '../page.js';
import { forgetLists } from '../domain.js';

const APPROVER_KEY = { warehouse: 'sites.approver_warehouse', bureau: 'sites.approver_bureau' };

function kindLabel(kind) {
	const key = 'master.kind.' + kind;
	const s = t(key);
	return s === key ? String(kind) : s;
}

export function render(ctx) {
	const status = messageBox();
	const listArea = h('div', { class: 'list-area' }, loading());
	const bureauArea = h('div', {});
	let warehouses = [];

	async function load() {
		try {
			const [s, o] = await Promise.all([api.get('/sites?all=1'), api.get('/organisations')]);
			if (!ctx.alive())
				return;
			const orgs = Array.isArray(o.organisations) ? o.organisations : [];
			warehouses = orgs.filter((x) => x.kind === 'warehouse');
			listArea.replaceChildren(siteTable(Array.isArray(s.sites) ? s.sites : []));
			bureauArea.replaceChildren(...orgs.filter((x) => x.kind === 'bureau').map(bureauPhone));
		} catch (err) {
			if (ctx.alive())
				listArea.replaceChildren(loadError(err, load));
		}
	}

	function bureauPhone(org) {
		const phone = inputField(t('sites.bureau_phone', { name: org.name }), 'phone', { value: org.phone || '', type: 'tel' });
		const save = h('button', { type: 'button', class: 'btn', onclick: async () => {
			try {
				await api.patch('/organisations/' + org.id, { phone: phone.input.value.trim() });
				phone.setError('');
				status.success(t('sites.saved'));
			} catch (err) {
				showApiError(status, err, { phone });
			}
		} }, t('common.save'));
		return h('div', { class: 'inline-form' }, phone.wrap, save);
	}

	function siteTable(sites) {
		const col = (key) => h('th', { scope: 'col' }, t(key));
		return h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive', 'data-testid': 'sites' },
			h('thead', {}, h('tr', {}, col('sites.name'), col('sites.kind'), col('sites.warehouse'), col('sites.phone'),
				col('sites.approver'), col('sites.active'), col('sites.actions'))),
			h('tbody', {}, sites.map((s) => {
				const cell = (key, ...content) => h('td', { 'data-label': t(key) }, ...content);
				const a = s.approver || {};
				return h('tr', { 'data-site': s.id, class: s.active ? '' : 'disabled-row' },
					h('th', { scope: 'row', 'data-label': t('sites.name') }, s.name),
					cell('sites.kind', kindLabel(s.kind)),
					cell('sites.warehouse', s.organisation_name || '—'),
					cell('sites.phone', s.phone || '—'),
					cell('sites.approver', t(APPROVER_KEY[a.kind] || APPROVER_KEY.bureau) + (a.name ? '：' + a.name : '')),
					cell('sites.active', s.active ? t('sites.yes') : t('sites.no')),
					cell('sites.actions', h('button', { type: 'button', class: 'btn btn-small', onclick: () => edit(s) },
						t('sites.edit'))));
			}))));
	}

	// One dialog for a new site and for editing one; the fixed choices keep name, link and activity.
	async function edit(site) {
		const fixed = site && site.kind !== 'listed';
		const name = inputField(t('sites.name'), 'name', { value: site ? site.name : '', maxlength: 127, disabled: fixed });
		const phone = inputField(t('sites.phone'), 'phone', { value: site ? site.phone : '', type: 'tel' });
		const org = selectField(t('sites.warehouse'), 'organisation_id',
			warehouses.map((w) => ({ value: w.id, label: w.name })), t('sites.no_warehouse'), { disabled: fixed });
		org.input.value = site && site.organisation_id ? String(site.organisation_id) : '';
		const active = h('input', { type: 'checkbox', id: 'site-active', checked: !site || site.active, disabled: fixed });
		const fields = { name, phone, organisation_id: org };
		await openDialog({
			title: site ? t('sites.edit_title', { name: site.name }) : t('sites.add'),
			body: [name.wrap, phone.wrap, org.wrap,
				h('div', { class: 'field-inline' }, active, h('label', { for: 'site-active' }, t('sites.active')))],
			fields,
			onConfirm: async () => {
				const body = { phone: phone.input.value.trim() };
				if (!fixed) {
					body.name = name.input.value.trim();
					body.organisation_id = org.input.value ? Number(org.input.value) : null;
				}
				if (site && !fixed)
					body.active = active.checked;
				if (site)
					await api.patch('/sites/' + site.id, body);
				else
					await api.post('/sites', body);
			},
		}).then((ok) => {
			if (!ok)
				return;
			forgetLists();
			status.success(t('sites.saved'));
			load();
		});
	}

	ctx.main.append(pageHeader(t('sites.heading'), t('sites.intro')), status.el,
		h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', {}, t('sites.list')),
			h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'add-site', onclick: () => edit(null) },
				t('sites.add'))), listArea),
		h('section', { class: 'card' }, h('h2', {}, t('sites.bureau')), bureauArea));
	load();
}
