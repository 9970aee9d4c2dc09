// A booking (#/booking?id=N, or #/booking?kind=heavy_truck for a new one): the seed's two blocks
// 选择信息 and 识别信息, the declaration's pages beside them (核对), 检验数据 and 提交 with each result at
// its field, vehicle rows for commodity vehicles, 随附单证, history; read-only outside draft/rejected,
// with 撤回 (submitted) and 取消预约 (before passed).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api, fileUrl } from '../api.js';
import { currentQuery } from '../routes.js';
import { messageBox, busy } from '../forms.js';
import { openDialog } from '../dialog.js';
import { pageHeader, loading, loadError } from '../page.js';
import { formatDateTime } from '../time.js';
import { domain, options, sites, label } from '../domain.js';
import { dropZone, formatSize } from '../upload.js';
import { BLOCKS, FIELDS, bookingField, confidenceOf, confidenceNote, LOW_CONFIDENCE, same } from './booking_fields.js';
import { pageViewer } from './booking_pages.js';
import { vehicleTable, VEHICLE_KEYS } from './vehicles.js';
import { driverTable } from './drivers.js';
import { importDeclaration, importVins, sendAttachment } from './booking_import.js';
import { mountCapacityStrip } from '../capacity_strip.js';

const RELEASE_LIST = 'release_list';

let flash = null;               // a message to show after the page re-renders ({ok|error, text})

export function render(ctx) {
	const q = currentQuery();
	ctx.main.append(loading());
	Promise.all([domain(), q.id ? api.get('/bookings/' + encodeURIComponent(q.id) + '?checks=1') : null, lists()])
		.then(([dom, booking, env]) => {
			if (!ctx.alive())
				return;
			const kind = booking ? booking.kind : q.kind;
			if (!booking && !dom.kinds.includes(kind)) {
				ctx.main.replaceChildren(loadError({ message: t('booking.bad_kind') }));
				return;
			}
			ctx.main.replaceChildren();
			bookingPage(ctx, booking || { id: null, kind, state: 'draft' }, { ...env, domain: dom });
		})
		.catch((err) => {
			if (ctx.alive())
				ctx.main.replaceChildren(loadError(err, () => {
					ctx.main.replaceChildren();
					render(ctx);
				}));
		});
}

// The bureau's lists the form chooses from; brand and colour only where the server keeps them.
async function lists() {
	const names = ['clearance_mode', 'cargo_type', 'customs_warehouse', 'usage_type', 'fuel_type'];
	const [got, siteList, brand, colour] = await Promise.all([
		Promise.all(names.map((n) => options(n))), sites(),
		options('brand').catch(() => null), options('colour').catch(() => null),
	]);
	const out = { sites: siteList, options: {} };
	names.forEach((n, i) => {
		out.options[n] = got[i];
	});
	const live = (items) => (items ? items.filter((i) => !i.disabled).map((i) => i.value) : null);
	out.vehicleLists = { brand: live(brand), colour: live(colour) };
	return out;
}

function reload(ctx, message) {
	flash = message || null;
	ctx.main.replaceChildren();
	render(ctx);
}

function go(ctx, id, message) {
	const want = '#/booking?id=' + encodeURIComponent(id);
	if (location.hash === want) {
		reload(ctx, message);
	} else {
		flash = message || null;
		location.hash = want;
	}
}

