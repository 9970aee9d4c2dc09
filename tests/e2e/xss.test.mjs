// Script in names and remarks (issue 14, item 5): markup put into an organisation's name, a user name,
// a site's name and a booking's remarks must show as text on every page that shows them, and no
// script may run. Every page of every role is opened, with the booking that carries the markup.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, logout, apiCall, stepper, shot } from './lib.mjs';

let b;
const step = stepper(() => b, 'xss-');
const BEIJING_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

// Markup that runs if it is ever parsed as HTML: it records which field it came from.
const payload = (tag) => `<img src=x onerror="window.__xss='${tag}'"><script>window.__xss='${tag}'</script>` +
	`<svg onload="window.__xss='${tag}'">`;
// Names are short: the image alone.
const shortPayload = (tag) => `<img src=x onerror=window.__xss='${tag}'>`;
const SEEN = 'onerror=';	// what the text shows when the markup is escaped

function tomorrow() {
	return new Date(Date.now() + BEIJING_MS + DAY_MS).toISOString().slice(0, 10);
}

function freshNumber() {
	return '94022026' + '0' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
}

// Requests of the page still running (fetches the pages make as they draw).
function trackRequests(page) {
	const state = { n: 0 };
	page.on('request', () => { state.n++; });
	page.on('requestfinished', () => { state.n--; });
	page.on('requestfailed', () => { state.n--; });
	return state;
}

// Open route and wait until it has drawn: no loading line, no request running.
async function open(page, inflight, route) {
	await page.goto(new URL(page.url()).origin + '/#' + route);
	await page.locator('main').waitFor();
	await page.waitForFunction(() => !document.querySelector('main .loading'));
	while (inflight.n > 0)	// a condition looked at, not a pace
		await new Promise((r) => setTimeout(r, 20));
	await page.waitForFunction(() => !document.querySelector('main .loading'));
	// images that failed have fired their error handlers by the next frame and task
	await page.waitForFunction(() => [...document.images].every((i) => i.complete));
	await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
}

// Every page the role's menu offers, then the extra ones; none may run the markup.
async function visitAll(page, inflight, extra, mustShow, dialogs) {
	const routes = await page.locator('nav.nav a[data-route]').evaluateAll((as) => as.map((a) => a.dataset.route));
	const seen = {};
	for (const route of [...new Set([...routes, ...extra])]) {
		await open(page, inflight, route);
		const ran = await page.evaluate(() => window.__xss);
		if (ran !== undefined)
			await shot(page, 'FAIL-xss-' + route.replace(/\W+/g, '_'));
		assert.equal(ran, undefined, `markup from ${ran} ran on ${route}`);
		assert.equal(await page.locator('main img[src=x], main svg[onload], main script').count(), 0, route);
		seen[route] = (await page.locator('body').innerText()).includes(SEEN);
	}
	for (const route of mustShow)
		assert.ok(seen[route], `${route} shows the hostile text as text`);
	assert.deepEqual(dialogs, []);
	return seen;
}

describe('Markup in names and remarks', () => {
	before(async () => {
		b = await launch();
	});
	after(async () => {
		if (b)
			await b.close();
	});

	step('shown as text on every page of every role, never run', async (page) => {
		const inflight = trackRequests(page);
		const dialogs = [];
		page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
		const suffix = Math.random().toString(36).slice(2, 8);
		const password = 'Xss-e2e-' + suffix + '-pass';

		// The bureau makes a site named with markup.
		await login(page, 'demo_bureau');
		const site = await apiCall(page, 'POST', '/sites', { name: shortPayload('site') + suffix });
		assert.equal(site.status, 201, JSON.stringify(site.body));
		await logout(page);

		// The administrator makes an enterprise whose name is markup; a user name with markup is refused.
		await login(page, 'demo_admin');
		const badName = await apiCall(page, 'POST', '/users', { username: shortPayload('user'), password, role: 'gate' });
		assert.equal(badName.status, 422, 'user names cannot carry markup: ' + JSON.stringify(badName.body));
		const username = 'e2e_xss_' + suffix;
		const made = await apiCall(page, 'POST', '/users',
			{ username, password, role: 'enterprise', organisation: shortPayload('org') + suffix });
		assert.equal(made.status, 201, JSON.stringify(made.body));
		await visitAll(page, inflight, [], ['/users'], dialogs);
		await logout(page);

		// Its user books with markup in the remarks, at the marked-up site, and submits.
		await login(page, username, password);
		const opt = async (list) => (await apiCall(page, 'GET', '/options/' + list)).body.items
			.find((i) => !i.disabled && i.code !== 'ecommerce_list').value;
		const booking = await apiCall(page, 'POST', '/bookings', { kind: 'heavy_truck' });
		assert.equal(booking.status, 201);
		const id = booking.body.id;
		const patch = await apiCall(page, 'PATCH', '/bookings/' + id, {
			is_transit: true, declaration_no: freshNumber(), plates: ['新F' + String(10000 + Math.floor(Math.random() * 89999))],
			truck_count: 1, clearance_mode: await opt('clearance_mode'), cargo_type: await opt('cargo_type'),
			customs_warehouse: await opt('customs_warehouse'), contact: '13912345678', remarks: payload('remarks'),
			transshipment_site_id: site.body.id, crossing_date: tomorrow(),
		});
		assert.equal(patch.status, 200, JSON.stringify(patch.body));
		const sent = await apiCall(page, 'POST', '/bookings/' + id + '/submit');
		assert.equal(sent.status, 200, JSON.stringify(sent.body));
		await visitAll(page, inflight, ['/booking?id=' + id, '/notifications'], ['/booking?id=' + id], dialogs);
		await logout(page);

		// The bureau sees the booking, the organisation and the site everywhere.
		await login(page, 'demo_bureau');
		await visitAll(page, inflight, ['/booking?id=' + id, '/notifications'], ['/sites', '/booking?id=' + id], dialogs);
		await logout(page);

		// A warehouse, a gate: their pages too.
		for (const user of ['demo_warehouse1', 'demo_gate']) {
			await login(page, user);
			await visitAll(page, inflight, user === 'demo_gate' ? [] : ['/booking?id=' + id], [], dialogs);
			await logout(page);
		}
	});
});
