// Shared by the browser tests: the server run.sh started, the demo accounts it printed,
// Chromium through playwright-core, and small helpers for signing in and looking at pages.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { it } from 'node:test';
import assert from 'node:assert/strict';

export const BASE = process.env.KOUAN_E2E_BASE;
export const ARTIFACTS = process.env.KOUAN_E2E_ARTIFACTS || path.join(import.meta.dirname || '.', 'artifacts');
const ACCOUNTS_FILE = process.env.KOUAN_E2E_ACCOUNTS;
if (!BASE || !ACCOUNTS_FILE)
	throw new Error('run the browser tests through tests/e2e/run.sh (KOUAN_E2E_BASE and KOUAN_E2E_ACCOUNTS unset)');
export const ACCOUNTS = JSON.parse(fs.readFileSync(ACCOUNTS_FILE, 'utf8'));

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

// A fresh browser with its own profile. The browser's time zone is far from Beijing on purpose,
// so times that show as Beijing time prove the page does not use the browser's zone.
export async function launch() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kouan-chromium-'));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: process.env.KOUAN_CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		viewport: DESKTOP,
		timezoneId: 'America/Los_Angeles',
		locale: 'en-US',
	});
	context.setDefaultTimeout(10000);
	const page = context.pages()[0] || await context.newPage();
	const problems = [];
	page.on('pageerror', (e) => problems.push('page error: ' + e.message));
	page.on('console', (m) => {
		// Chromium logs every 4xx answer (401 signed out, 422 refused input); those are answers the
		// tests provoke, not faults of the page. Script errors and 5xx answers are.
		if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
			problems.push('console error: ' + m.text());
	});
	return {
		context, page, problems,
		async close() {
			await context.close();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

// Start each test signed out, in Chinese, at desktop size.
export async function reset(b) {
	await b.context.clearCookies();
	await b.page.setViewportSize(DESKTOP);
	await b.page.goto(BASE + '/');
	await b.page.evaluate(() => localStorage.clear());
	await b.page.goto(BASE + '/#/');
	await signInForm(b.page).locator('input[name=username]').waitFor();
}

export async function shot(page, name) {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	await page.screenshot({ path: path.join(ARTIFACTS, name + '.png'), fullPage: true });
}

// The sign-in form itself: other pages (the users page, the registration page) have username and
// password fields too, and may still be on screen while the sign-in page is coming.
export const signInForm = (page) => page.locator('form[aria-labelledby=login-heading]');

// Fill the sign-in form and submit; does not wait for the outcome.
export async function submitLogin(page, username, password) {
	const form = signInForm(page);
	await form.locator('input[name=username]').fill(username);
	await form.locator('input[name=password]').fill(password);
	await form.locator('button[type=submit]').click();
}

export async function login(page, username, password = ACCOUNTS[username].password) {
	await submitLogin(page, username, password);
	await page.locator('nav.nav').waitFor({ state: 'attached' });
}

export async function logout(page) {
	// On a phone, signing out is inside the folded menu.
	const toggle = page.locator('button.menu-toggle');
	if (await toggle.isVisible() && await toggle.getAttribute('aria-expanded') !== 'true')
		await toggle.click();
	await page.locator('button.logout').click();
	await signInForm(page).locator('input[name=username]').waitFor();
}

// The text of the visible error alert (waits for one to appear).
export async function alertText(page) {
	const alert = page.locator('[role=alert]:not(:empty)').first();
	await alert.waitFor();
	return (await alert.innerText()).trim();
}

// How many CSS pixels the page is wider than the viewport (0 = no horizontal scrolling).
export function overflow(page) {
	return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// Form controls on the page that no <label> names.
export function unlabelled(page) {
	return page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
		.filter((e) => !e.hidden && e.type !== 'hidden' && (!e.labels || e.labels.length === 0))
		.map((e) => e.name || e.outerHTML));
}

// Call the API from inside the page, with its session cookie and CSRF token (for test setup).
export function apiCall(page, method, apiPath, body) {
	return page.evaluate(async ({ method, apiPath, body }) => {
		const me = await fetch('/api/v1/me').then((r) => r.json());
		const res = await fetch('/api/v1' + apiPath, {
			method,
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token || '' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : null };
	}, { method, apiPath, body });
}

// 'e2e_<suffix>_<random>': names that cannot collide between runs or tests.
export function uniqueName(suffix) {
	return `e2e_${suffix}_${Math.random().toString(36).slice(2, 8)}`;
}

// The same instant written as Beijing wall-clock time, computed without Intl: UTC+8, no DST.
export function beijing(iso) {
	return new Date(Date.parse(iso) + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

// A browser test step: a fresh page, the steps' own work, a screenshot named FAIL-… when it throws, and no
// error on the page allowed. browser() gives the suite's browser (launched in its before hook).
export function stepper(browser, prefix = '') {
	return (name, fn) => it(name, async () => {
		const b = browser();
		await reset(b);
		b.problems.length = 0;
		try {
			await fn(b.page);
		} catch (err) {
			const max = prefix ? 50 : 60;
			await shot(b.page, 'FAIL-' + prefix + name.replace(/\W+/g, '_').slice(0, max)).catch(() => {});
			throw err;
		}
		assert.deepEqual(b.problems, [], 'errors on the page');
	});
}
