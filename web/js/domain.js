// The domain's lists as the server serves them (GET /domain: kinds, states, attachment types,
// limits; GET /options/{list}; GET /sites), fetched once per page view and shared by the pages.
// Nothing here repeats a list the server owns: labels come from the string tables by code, and a
// code the tables do not know shows as itself.
import { api } from './api.js';
import { lang } from './i18n.js';

let domainPromise = null;
const optionPromises = new Map();
let sitesPromise = null;

// Forget what was fetched (after the bureau edits a list, or a sign-in as someone else).
export function forgetLists() {
	domainPromise = null;
	optionPromises.clear();
	sitesPromise = null;
}

function codes(list) {
	if (!Array.isArray(list))
		return [];
	return list.map((x) => (x && typeof x === 'object' ? String(x.code || '') : String(x))).filter(Boolean);
}

// The labels the server gives each code, {list: {code: {zh, ru, en}}}, kept for label().
const labels = {};

function keepLabels(d) {
	for (const list of ['kinds', 'states', 'actions', 'attachment_types', 'option_lists']) {
		labels[list] = {};
		for (const x of Array.isArray(d[list]) ? d[list] : [])
			if (x && typeof x === 'object' && x.code)
				labels[list][x.code] = x.label;
	}
}

// -> {kinds: [code], states: [code], editable: [state], actions: {code: [from states]},
//     attachmentTypes: [code], optionLists: [code], ecommerceCode, limits: {}}
export function domain() {
	if (!domainPromise) {
		domainPromise = api.get('/domain').then((d) => {
			d = d || {};
			keepLabels(d);
			const states = Array.isArray(d.states) ? d.states : [];
			const actions = {};
			for (const a of Array.isArray(d.actions) ? d.actions : [])
				actions[a.code] = Array.isArray(a.from) ? a.from : [];
			return {
				kinds: codes(d.kinds),
				states: codes(states),
				editable: states.filter((x) => x && x.editable).map((x) => x.code),
				actions,
				attachmentTypes: codes(d.attachment_types),
				optionLists: codes(d.option_lists),
				ecommerceCode: d.ecommerce_cargo_code || 'ecommerce_list',
				limits: d.limits || {},
			};
		});
		domainPromise.catch(() => {
			domainPromise = null;
		});
	}
	return domainPromise;
}

// The label of a code in one of the server's lists ('states', 'kinds', 'actions',
// 'attachment_types', 'option_lists') in the UI's language; the code itself when unknown.
export function label(list, code) {
	const l = labels[list] && labels[list][code];
	if (l && typeof l === 'object')
		return l[lang()] || l.zh || String(code);
	if (typeof l === 'string')
		return l;
	return String(code);
}

// -> [{id, code, value, disabled}] in the bureau's order; a server without items gets them from values.
export function options(list) {
	if (!optionPromises.has(list)) {
		const p = api.get('/options/' + encodeURIComponent(list)).then((d) => {
			if (Array.isArray(d.items))
				return d.items.map((i) => ({ id: i.id, code: i.code || '', value: String(i.value), disabled: !!i.disabled }));
			return (Array.isArray(d.values) ? d.values : []).map((v) => ({ id: null, code: '', value: String(v), disabled: false }));
		});
		p.catch(() => optionPromises.delete(list));
		optionPromises.set(list, p);
	}
	return optionPromises.get(list);
}

// -> [{id, name, kind, organisation_id}]
export function sites() {
	if (!sitesPromise) {
		sitesPromise = api.get('/sites').then((d) => (Array.isArray(d.sites) ? d.sites : []));
		sitesPromise.catch(() => {
			sitesPromise = null;
		});
	}
	return sitesPromise;
}