function bookingPage(ctx, booking, env) {
	const kind = booking.kind;
	const dom = env.domain;
	const editable = booking.id ? dom.editable.includes(booking.state) : true;
	const may = (action) => !!booking.id && (dom.actions[action] || []).includes(booking.state);
	const box = messageBox();
	const fields = {};
	let vehicles = null;
	let viewer = null;

	// ---- fields and blocks ----
	const checkBtn = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'check' }, t('booking.check'));
	for (const key of [...BLOCKS[kind].choices, ...BLOCKS[kind].recognised]) {
		fields[key] = bookingField(key, { after: key === 'declaration_no' && editable ? checkBtn : null });
		if (FIELDS[key].with)
			fields[FIELDS[key].with] = bookingField(FIELDS[key].with);
	}
	fields.company.input.value = booking.company || (ctx.me.organisation ? ctx.me.organisation.name : '');
	for (const [key, f] of Object.entries(fields)) {
		if (f.def.type === 'option')
			f.setOptions(env.options[f.def.list].filter((o) => !o.disabled).map((o) => ({ value: o.value, code: o.code, label: o.value })));
		if (f.def.type === 'site')
			f.setOptions(env.sites.map((s) => ({ value: s.id, code: s.kind, label: s.name })));
		if (key !== 'company')
			f.set(booking[key]);
		if (!editable)
			f.input.disabled = true;
	}
	approverNote(fields, env.sites);
	const money = h('div', { class: 'field-pair' }, fields.total_value.wrap, fields.currency.wrap);
	const block = (title, keys, extra) => h('section', { class: 'card booking-block', 'data-block': title },
		h('h2', {}, t('booking.block.' + title)),
		h('div', { class: 'booking-grid' }, keys.map((k) => (k === 'total_value' ? money : fields[k].wrap))), extra);
	const generalNotes = h('ul', { class: 'field-notes general-notes', hidden: true });

	if (kind === 'commodity_vehicle') {
		vehicles = vehicleTable({
			vehicles: booking.vehicles || [], declaredVins: declaredOf('vins') || [],
			lists: env.vehicleLists, editable,
		});
	}
	// Heavy trucks: each truck's driver, optional.
	const drivers = kind === 'heavy_truck'
		? driverTable({ drivers: booking.drivers, editable, plates: () => fields.plates.get() || [] }) : null;
	const transitNote = h('p', { class: 'alert alert-info transit-note', hidden: true }, t('booking.transit_note'));
	const form = h('form', { class: 'booking-form', novalidate: true, 'aria-label': label('kinds', kind) },
		block('choices', BLOCKS[kind].choices, transitNote),
		block('recognised', BLOCKS[kind].recognised, [generalNotes, vehicles ? vehicles.el : null, drivers ? drivers.el : null]));
	form.addEventListener('submit', (e) => e.preventDefault());

	// ---- 通关日期: the coming days' free places (capacity_strip.js); a submitted or released
	// booking moves its date through POST /bookings/{id}/move, its places going with it ----
	const crossing = { date: booking.crossing_date || '', slot: booking.slot || null };
	const movable = !!booking.id && ['submitted', 'released'].includes(booking.state);
	const crossingNote = h('p', { class: 'field-error', hidden: true, 'data-testid': 'crossing-error' });
	const moveBtn = h('button', { type: 'button', class: 'btn', 'data-action': 'move', hidden: true }, t('booking.move'));
	const stripEl = h('div', {});
	const strip = mountCapacityStrip(stripEl, {
		kind, date: crossing.date, slot: crossing.slot,
		onChange: (v) => {
			crossing.date = v.date;
			crossing.slot = v.slot;
			crossingNote.hidden = true;
			moveBtn.hidden = !movable || (v.date === booking.crossing_date && (v.slot || null) === (booking.slot || null));
		},
	});
	const crossingCard = h('section', { class: 'card booking-block', 'data-block': 'crossing' },
		h('h2', {}, t('booking.block.crossing')), stripEl, crossingNote, moveBtn);
	if (!editable && !movable)
		stripEl.inert = true;

	function showCrossingRefusal(err) {
		const detail = err.detail || {};
		const offered = Array.isArray(detail.nearest_dates) ? detail.nearest_dates : [];
		const own = (err.fields || []).filter((f) => f.field === 'crossing_date' || f.field === 'slot');
		if (err.code !== 'capacity_full' && !own.length)
			return;
		crossingNote.textContent = err.code === 'capacity_full'
			? (offered.length ? t('booking.crossing_full_offer', { dates: offered.join(', ') }) : err.message)
			: own.map((f) => f.message).join(' ');
		crossingNote.hidden = false;
		strip.offer(offered);
		strip.refresh();
	}

	// ---- what the declaration said, and how sure the reading was ----
	function declaredOf(key) {
		if (booking.declared && Object.prototype.hasOwnProperty.call(booking.declared, key))
			return booking.declared[key];
		return booking[key];
	}

	function showDeclared() {
		const present = !!booking.declaration_id;
		for (const f of Object.values(fields))
			if (f.def.recognised)
				f.showDeclared(declaredOf(f.key), present);
	}

	// The recogniser's message is English; a known code is said in the page's language, with the
	// warning's own members (pages, seem, page, angle) as its parameters.
	function warningText(w) {
		const key = 'warning.' + w.code;
		const params = { ...w, pages: Array.isArray(w.pages) ? w.pages.join(', ') : w.pages,
			seem: w.seem ? t('seem.' + w.seem) : '' };
		const raw = t(key);
		if (raw === key)
			return (w.message || w.code) + (w.value ? ` (${w.value})` : '');
		// A text that names the warning's members already says what its value would add.
		return t(key, params) + (w.value && !/\{\w+\}/.test(raw) ? ` (${w.value})` : '');
	}

	function showNotes() {
		const warnings = Array.isArray(booking.warnings) ? booking.warnings : [];
		const left = [];
		for (const f of Object.values(fields)) {
			if (!f.def.recognised || !booking.declaration_id) {
				f.showNotes([]);
				continue;
			}
			const notes = [];
			const conf = confidenceOf(booking.confidence, f.key);
			if (conf !== undefined && conf < LOW_CONFIDENCE)
				notes.push(confidenceNote(conf));
			for (const w of warnings)
				if (w.field === f.key || String(w.field).startsWith(f.key + '.'))
					notes.push({ level: 'warn', text: warningText(w) });
			f.showNotes(notes);
		}
		for (const w of warnings)
			if (!fields[String(w.field).split('.')[0]])
				left.push(h('li', { class: 'note-warn' }, warningText(w)));
		generalNotes.replaceChildren(...left);
		generalNotes.hidden = left.length === 0;
	}

	form.addEventListener('input', (e) => {
		const wrap = e.target.closest('[data-field]');
		if (!wrap || !fields[wrap.dataset.field])
			return;
		const f = fields[wrap.dataset.field];
		if (f.def.recognised)
			f.showDeclared(declaredOf(f.key), !!booking.declaration_id);
		// A check or an error said about the old value no longer holds.
		f.showCheck(null);
		f.setError('');
	});
	form.addEventListener('change', (e) => {
		if (e.target.name === 'is_transit')
			followTransit();
		if (e.target.name === 'cargo_type')
			followCargo();
	});

	// ---- 核对: focus a field, see where it was read ----
	form.addEventListener('focusin', (e) => {
		if (!viewer)
			return;
		const wrap = e.target.closest('[data-field]');
		if (wrap) {
			viewer.highlight(wrap.dataset.field);
			return;
		}
		const row = e.target.closest('[data-row]');
		if (row && vehicles) {
			const vin = vehicles.value()[Number(row.dataset.row)]?.vin;
			const at = (declaredOf('vins') || []).indexOf(vin);
			viewer.highlight(at >= 0 ? 'vins.' + at : 'vins');
		}
	});

	// ---- the patch: every field whose value differs from the server's ----
	function collectPatch() {
		const patch = {};
		for (const f of Object.values(fields)) {
			if (f.key === 'company')
				continue;
			const v = f.get();
			if (!same(v, booking[f.key]))
				patch[f.key] = v;
		}
		if (drivers && JSON.stringify(drivers.value()) !== JSON.stringify(normalDrivers(booking.drivers)))
			patch.drivers = drivers.value();
		if (vehicles) {
			const rows = vehicles.value();
			if (JSON.stringify(rows) !== JSON.stringify(normalRows(booking.vehicles)))
				patch.vehicles = rows;
		}
		if (editable && (crossing.date !== (booking.crossing_date || '') || crossing.slot !== (booking.slot || null))) {
			patch.crossing_date = crossing.date || null;
			patch.slot = crossing.slot || null;
		}
		return patch;
	}

	function clearMarks() {
		for (const f of Object.values(fields)) {
			f.setError('');
			f.showCheck(null);
		}
		if (vehicles) {
			vehicles.showProblems([]);
			vehicles.showCheck(null);
		}
	}

	// Saves what changed (creating the booking first if it has no id yet); -> the booking.
	async function save() {
		if (!booking.id) {
			const made = await api.post('/bookings', { kind });
			booking = made;
			history.replaceState(null, '', '#/booking?id=' + encodeURIComponent(made.id));
			// No longer a new booking: the heading says so (the rest follows at the next render).
			const h1 = ctx.main.querySelector('h1');
			if (h1)
				h1.textContent = t('booking.title.' + kind);
		}
		const patch = collectPatch();
		if (Object.keys(patch).length)
			booking = await api.patch('/bookings/' + encodeURIComponent(booking.id), patch);
		return booking;
	}

	// ---- results at their fields ----
	function place(list, ok) {
		const general = [];
		const rows = [];
		const driverRows = [];
		let first = null;
		for (const c of list) {
			const path = String(c.field || '');
			const top = path.split('.')[0];
			// A row is vehicles[3].vin (the server's form) or vehicles.3.vin; drivers[0].phone likewise.
			const m = /^vehicles(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?$/.exec(path);
			const d = /^drivers(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?$/.exec(path);
			if (d && drivers && !c.ok) {
				driverRows.push({ index: Number(d[1] ?? d[2]), key: d[3] || 'plate', message: c.message });
			} else if (m && vehicles && !c.ok) {
				rows.push({ index: Number(m[1] ?? m[2]), key: m[3] || 'vin', message: c.message });
			} else if (path === 'vehicles' && vehicles) {
				vehicles.showCheck(c);
				if (!c.ok && !ok)
					general.push(c.message);
			} else if (fields[top]) {
				const f = fields[top];
				if (ok)
					f.showCheck({ ok: c.ok, level: c.level, text: c.message });
				else
					f.setError(c.message);
				if (!c.ok)
					first = first || f.input;
			} else if (c.message && !c.ok) {
				general.push(c.message);
			}
		}
		// Shown whatever came first (a || here would skip the rows once a field had a problem).
		const rowFirst = vehicles && rows.length ? vehicles.showProblems(rows) : null;
		const driverFirst = drivers ? drivers.showProblems(driverRows) : null;
		first = first || rowFirst || driverFirst;
		return { general, first };
	}

	function showChecks(answer) {
		const list = checkList(answer);
		clearMarks();
		const { general, first } = place(list, true);
		const bad = list.filter((c) => !c.ok && c.level !== 'warning').length;
		if (bad)
			box.error(t('booking.check_problems', { n: bad }), general);
		else
			box.success(t('booking.check_ok'));
		if (first)
			first.focus();
	}

	function showRefusal(err) {
		clearMarks();
		const list = (err.fields || []).map((f) => ({ field: f.field, message: f.message, ok: false }));
		if (err.code === 'declaration_in_use' && !list.length)
			list.push({ field: 'declaration_no', message: err.message, ok: false });
		if (err.code === 'vin_in_use' && !list.length && vehicles)
			list.push({ field: 'vehicles', message: err.message, ok: false });
		const { general, first } = place(list, false);
		showCrossingRefusal(err);
		box.error(err.message || t('app.error_network'), general.filter((g) => g !== err.message));
		const alert = box.el.querySelector('[role=alert]');
		if (err.status === 409 && alert) {
			alert.dataset.code = err.code;
			// The server names the holding booking only when this user may see it.
			const holder = err.detail.booking_id;
			if (holder)
				alert.append(h('p', {}, h('a', { href: '#/booking?id=' + encodeURIComponent(holder), 'data-testid': 'holder' },
					t('booking.holder_link', { id: holder }))));
		}
		if (first)
			first.focus();
		else if (alert)
			alert.focus();
	}

	// ---- actions ----
	function action(button, fn) {
		button.addEventListener('click', async () => {
			const restore = busy(button);
			box.clear();
			try {
				await fn();
			} catch (err) {
				showRefusal(err);
			} finally {
				if (button.isConnected)
					restore();
			}
		});
		return button;
	}
	const btn = (name, cls = 'btn') => h('button', { type: 'button', class: cls, 'data-action': name }, t('booking.action.' + name));
	const toolbar = h('div', { class: 'actions booking-actions' });
	let importBtn = null;
	const bottom = h('div', { class: 'actions booking-actions' });

	if (editable) {
		action(checkBtn, async () => {
			await save();
			const answer = await api.post(`/bookings/${encodeURIComponent(booking.id)}/check`);
			if (answer && answer.id && answer.kind)
				booking = answer;
			afterSave();
			showChecks(answer);
		});
		importBtn = btn('import');
		importBtn.addEventListener('click', () => openImport());
		toolbar.append(importBtn);
		if (vehicles) {
			toolbar.append(action(btn('import_vins'), async () => {
				await save();
				afterSave();
				const answer = await importVins(booking.id);
				if (answer)
					await afterVinImport(answer);
			}));
		}
		bottom.append(
			action(btn('save'), async () => {
				const wasNew = !booking.id;
				await save();
				if (wasNew)
					go(ctx, booking.id, { ok: t('booking.saved') });
				else {
					afterSave();
					box.success(t('booking.saved'));
				}
			}),
			action(btn('submit', 'btn btn-primary'), async () => {
				await save();
				afterSave();
				const done = await api.post(`/bookings/${encodeURIComponent(booking.id)}/submit`);
				go(ctx, done.id || booking.id, { ok: t('booking.submitted.' + (done.state || 'submitted')) });
			}));
	}
	if (may('withdraw')) {
		bottom.append(action(btn('withdraw'), async () => {
			if (await confirmAction('withdraw'))
				go(ctx, booking.id, { ok: t('booking.withdrawn') });
		}));
	}
	if (may('cancel')) {
		bottom.append(action(btn('cancel', 'btn btn-danger-outline'), async () => {
			if (await confirmAction('cancel'))
				go(ctx, booking.id, { ok: t('booking.cancelled') });
		}));
	}
	if (booking.id && (booking.state === 'released' || booking.state === 'passed'))
		bottom.prepend(h('a', { href: '#/pass?id=' + encodeURIComponent(booking.id), class: 'btn btn-primary',
			'data-action': 'pass' }, t('booking.pass')));
	bottom.append(h('a', { href: '#/bookings', class: 'btn' }, t('booking.back')));
	action(moveBtn, async () => {
		await api.post(`/bookings/${encodeURIComponent(booking.id)}/move`,
			{ crossing_date: crossing.date, ...(crossing.slot ? { slot: crossing.slot } : {}) });
		go(ctx, booking.id, { ok: t('booking.moved') });
	});

	function confirmAction(name) {
		return openDialog({
			title: t('booking.action.' + name),
			body: [h('p', {}, t('booking.confirm.' + name))],
			confirmLabel: t('booking.action.' + name),
			danger: name === 'cancel',
			onConfirm: () => api.post(`/bookings/${encodeURIComponent(booking.id)}/${name}`),
		});
	}

	function afterSave() {
		for (const f of Object.values(fields))
			if (f.key !== 'company')
				f.set(booking[f.key]);
		if (vehicles)
			vehicles.set(booking.vehicles || [], declaredOf('vins') || []);
		if (drivers)
			drivers.set(booking.drivers);
		showDeclared();
		showNotes();
		followTransit();
		followCargo();
		attachments.refresh();
	}

	async function afterVinImport(answer) {
		const fresh = answer.booking || (answer.id && answer.kind ? answer : await api.get('/bookings/' + encodeURIComponent(booking.id) + '?checks=1'));
		booking = fresh;
		afterSave();
		const refused = answer.refused || answer.rejected || [];
		const added = answer.added ?? answer.imported ?? (booking.vehicles || []).length;
		const lines = refused.map((r) => t('vins.refused_row', {
			row: r.row ?? t('vins.row_unknown'), value: r.value ?? '', message: r.message || reasonText(r.reason || r.code),
		}));
		if (refused.length)
			box.error(t('vins.done_refused', { added, n: refused.length }), lines);
		else
			box.success(t('vins.done', { added }));
		const list = box.el.querySelector('ul');
		if (list)
			list.dataset.testid = 'refused-rows';
	}

	// A booking keeps the declaration it was made from (the server refuses to change declaration_id),
	// so importing into a saved booking makes a new one from the declaration, carries the choices
	// made here over to it, and calls off the draft it replaces.
	async function replaceDraft(made) {
		const choices = {};
		for (const key of BLOCKS[kind].choices) {
			const v = key === 'declaration_no' || key === 'is_transit' ? null : fields[key].get();
			if (v !== null && v !== '')
				choices[key] = v;
		}
		if (Object.keys(choices).length)
			await api.patch('/bookings/' + encodeURIComponent(made.id), choices);
		if (booking.state === 'draft' && may('cancel'))
			await api.post(`/bookings/${encodeURIComponent(booking.id)}/cancel`);
	}

	async function openImport() {
		const done = await importDeclaration(kind, async (result) => {
			const made = await api.post('/bookings', { kind, declaration_id: result.id });
			if (booking.id)
				await replaceDraft(made);
			go(ctx, made.id, { ok: t(booking.id ? 'import.replaced' : 'import.filled') });
		});
		// Closed without importing (the dialog that opened by itself had no control to return to).
		if (!done && importBtn && importBtn.isConnected && document.activeElement === document.body)
			importBtn.focus();
	}

	function followTransit() {
		transitNote.hidden = !fields.is_transit || fields.is_transit.get() !== true;
	}

	function selectedCode(f) {
		const o = f.input.selectedOptions[0];
		return o ? o.dataset.code || '' : '';
	}

	function followCargo() {
		attachments.require(fields.cargo_type ? selectedCode(fields.cargo_type) === dom.ecommerceCode : false);
	}

	// ---- 随附单证 ----
	const attachments = attachmentCard({
		booking: () => booking, editable, types: env.domain.attachmentTypes,
		prepare: async () => {
			await save();
			afterSave();
			return booking.id;
		},
		refreshed: (fresh) => {
			booking = fresh;
			afterSave();
		},
	});

	// 核对: the declaration (its sources and page count) is read once the form shows.
	async function showPages(declarationId) {
		try {
			const d = await api.get('/declarations/' + encodeURIComponent(declarationId));
			if (!ctx.alive())
				return;
			const rec = d.declaration || {};
			viewer = pageViewer({
				declarationId, sources: rec.sources || booking.sources || {},
				pages: d.pages || 1, pageSizes: Array.isArray(rec.pages) ? rec.pages : null,
			});
			layout.classList.add('with-pages');
			layout.append(viewer.el);
		} catch (err) {
			// The form works without the pages; the viewer just does not show.
		}
	}

	// ---- layout ----
	const titleKey = booking.id ? 'booking.title.' + kind : 'booking.new_title.' + kind;
	const head = pageHeader(t(titleKey), booking.declaration_no
		? t('booking.number_line', { no: booking.declaration_no }) : t('booking.intro.' + kind));
	head.append(h('p', { class: 'state-line' }, t('booking.state_label'), ' ',
		h('span', { class: 'badge badge-state-' + booking.state, 'data-testid': 'booking-state' }, label('states', booking.state))));
	const reason = rejectionReason(booking);
	const main = h('div', { class: 'booking-main' }, form, crossingCard, attachments.el, historyCard(booking), bottom);
	const layout = h('div', { class: 'booking-layout' }, main);
	if (booking.declaration_id)
		showPages(booking.declaration_id);
	ctx.main.append(...[head, reason ? h('div', { class: 'alert alert-error' }, t('booking.rejected_because', { reason })) : null,
		box.el, toolbar].filter(Boolean),
		layout);
	showDeclared();
	showNotes();
	followTransit();
	followCargo();
	if (Array.isArray(booking.checks) ? booking.checks.length : booking.checks && Object.keys(booking.checks).length)
		place(checkList(booking.checks), true);
	if (flash) {
		if (flash.ok)
			box.success(flash.ok);
		flash = null;
	}
	if (!booking.id)
		openImport();
}

function normalDrivers(list) {
	const one = (v) => (v === undefined || v === null || v === '' ? null : String(v));
	return (Array.isArray(list) ? list : []).map((d) => ({ plate: one(d.plate), name: one(d.name), phone: one(d.phone) }));
}

// Vehicle rows with every key, nothing written as null (the server may send '' for it).
function normalRows(list) {
	const one = (v) => (v === undefined || v === null || v === '' ? null : String(v));
	return (Array.isArray(list) ? list : []).map((v) => Object.fromEntries(VEHICLE_KEYS.map((k) => [k, one(v[k])])));
}

// The checks as [{field, ok, message}], whatever wrapper the answer has.
function checkList(answer) {
	let list = answer;
	if (list && !Array.isArray(list) && typeof list === 'object')
		list = list.checks ?? list.fields ?? list.results ?? list;
	if (list && !Array.isArray(list) && typeof list === 'object')
		list = Object.entries(list).map(([field, v]) => (v && typeof v === 'object' ? { field, ...v } : { field, message: String(v) }));
	if (!Array.isArray(list))
		return [];
	return list.map((c) => {
		const level = c.level || c.status || c.result || '';
		const bad = level ? ['error', 'warning', 'fail', 'failed'].includes(level) : !(c.ok === true || c.passed === true);
		return { field: c.field || c.key || '', ok: !bad, level, message: c.message || c.text || c.code || '', code: c.code || '' };
	});
}

// The words for a refused sheet row's reason code; the code itself when the tables lack it.
function reasonText(code) {
	const key = 'vins.reason.' + code;
	const s = t(key);
	return s === key ? String(code || '') : s;
}

function rejectionReason(booking) {
	if (booking.state !== 'rejected')
		return '';
	if (booking.reason || booking.rejection_reason)
		return booking.reason || booking.rejection_reason;
	const hist = Array.isArray(booking.history) ? booking.history : [];
	const last = [...hist].reverse().find((e) => (e.to || e.state) === 'rejected');
	return last ? last.reason || '' : '';
}

// Under the site: who will approve the booking and how to reach them (the seed: 预约成功后联系所属的仓储企业).
function approverNote(fields, siteList) {
	const f = Object.values(fields).find((x) => x.def && x.def.type === 'site');
	if (!f)
		return;
	const note = h('p', { class: 'hint approver-note', 'data-testid': 'approver' });
	const show = () => {
		const s = siteList.find((x) => String(x.id) === String(f.input.value));
		const a = s && s.approver;
		note.textContent = a ? t('booking.approver', { name: a.name || t('booking.approver_bureau'), phone: a.phone || '—' }) : '';
	};
	f.input.addEventListener('change', show);
	f.wrap.append(note);
	show();
}

// A history entry's action: the server's label for an action of its table, the page's own words for
// the entries that are not actions between states (creation).
function actionLabel(code) {
	const named = label('actions', code);
	if (named !== String(code))
		return named;
	const key = 'booking.event.' + code;
	const s = t(key);
	return s === key ? String(code) : s;
}

function historyCard(booking) {
	const hist = Array.isArray(booking.history) ? booking.history : [];
	if (!booking.id)
		return null;
	return h('section', { class: 'card booking-history' }, h('h2', {}, t('booking.history')),
		hist.length ? h('ol', { class: 'history' }, hist.map((e) => {
			const at = e.at || e.time || e.created_at;
			const to = e.to || e.state;
			return h('li', {},
				h('time', { datetime: at || '' }, formatDateTime(at)), ' ',
				h('span', { class: 'history-actor' }, e.actor_name || e.actor || e.username || ''), ' ',
				to ? h('span', { class: 'badge badge-state-' + to }, label('states', to)) : null,
				e.action ? h('span', { class: 'history-action' }, ' ', actionLabel(e.action)) : null,
				e.reason ? h('span', { class: 'history-reason' }, ' — ', e.reason) : null);
		})) : h('p', { class: 'empty' }, t('booking.history_empty')));
}

// 随附单证: the attachments of the booking, downloadable; in draft, an upload with its type.
function attachmentCard({ booking, editable, types, prepare, refreshed }) {
	const list = h('div', {});
	const need = h('p', { class: 'alert alert-info ecommerce-note', hidden: true });
	const box = messageBox();
	const el = h('section', { class: 'card booking-attachments', 'data-block': 'attachments' },
		h('h2', {}, t('booking.attachments')), need, list);
	let required = false;

	function refresh() {
		const b = booking();
		const items = Array.isArray(b.attachments) ? b.attachments : [];
		list.replaceChildren(items.length ? h('ul', { class: 'attachment-list' }, items.map((a) => h('li', { 'data-type': a.type },
			h('span', { class: 'badge' }, label('attachment_types', a.type)), ' ',
			h('a', { href: fileUrl(`/bookings/${encodeURIComponent(b.id)}/attachments/${encodeURIComponent(a.id)}`),
				download: a.filename || a.name || '' }, a.filename || a.name || t('booking.attachment_file')), ' ',
			h('span', { class: 'count' }, formatSize(a.size))))) : h('p', { class: 'empty' }, t('booking.attachments_none')));
		const has = items.some((a) => a.type === RELEASE_LIST);
		need.hidden = !required;
		need.textContent = t(has ? 'booking.release_list_ok' : 'booking.release_list_needed');
		need.classList.toggle('alert-error', required && !has);
	}

	if (editable) {
		const typeId = 'att-type';
		const select = h('select', { id: typeId, name: 'attachment_type' },
			(types.length ? types : [RELEASE_LIST]).map((c) => h('option', { value: c }, label('attachment_types', c))));
		const bar = h('progress', { max: '100', hidden: true });
		const zone = dropZone({
			accept: '.pdf,.png,.jpg,.jpeg,.xlsx,.xls,.csv,application/pdf,image/png,image/jpeg',
			text: t('booking.attachment_zone'),
			onFile: async (file) => {
				box.clear();
				bar.hidden = false;
				try {
					const id = await prepare();
					const answer = await sendAttachment(id, select.value, file, (share) => {
						if (share === null)
							bar.removeAttribute('value');
						else
							bar.value = Math.round(share * 100);
					});
					const fresh = answer && answer.kind ? answer : await api.get('/bookings/' + encodeURIComponent(id) + '?checks=1');
					refreshed(fresh);
					box.success(t('booking.attachment_added', { name: file.name }));
				} catch (err) {
					box.error(err.message || t('app.error_network'));
				} finally {
					bar.hidden = true;
				}
			},
		});
		el.append(h('div', { class: 'attachment-upload' },
			h('div', { class: 'field' }, h('label', { for: typeId }, t('booking.attachment_type')), select), zone.el, bar), box.el);
	}
	refresh();
	return {
		el, refresh,
		require(on) {
			required = on;
			refresh();
		},
	};
}
