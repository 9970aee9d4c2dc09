// Crossing capacity in Chromium (issue 11): the booking form's calendar strip shows the coming days'
// free places; choosing a date and submitting lowers that date's free count; the bureau's capacity
// page sets a date and shows it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, reset, shot, login, apiCall, stepper } from './lib.mjs';
import { loadTables } from './tables.mjs';

let b;
let T;

const step = stepper(() => b, 'capacity-');

const input = (page, key) => page.locator(`.bfield[data-field="${key}"] [name="${key}"]`);
const dialog = (page) => page.locator('dialog[open]');

async function firstChoice(page, key) {
	const select = input(page, key);
	const value = await select.locator('option').nth(1).getAttribute('value');
	await select.selectOption(value);
}

function freshNumber() {
	return '94022026' + '0' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
}

// The free count a strip day shows, as the page's data attribute says.
async function freeOf(page, date) {
	return Number(await page.locator(`[data-testid=capacity-strip] .strip-day[data-date="${date}"]`).getAttribute('data-free'));
}

describe('Crossing capacity', () => {
	before(async () => {
		T = await loadTables();
		b = await launch();
	});
	after(async () => {
		if (b)
			await b.close();
	});

	step('choosing a date in the strip, submitting, and seeing its free places go down', async (page) => {
		await login(page, 'demo_enterprise');
		await page.locator('nav.nav a[data-route="/bookings"]').click();
		await page.locator('[data-action="new-heavy_truck"]').click();
		await dialog(page).waitFor();
		await dialog(page).locator('[data-action=cancel]').click();
		await dialog(page).waitFor({ state: 'detached' });
		// The strip: the coming days with free/total, Beijing dates.
		const strip = page.locator('[data-testid=capacity-strip]');
		await strip.locator('.strip-day').first().waitFor();
		assert.ok(await strip.locator('.strip-day').count() >= 10);
		// A day far enough out that the other browser tests do not book it.
		const day = strip.locator('.strip-day:not([disabled])').nth(5);
		const date = await day.getAttribute('data-date');
		const before = await freeOf(page, date);
		assert.ok(before > 2);
		assert.match(await day.innerText(), new RegExp(`${before}\\s*/\\s*\\d+`));
		await day.click();
		assert.equal(await day.getAttribute('aria-checked'), 'true');
		await input(page, 'is_transit').selectOption('true');
		await input(page, 'declaration_no').fill(freshNumber());
		await input(page, 'plates').fill('新F23456, 新F34567, 新F3333挂');
		await input(page, 'truck_count').fill('2');
		for (const key of ['clearance_mode', 'cargo_type', 'customs_warehouse', 'transshipment_site_id'])
			await firstChoice(page, key);
		await input(page, 'contact').fill('13912345678');
		await page.locator('[data-action=submit]').click();
		await page.waitForFunction(() => !document.querySelector('[data-action=submit]'));
		// The booking page again: its date is chosen, and two trucks fewer are free.
		await page.locator(`[data-testid=capacity-strip] .strip-day[data-date="${date}"].is-chosen`).waitFor();
		await page.waitForFunction(({ d, want }) => {
			const el = document.querySelector(`[data-testid=capacity-strip] .strip-day[data-date="${d}"]`);
			return el && Number(el.dataset.free) === want;
		}, { d: date, want: before - 2 });
		const id = Number(/id=(\d+)/.exec(page.url())[1]);
		const api = (await apiCall(page, 'GET', '/bookings/' + id)).body;
		assert.equal(api.state, 'submitted');
		assert.equal(api.crossing_date, date);
		await shot(page, 'capacity-strip-after-submit');
	});

	step('the bureau sets a date on the capacity page', async (page) => {
		await login(page, 'demo_bureau');
		await page.locator('nav.nav a[data-route="/capacity"]').click();
		const month = page.locator('[data-testid=capacity-month]');
		await month.waitFor();
		const row = month.locator('tbody tr').nth(8);
		const date = await row.getAttribute('data-date');
		await row.locator('input[type=number]').fill('77');
		// The typed value is in the field before the save: wait for the server's answer to the save itself.
		const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && /\/api\/v1\/capacity(\?|$)/.test(r.url()));
		await row.locator('button', { hasText: T.zh['common.save'] }).click();
		assert.equal((await saved).status(), 200);
		await page.waitForFunction((d) => {
			const r = document.querySelector(`[data-testid=capacity-month] tr[data-date="${d}"] input[type=number]`);
			return r && r.value === '77';
		}, date);
		const api = (await apiCall(page, 'GET', `/capacity?kind=heavy_truck&from=${date}&to=${date}`)).body;
		assert.equal(api.days[0].capacity, 77);
		assert.equal(api.days[0].explicit, true);
		await shot(page, 'capacity-bureau-page');
	});
});
