// The booking flows in Chromium against the real server: 新增 → 导入 → 识别 → 核对 → 提交 for heavy
// trucks and commodity vehicles, with fixture declarations uploaded through the file input and by
// drag-and-drop; the VIN spreadsheet import; transit and e-commerce; a refused file; 我的预约;
// the bureau's option lists.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PHONE, launch, reset, shot, login, overflow, unlabelled, apiCall, stepper } from './lib.mjs';
import { loadTables, SOURCE } from './tables.mjs';

const FIXTURES = path.join(SOURCE, 'tests/fixtures');
const decl = (n) => path.join(FIXTURES, 'declarations', `decl_${n}.pdf`);
const truth = (n) => JSON.parse(fs.readFileSync(path.join(FIXTURES, 'declarations', `decl_${n}.json`), 'utf8'));
const CJK = /[\u4e00-\u9fff]/;

let b;
let T;

const step = stepper(() => b);

const field = (page, key) => page.locator(`.bfield[data-field="${key}"]`);
const input = (page, key) => page.locator(`.bfield[data-field="${key}"] [name="${key}"]`);
const dialog = (page) => page.locator('dialog[open]');
const state = (page) => page.locator('[data-testid=booking-state]');

async function waitText(page, selector, want) {
	await page.waitForFunction(({ s, w }) => {
		const el = document.querySelector(s);
		return el && el.textContent.trim() === w;
	}, { s: selector, w: want });
}

async function newBooking(page, kind) {
	await page.locator('nav.nav a[data-route="/bookings"]').click();
	await page.locator(`[data-action="new-${kind}"]`).click();
	// The import dialog opens by itself.
	await dialog(page).waitFor();
	assert.equal(await dialog(page).locator('h2').innerText(), T.zh['import.heading']);
}

// Import through the dialog: the file chosen in the file input, or dropped on the zone.
async function importFile(page, file, how = 'input') {
	const dlg = dialog(page);
	if (how === 'input') {
		await dlg.locator('input[type=file]').setInputFiles(file);
	} else {
		const bytes = fs.readFileSync(file).toString('base64');
		await dlg.locator('.dropzone').evaluate((zone, { bytes, name }) => {
			const raw = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([raw], name, { type: 'application/pdf' }));
			for (const type of ['dragenter', 'dragover', 'drop'])
				zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
		}, { bytes, name: path.basename(file) });
	}
	await dlg.locator(`tr[data-file="${path.basename(file)}"]`).waitFor();
	await dlg.locator('[data-action=import]').click();
}

