// Approval and release in Chromium against the real server: the warehouse approves in its queue →
// the enterprise is told and opens the driver's pass (Chinese and Russian, a phone screen, one A4
// page) → the gate scans the code with the keyboard alone → the passage is recorded (and a second
// scan of the same truck is red). Then reject with a reason → the enterprise corrects and submits
// again. Bookings are made through the API (the booking pages have their own tests) for tomorrow,
// with the bureau's grace widened to a day so that tomorrow's code is valid now (no test waits on
// the clock); the grace is put back afterwards.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, DESKTOP, launch, reset, shot, login, logout, overflow, apiCall, stepper } from './lib.mjs';
import { loadTables } from './tables.mjs';

const DAY_MS = 86400000;
const BEIJING_MS = 8 * 3600000;
const WHOLE_DAY_MINUTES = 1440;
const SITE = '丝路通达物流换装场';	// the demo site demo_warehouse1 approves for

let b;
let T;
let grace = null;

const step = stepper(() => b);

function tomorrow() {
	return new Date(Date.now() + BEIJING_MS + DAY_MS).toISOString().slice(0, 10);
}

function freshNumber() {
	return '94022026' + '0' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
}

// A submitted heavy-truck booking of demo_enterprise (signed in on page), entered by hand.
async function submittedBooking(page, plates) {
	const sites = (await apiCall(page, 'GET', '/sites')).body.sites;
	const site = sites.find((s) => s.name === SITE);
	const opt = async (list) => (await apiCall(page, 'GET', '/options/' + list)).body.items
		.find((i) => !i.disabled && i.code !== 'ecommerce_list').value;
	const made = await apiCall(page, 'POST', '/bookings', { kind: 'heavy_truck' });
	assert.equal(made.status, 201);
	const patch = await apiCall(page, 'PATCH', '/bookings/' + made.body.id, {
		is_transit: true, declaration_no: freshNumber(), plates, truck_count: plates.filter((p) => !p.endsWith('挂')).length,
		clearance_mode: await opt('clearance_mode'), cargo_type: await opt('cargo_type'),
		customs_warehouse: await opt('customs_warehouse'), contact: '13912345678',
		transshipment_site_id: site.id, crossing_date: tomorrow(),
	});
	assert.equal(patch.status, 200, JSON.stringify(patch.body));
	const sent = await apiCall(page, 'POST', '/bookings/' + made.body.id + '/submit');
	assert.equal(sent.status, 200, JSON.stringify(sent.body));
	assert.equal(sent.body.state, 'submitted');
	return made.body.id;
}

async function approvalsRow(page, id) {
	await page.locator('nav.nav a[data-route="/approvals"]').click();
	const row = page.locator(`[data-testid=approvals] tr[data-booking="${id}"]`);
	await row.waitFor();
	return row;
}