// Import, wait for recognition, press 下一步 and wait for the booking's form.
async function importAndNext(page, file, how) {
	await importFile(page, file, how);
	const next = dialog(page).locator('[data-action=next]');
	await page.waitForFunction(() => {
		const n = document.querySelector('dialog[open] [data-action=next]');
		return n && !n.disabled;
	}, null, { timeout: 60000 });
	await next.click();
	await dialog(page).waitFor({ state: 'detached' });
	await page.waitForFunction(() => /#\/booking\?id=\d+/.test(location.hash));
	await input(page, 'declaration_no').waitFor();
	return Number(/id=(\d+)/.exec(page.url())[1]);
}

async function choose(page, key, index = 1) {
	const select = input(page, key);
	const value = await select.locator('option').nth(index).getAttribute('value');
	await select.selectOption(value);
	return value;
}

async function optionByCode(page, key, code) {
	const value = await input(page, key).locator(`option[data-code="${code}"]`).getAttribute('value');
	await input(page, key).selectOption(value);
}

// Submit, with a crossing date chosen in the strip first when none is (the second day that has
// room: today's may pass its cut-off while the test runs).
async function submit(page) {
	const strip = page.locator('[data-testid=capacity-strip]');
	await strip.locator('.strip-day').first().waitFor();
	if (await strip.locator('.strip-day.is-chosen').count() === 0)
		await strip.locator('.strip-day:not([disabled])').nth(1).click();
	await page.locator('[data-action=submit]').click();
}

async function okMessage(page) {
	const el = page.locator('main [role=status]:not(:empty)').first();
	await el.waitFor();
	return (await el.innerText()).trim();
}

// A declaration number nobody else holds: district 9402, this year, export, a random serial.
function freshNumber() {
	return '94022026' + '0' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
}

describe('Booking pages', () => {
	before(async () => {
		T = await loadTables();
		b = await launch();
	});
	after(async () => {
		if (b)
			await b.close();
	});

	step('heavy truck: import by file input, check against the page, edit a plate, submit, withdraw, cancel', async (page) => {
		const want = truth('001');
		await login(page, 'demo_enterprise');
		await newBooking(page, 'heavy_truck');
		await shot(page, 'booking-import-dialog');
		const id = await importAndNext(page, decl('001'), 'input');
		assert.equal(await input(page, 'declaration_no').inputValue(), want.declaration_no);
		assert.equal(await input(page, 'plates').inputValue(), want.plates.join(', '));
		assert.equal(await input(page, 'truck_count').inputValue(), String(want.truck_count));
		assert.equal(Number(await input(page, 'gross_weight_kg').inputValue()), want.gross_weight_kg);
		// Kilograms on the form; tonnes only as the converted hint.
		assert.match(await field(page, 'gross_weight_kg').locator('.field-hint').innerText(), /36\.617/);
		assert.equal(await input(page, 'currency').inputValue(), want.currency);
		assert.deepEqual(await unlabelled(page), []);

		// 核对: the page is shown, and focusing a field marks where it was read.
		await page.locator('.page-frame.loaded').first().waitFor();
		await input(page, 'declaration_no').focus();
		await page.locator('.source-box').first().waitFor();
		const box = await page.locator('.source-box').first().boundingBox();
		const img = await page.locator('.page-img').first().boundingBox();
		assert.ok(box.width > 0 && box.x >= img.x && box.x + box.width <= img.x + img.width + 1, 'the box lies on the page');
		await shot(page, 'booking-heavy-sources');
		const pdf = await page.evaluate((u) => fetch(u).then(async (r) => ({
			status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength,
		})), await page.locator('[data-action=pdf]').getAttribute('href'));
		assert.deepEqual(pdf, { status: 200, type: 'application/pdf', size: fs.statSync(decl('001')).size });

		// A plate changed by hand: the declaration's value stays beside it, and 检验数据 reports the mismatch.
		const plates = [...want.plates];
		plates[0] = '新A12345';
		await input(page, 'plates').fill(plates.join(', '));
		await field(page, 'plates').locator('.declared').waitFor();
		assert.ok((await field(page, 'plates').locator('.declared').innerText()).includes(want.plates[0]));
		// A driver (optional) with a phone that is no phone number: said in the driver's row.
		await page.locator('[data-action=add-driver]').click();
		const driver = page.locator('[data-testid=drivers] tbody tr').first();
		await driver.locator('[data-key=plate]').fill(want.plates[2]);
		await driver.locator('[data-key=name]').fill('王军');
		await driver.locator('[data-key=phone]').fill('12');
		await page.locator('[data-action=check]').click();
		await field(page, 'plates').locator('.field-check.check-warn, .field-check.check-bad').waitFor();
		await driver.locator('.row-note:not(:empty)').waitFor();
		await shot(page, 'booking-heavy-plate-mismatch');

		// Back to the declaration's plates, the choices made, submitted.
		await input(page, 'plates').fill(want.plates.join(', '));
		await driver.locator('[data-key=phone]').fill('13912345678');
		await choose(page, 'clearance_mode');
		await optionByCode(page, 'cargo_type', (await apiCall(page, 'GET', '/options/cargo_type')).body.items
			.find((i) => i.code !== 'ecommerce_list' && !i.disabled).code);
		await choose(page, 'customs_warehouse');
		await input(page, 'contact').fill('13912345678');
		await choose(page, 'transshipment_site_id');
		await submit(page);
		await waitText(page, '[data-testid=booking-state]', (await apiCall(page, 'GET', '/domain')).body.states
			.find((s) => s.code === 'submitted').label.zh);
		const api = await apiCall(page, 'GET', '/bookings/' + id);
		assert.equal(api.body.state, 'submitted');
		assert.deepEqual(api.body.plates, want.plates);
		assert.deepEqual(api.body.drivers, [{ plate: want.plates[2], name: '王军', phone: '13912345678' }]);
		// Read-only now: the fields are disabled, and the history shows the submit.
		assert.ok(await input(page, 'plates').isDisabled());
		assert.ok(await page.locator('.booking-history li').count() >= 1);
		await shot(page, 'booking-heavy-submitted');

		// 撤回 back to draft, then 取消预约.
		await page.locator('[data-action=withdraw]').click();
		await dialog(page).locator('button[type=submit]').click();
		await page.locator('[data-action=submit]').waitFor();
		assert.equal((await apiCall(page, 'GET', '/bookings/' + id)).body.state, 'draft');
		await page.locator('[data-action=cancel]').click();
		await dialog(page).locator('button[type=submit]').click();
		await page.waitForFunction(() => !document.querySelector('[data-action=cancel]'));
		assert.equal((await apiCall(page, 'GET', '/bookings/' + id)).body.state, 'cancelled');
	});

	step('commodity vehicles: import by drag-and-drop, VIN rows, submit, find by a VIN prefix', async (page) => {
		const want = truth('017');
		await login(page, 'demo_enterprise');
		await newBooking(page, 'commodity_vehicle');
		const id = await importAndNext(page, decl('017'), 'drop');
		const rows = page.locator('[data-testid=vehicles] .vbody .vrow');
		assert.equal(await rows.count(), want.vins.length);
		const vins = await page.locator('[data-testid=vehicles] [data-key=vin]').evaluateAll((els) => els.map((e) => e.value));
		assert.deepEqual(vins, want.vins);

		// A VIN typed wrong is marked in its row at once; put back, the mark goes.
		const first = rows.nth(0).locator('[data-key=vin]');
		await first.fill(want.vins[0].slice(0, 16) + (want.vins[0][16] === '1' ? '2' : '1'));
		await rows.nth(0).locator('.row-note:not(:empty)').waitFor();
		await first.fill(want.vins[0]);
		await page.waitForFunction(() => !document.querySelector('[data-testid=vehicles] .vbody .vrow').classList.contains('row-invalid'));
		// 检验数据: the VINs agree with the declaration, said under the rows.
		await page.locator('[data-action=check]').click();
		await page.locator('[data-testid=vehicles-check].check-ok').waitFor();
		// Focusing a row's VIN marks it on the page.
		await page.locator('.page-frame.loaded').first().waitFor();
		await rows.nth(2).locator('[data-key=vin]').focus();
		await page.locator('.source-box').first().waitFor();

		await choose(page, 'clearance_mode');
		await choose(page, 'customs_warehouse');
		await input(page, 'contact').fill('+77012345678');
		await choose(page, 'usage_type');
		await choose(page, 'fuel_type');
		await shot(page, 'booking-commodity-form');
		await submit(page);
		await page.waitForFunction(() => !document.querySelector('[data-action=submit]'));
		const done = (await apiCall(page, 'GET', '/bookings/' + id)).body;
		assert.equal(done.state, 'released');
		assert.deepEqual(done.vehicles.map((v) => v.vin), want.vins);

		// 我的预约: found by the first 8 characters of a VIN.
		await page.locator('[data-action=back], a[href="#/bookings"]').last().click();
		await page.locator('input[name=q]').fill(want.vins[3].slice(0, 8));
		await page.locator('form[role=search] button[type=submit]').click();
		await page.locator(`tr[data-id="${id}"]`).waitFor();
		await shot(page, 'bookings-search-vin');
		// A prefix shorter than four characters is refused on the page.
		await page.locator('input[name=q]').fill('LS4');
		await page.locator('form[role=search] button[type=submit]').click();
		assert.equal((await page.locator('main [role=alert]').innerText()).trim(), T.zh['bookings.too_short'].replace('{n}', '4'));
	});

	step('commodity vehicles without VINs: the spreadsheet import adds the rows and lists refused ones', async (page) => {
		const want = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'vins/decl_025_vins.expected.json'), 'utf8'));
		await login(page, 'demo_enterprise');
		await newBooking(page, 'commodity_vehicle');
		const id = await importAndNext(page, decl('025'), 'input');
		assert.equal(await page.locator('[data-testid=vehicles] .vbody .vrow').count(), 0);

		await page.locator('[data-action=import_vins]').click();
		await dialog(page).waitFor();
		assert.equal(await dialog(page).locator('h2').innerText(), T.zh['vins.heading']);
		const template = await dialog(page).locator('[data-action=template]').getAttribute('href');
		const tpl = await page.evaluate((u) => fetch(u).then((r) => ({ status: r.status, type: r.headers.get('content-type') })), template);
		assert.equal(tpl.status, 200);
		await dialog(page).locator('input[type=file]').setInputFiles(path.join(FIXTURES, 'vins/decl_025_vins.xlsx'));
		await dialog(page).locator('[data-action=import]').click();
		await dialog(page).waitFor({ state: 'detached' });
		await page.locator(`[data-testid=vehicles] .vbody .vrow[data-row="${want.vins.length - 1}"]`).waitFor();
		const vins = await page.locator('[data-testid=vehicles] [data-key=vin]').evaluateAll((els) => els.map((e) => e.value));
		assert.deepEqual(vins, want.vins);
		assert.deepEqual((await apiCall(page, 'GET', '/bookings/' + id)).body.vehicles.map((v) => v.vin), want.vins);
		await shot(page, 'booking-vins-imported');

		// A sheet with bad rows: the good ones are added, the refused ones listed with their reason.
		const bad = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'vins/vins_invalid.expected.json'), 'utf8'));
		await page.locator('[data-action=import_vins]').click();
		await dialog(page).locator('input[type=file]').setInputFiles(path.join(FIXTURES, 'vins/vins_invalid.xlsx'));
		await dialog(page).locator('[data-action=import]').click();
		await dialog(page).waitFor({ state: 'detached' });
		const refused = page.locator('main [role=alert] li');
		await refused.first().waitFor();
		assert.equal(await refused.count(), bad.rejected.length);
		await shot(page, 'booking-vins-refused');
	});

	step('transit: entered by hand without an import, then submitted', async (page) => {
		await login(page, 'demo_enterprise');
		await newBooking(page, 'heavy_truck');
		await dialog(page).locator('[data-action=cancel]').click();
		await dialog(page).waitFor({ state: 'detached' });
		await input(page, 'is_transit').selectOption('true');
		await page.locator('.transit-note').waitFor();
		const number = freshNumber();
		await input(page, 'declaration_no').fill(number);
		await input(page, 'plates').fill('新F12345, 新F6789挂');
		await input(page, 'truck_count').fill('1');
		await choose(page, 'clearance_mode');
		await optionByCode(page, 'cargo_type', (await apiCall(page, 'GET', '/options/cargo_type')).body.items
			.find((i) => i.code !== 'ecommerce_list' && !i.disabled).code);
		await choose(page, 'customs_warehouse');
		await input(page, 'contact').fill('0999-8123456');
		await choose(page, 'transshipment_site_id');
		await shot(page, 'booking-transit');
		await submit(page);
		await page.waitForFunction(() => !document.querySelector('[data-action=submit]'));
		const id = Number(/id=(\d+)/.exec(page.url())[1]);
		const api = (await apiCall(page, 'GET', '/bookings/' + id)).body;
		assert.equal(api.state, 'submitted');
		assert.equal(api.is_transit, true);
		assert.equal(api.declaration_id, null);
		assert.equal(api.declaration_no, number);
	});

	step('导入 on a saved draft makes the booking from the declaration and keeps the choices', async (page) => {
		await login(page, 'demo_enterprise');
		await newBooking(page, 'heavy_truck');
		await dialog(page).locator('[data-action=cancel]').click();
		await dialog(page).waitFor({ state: 'detached' });
		assert.equal(await page.evaluate(() => document.activeElement.dataset.action), 'import');
		const mode = await choose(page, 'clearance_mode');
		await input(page, 'contact').fill('13700001111');
		await page.locator('[data-action=save]').click();
		await page.waitForFunction(() => /#\/booking\?id=\d+/.test(location.hash));
		const first = Number(/id=(\d+)/.exec(page.url())[1]);
		await input(page, 'contact').waitFor();

		await page.locator('[data-action=import]').click();
		const id = await importAndNext(page, decl('002'), 'input');
		assert.notEqual(id, first);
		assert.equal(await input(page, 'declaration_no').inputValue(), truth('002').declaration_no);
		assert.equal(await input(page, 'contact').inputValue(), '13700001111');
		assert.equal(await input(page, 'clearance_mode').inputValue(), mode);
		assert.equal((await apiCall(page, 'GET', '/bookings/' + first)).body.state, 'cancelled');
	});

	step('a bundle\'s pages that are not the declaration are named in the user\'s language', async (page) => {
		await login(page, 'demo_enterprise');
		await newBooking(page, 'heavy_truck');
		await importAndNext(page, path.join(FIXTURES, 'bundles', 'decl_005_after.pdf'), 'input');
		const notes = page.locator('.general-notes li.note-warn');
		await notes.first().waitFor();
		const texts = (await notes.allInnerTexts()).map((s) => s.trim());
		assert.deepEqual(texts, [
			T.zh['warning.pages_skipped'].replace('{pages}', '2').replace('{seem}', T.zh['seem.invoice']),
			T.zh['warning.pages_skipped'].replace('{pages}', '3').replace('{seem}', T.zh['seem.packing_list']),
		]);
	});

	step('e-commerce list mode needs the release list under 随附单证', async (page) => {
		await login(page, 'demo_enterprise');
		await newBooking(page, 'heavy_truck');
		const id = await importAndNext(page, decl('014'), 'input');
		await choose(page, 'clearance_mode');
		await optionByCode(page, 'cargo_type', 'ecommerce_list');
		await page.locator('.ecommerce-note.alert-error').waitFor();
		await choose(page, 'customs_warehouse');
		await input(page, 'contact').fill('13800138000');
		await choose(page, 'transshipment_site_id');
		await submit(page);
		// Refused: the release list is missing.
		await page.locator('main [role=alert]:not(:empty)').first().waitFor();
		assert.equal((await apiCall(page, 'GET', '/bookings/' + id)).body.state, 'draft');
		await shot(page, 'booking-ecommerce-refused');

		await page.locator('select[name=attachment_type]').selectOption('release_list');
		await page.locator('.booking-attachments input[type=file]').setInputFiles(decl('014'));
		await page.locator('.booking-attachments li[data-type=release_list]').waitFor();
		await page.waitForFunction(() => !document.querySelector('.ecommerce-note').classList.contains('alert-error'));
		const att = (await apiCall(page, 'GET', '/bookings/' + id)).body.attachments;
		const href = await page.locator('.booking-attachments li[data-type=release_list] a').getAttribute('href');
		const got = await page.evaluate((u) => fetch(u).then((r) => r.status), href);
		assert.equal(got, 200);
		assert.equal(att.length, 1);
		await submit(page);
		await page.waitForFunction(() => !document.querySelector('[data-action=submit]'));
		assert.equal((await apiCall(page, 'GET', '/bookings/' + id)).body.state, 'submitted');
		await shot(page, 'booking-ecommerce-submitted');
	});

	step('a refused file says why in the user\'s language, and can be removed', async (page) => {
		await login(page, 'demo_enterprise');
		await newBooking(page, 'heavy_truck');
		await importFile(page, path.join(FIXTURES, 'bad/text_renamed.pdf'));
		const alert = dialog(page).locator('[role=alert]:not(:empty)');
		await alert.waitFor();
		const zh = (await alert.innerText()).trim();
		assert.match(zh, CJK);
		assert.ok(await dialog(page).locator('[data-action=next]').isDisabled());
		await shot(page, 'booking-refused-file');
		// The file can be removed and another chosen.
		await dialog(page).locator('[data-action=remove]').click();
		assert.equal(await dialog(page).locator('tr[data-file]').count(), 0);
		await dialog(page).locator('[data-action=cancel]').click();

		// In English the server's message is English.
		await page.locator('nav.nav a[data-route="/bookings"]').click();
		await page.locator('.lang-switch [data-lang=en]').click();
		await page.locator('[data-action="new-heavy_truck"]').click();
		await dialog(page).waitFor();
		await importFile(page, path.join(FIXTURES, 'bad/empty.pdf'));
		await alert.waitFor();
		assert.match((await alert.innerText()).trim(), /^[\x20-\x7e]+$/);
		await dialog(page).locator('[data-action=cancel]').click();
		await page.locator('.lang-switch [data-lang=zh]').click();
	});

	step('a declaration number held by another booking is refused at submit with 409', async (page) => {
		await login(page, 'demo_enterprise');
		const number = freshNumber();
		const fill = async () => {
			await newBooking(page, 'heavy_truck');
			await dialog(page).locator('[data-action=cancel]').click();
			await input(page, 'is_transit').selectOption('true');
			await input(page, 'declaration_no').fill(number);
			await input(page, 'plates').fill('新F54321');
			await input(page, 'truck_count').fill('1');
			await choose(page, 'clearance_mode');
			await optionByCode(page, 'cargo_type', (await apiCall(page, 'GET', '/options/cargo_type')).body.items
				.find((i) => i.code !== 'ecommerce_list' && !i.disabled).code);
			await choose(page, 'customs_warehouse');
			await input(page, 'contact').fill('13912340000');
			await choose(page, 'transshipment_site_id');
			await submit(page);
		};
		await fill();
		await page.waitForFunction(() => !document.querySelector('[data-action=submit]'));
		await fill();
		const alert = page.locator('main [role=alert][data-code=declaration_in_use]');
		await alert.waitFor();
		assert.match(await alert.innerText(), CJK);
		assert.equal(await input(page, 'declaration_no').getAttribute('aria-invalid'), 'true');
		// The holder is this organisation's own booking: it is named, with a link.
		await alert.locator('[data-testid=holder]').waitFor();
		await shot(page, 'booking-declaration-in-use');
	});

	step('我的预约 pages with 更多 and filters by state and kind', async (page) => {
		await login(page, 'demo_enterprise');
		// More drafts than one page holds, made through the API.
		for (let i = 0; i < 22; i++)
			assert.equal((await apiCall(page, 'POST', '/bookings', { kind: 'commodity_vehicle' })).status, 201);
		await page.locator('nav.nav a[data-route="/bookings"]').click();
		const rows = page.locator('table[data-testid=bookings] tbody tr');
		await rows.first().waitFor();
		const first = await rows.count();
		assert.equal(first, 20);
		await page.locator('[data-action=more]').click();
		await page.waitForFunction((n) => document.querySelectorAll('table[data-testid=bookings] tbody tr').length > n, first);
		const ids = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.id)));
		assert.equal(new Set(ids).size, ids.length, 'a booking shown twice');
		assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');

		await page.locator('select[name=state]').selectOption('draft');
		await page.locator('select[name=kind]').selectOption('heavy_truck');
		await page.locator('form[role=search] button[type=submit]').click();
		await page.waitForFunction(() => /state=draft/.test(location.hash));
		await page.locator('table[data-testid=bookings] tbody tr, [data-testid=no-bookings]').first().waitFor();
		await page.waitForFunction(() => [...document.querySelectorAll('table[data-testid=bookings] tbody tr')]
			.every((tr) => tr.dataset.state === 'draft'));
		const api = await apiCall(page, 'GET', '/bookings?state=draft&kind=heavy_truck&limit=20');
		const shown = await page.locator('table[data-testid=bookings] tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.id)));
		assert.deepEqual(shown, api.body.items.map((x) => x.id));
		assert.deepEqual(await unlabelled(page), []);
		await shot(page, 'bookings-list-filtered');
	});

	step('the bureau adds, renames, disables and moves an option', async (page) => {
		await login(page, 'demo_bureau');
		await page.locator('nav.nav a[data-route="/master-data"]').click();
		const card = page.locator('[data-list="customs_warehouse"]');
		await card.locator('.option-item').first().waitFor();
		const name = '测试监管仓' + Math.random().toString(36).slice(2, 6);
		await card.locator('input[name=new_value]').fill(name);
		await card.locator('.option-add button[type=submit]').click();
		const items = async () => (await apiCall(page, 'GET', '/options/customs_warehouse')).body.items;
		await page.waitForFunction((n) => [...document.querySelectorAll('[data-list="customs_warehouse"] .option-item input')]
			.some((i) => i.value === n), name);
		const added = (await items()).find((i) => i.value === name);
		assert.ok(added, 'added through the API');

		const row = card.locator(`.option-item[data-id="${added.id}"]`);
		await row.locator('input[name=value]').fill(name + '改');
		await row.locator('[data-action=rename]').click();
		await page.waitForFunction(async (id) => {
			const r = await fetch('/api/v1/options/customs_warehouse').then((x) => x.json());
			return r.items.find((i) => i.id === id)?.value.endsWith('改');
		}, added.id);
		const renamed = (await items()).find((i) => i.id === added.id);
		assert.equal(renamed.code, added.code, 'a rename keeps the code');

		await card.locator(`.option-item[data-id="${added.id}"] [data-action=up]`).click();
		await page.waitForFunction(async (id) => {
			const r = await fetch('/api/v1/options/customs_warehouse').then((x) => x.json());
			return r.items.length > 1 && r.items[r.items.length - 2].id === id;
		}, added.id);
		await card.locator(`.option-item[data-id="${added.id}"] [data-action=disable]`).click();
		await card.locator(`.option-item.is-disabled[data-id="${added.id}"]`).waitFor();
		assert.ok(!(await apiCall(page, 'GET', '/options/customs_warehouse')).body.values.includes(name + '改'));
		assert.deepEqual(await unlabelled(page), []);
		await shot(page, 'master-data-edited');
	});

	step('at phone width the list and the form fit the screen; a warning shows at its field', async (page) => {
		await page.setViewportSize(PHONE);
		await login(page, 'demo_enterprise');
		await page.goto(page.url().split('#')[0] + '#/bookings');
		await page.locator('table[data-testid=bookings] tbody tr, [data-testid=no-bookings]').first().waitFor();
		assert.equal(await overflow(page), 0, 'the list overflows');
		await shot(page, 'phone-bookings');
		await page.locator('[data-action="new-commodity_vehicle"]').click();
		// decl_028 lists 10 VINs for 11 vehicles: the recogniser's warning shows at its field.
		const id = await importAndNext(page, decl('028'), 'input');
		assert.ok(id > 0);
		await page.locator('[data-testid=vehicles] .vbody .vrow').first().waitFor();
		const warning = field(page, 'vehicle_count').locator('.field-notes li.note-warn');
		assert.equal((await warning.innerText()).trim(), T.zh['warning.vehicle_count_mismatch'].replace('{vehicles}', '11').replace('{vins}', '10'));
		assert.equal(await overflow(page), 0, 'the form overflows');
		await shot(page, 'phone-booking-form');
	});
});