describe('Approval, pass and gate', () => {
	before(async () => {
		T = await loadTables();
		b = await launch();
		await reset(b);
		await login(b.page, 'demo_bureau');
		grace = (await apiCall(b.page, 'GET', '/capacity/defaults')).body.grace_minutes;
		const set = await apiCall(b.page, 'PUT', '/capacity/defaults', { grace_minutes: WHOLE_DAY_MINUTES });
		assert.equal(set.status, 200, JSON.stringify(set.body));
	});

	after(async () => {
		if (grace !== null) {
			await reset(b);
			await login(b.page, 'demo_bureau');
			await apiCall(b.page, 'PUT', '/capacity/defaults', { grace_minutes: grace });
		}
		await b.close();
	});

	step('approve → pass page → gate scan → passage', async (page) => {
		await login(page, 'demo_enterprise');
		const plate = '新F' + String(10000 + Math.floor(Math.random() * 89999));
		const id = await submittedBooking(page, [plate, '新F0001挂']);
		await logout(page);

		await login(page, 'demo_warehouse1');
		const row = await approvalsRow(page, id);
		await shot(page, 'approvals-queue');
		const siteOption = page.locator('select[name=site_id] option', { hasText: SITE });
		assert.equal(await siteOption.count(), 1, 'the site filter offers the pending site');
		await row.locator('[data-action=approve]').click();
		await page.locator('main [role=status]:not(:empty)').first().waitFor();
		assert.equal((await apiCall(page, 'GET', '/bookings/' + id)).body.state, 'released');
		await logout(page);

		await login(page, 'demo_enterprise');
		await page.locator('[data-testid=unread-count]:not([hidden])').waitFor();
		await page.goto(`${new URL(page.url()).origin}/#/booking?id=${id}`);
		await page.locator('[data-action=pass]').click();
		await page.locator('[data-testid=pass]').waitFor();
		assert.ok((await page.locator('[data-testid=pass-units]').innerText()).split(/\s+/).includes(plate));
		const facts = await page.locator('[data-testid=pass]').innerText();
		assert.ok(facts.includes(T.zh['pass.declaration_no']) && facts.includes(T.ru['pass.declaration_no']),
			'labels in Chinese and Russian');
		await page.waitForFunction(() => {
			const img = document.querySelector('[data-testid=pass-qr]');
			return img && img.complete && img.naturalWidth > 0;
		});
		await shot(page, 'pass-desktop');
		await page.setViewportSize(PHONE);
		assert.equal(await overflow(page), 0, 'the pass fits a phone');
		await shot(page, 'pass-phone');
		const pdf = await page.pdf({ format: 'A4', printBackground: true });
		const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
		assert.equal(pages, 1, 'the pass prints on one A4 page');
		const token = (await page.locator('[data-testid=pass-token]').innerText()).trim();
		await page.setViewportSize(DESKTOP);
		await logout(page);

		await login(page, 'demo_gate');
		await page.locator('nav.nav a[data-route="/gate"]').click();
		const code = page.locator('[data-testid=gate-code]');
		await code.waitFor();
		await page.locator('input[name=gate]').fill('一号卡口');
		// a keyboard-wedge scanner: the code's characters, then Enter
		await code.focus();
		await page.keyboard.type(token);
		await page.keyboard.press('Enter');
		const answer = page.locator('[data-testid=gate-answer]');
		await page.locator('[data-testid=gate-answer][data-result=green]').waitFor();
		assert.ok((await answer.innerText()).includes(plate));
		assert.ok(!/null|undefined|\[object/.test(await answer.innerText()), 'no stray text in the answer');
		await shot(page, 'gate-green');
		const passed = await apiCall(page, 'GET', '/bookings/' + id);
		assert.equal(passed.body.state, 'passed');
		// the same truck again: red, said to be a repeat; the focus is back in the code field
		assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'gate-code');
		await page.keyboard.type(token);
		await page.keyboard.press('Enter');
		await page.locator('[data-testid=gate-answer][data-result=red]').waitFor();
		assert.ok((await answer.innerText()).includes(T.zh['gate.reason.repeat']));
		await shot(page, 'gate-red-repeat');
	});

	step('the bureau\'s overview: passages by hour drawn as SVG, history searchable, exports', async (page) => {
		await login(page, 'demo_bureau');
		await page.locator('nav.nav a[data-route="/overview"]').click();
		await page.locator('svg.hour-chart').waitFor();
		assert.equal(await page.locator('svg.hour-chart rect.bar').count(), 24);
		const drawn = await page.locator('svg.hour-chart rect.bar').evaluateAll((bars) =>
			bars.reduce((n, b) => n + Number(b.dataset.count), 0));
		assert.ok(drawn >= 1, 'the passage of the first test is drawn');
		await page.locator('[data-testid=history] tbody tr').first().waitFor();
		await page.locator('select[name=action]').selectOption('approve');
		await page.locator('form.filters button[type=submit]').click();
		await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=history] tbody tr')].length > 0);
		const href = await page.locator('[data-action=export-history]').getAttribute('href');
		assert.ok(href.includes('action=approve'));
		const xlsx = await page.evaluate(async (u) => {
			const r = await fetch(u);
			const b = new Uint8Array(await r.arrayBuffer());
			return { status: r.status, magic: String.fromCharCode(b[0], b[1]) };
		}, href);
		assert.deepEqual(xlsx, { status: 200, magic: 'PK' });
		await shot(page, 'overview');
	});

	step('reject with a reason → correct → submit again', async (page) => {
		await login(page, 'demo_enterprise');
		const id = await submittedBooking(page, ['新F' + String(10000 + Math.floor(Math.random() * 89999))]);
		await logout(page);

		await login(page, 'demo_warehouse1');
		const row = await approvalsRow(page, id);
		await row.locator('[data-action=reject]').click();
		const dlg = page.locator('dialog[open]');
		await dlg.locator('input[name=reason]').fill('车牌号与报关单不符');
		await dlg.locator('button[type=submit]').click();
		await dlg.waitFor({ state: 'detached' });
		assert.equal((await apiCall(page, 'GET', '/bookings/' + id)).body.state, 'rejected');
		await logout(page);

		await login(page, 'demo_enterprise');
		await page.locator('a[data-testid=notifications-link]').click();
		const note = page.locator('[data-testid=notifications-list] li[data-event=rejected]').first();
		await note.waitFor();
		assert.ok((await note.innerText()).includes('车牌号与报关单不符'));
		await note.locator('a').click();
		await page.locator('[data-action=submit]').waitFor();
		await page.locator('.bfield[data-field="plates"] [name="plates"]').fill('新F' + String(10000 + Math.floor(Math.random() * 89999)));
		await page.locator('[data-action=submit]').click();
		await page.waitForFunction(() => !document.querySelector('[data-action=submit]'));
		assert.equal((await apiCall(page, 'GET', '/bookings/' + id)).body.state, 'submitted');
		await shot(page, 'resubmitted');
	});
});
