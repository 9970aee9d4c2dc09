// The web pages in Chromium against the real server (started by run.sh with --demo).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	ACCOUNTS, PHONE, launch, reset, shot, submitLogin, login, logout, alertText, overflow,
	unlabelled, apiCall, uniqueName, beijing, stepper } from './lib.mjs';
import { loadTables } from './tables.mjs';

// The navigation each role must see, in order, and no other.
const NAV = {
	enterprise: ['/', '/bookings', '/password'],
	warehouse: ['/', '/approvals', '/password', '/second-factor'],
	gate: ['/', '/gate', '/password', '/second-factor'],
	bureau: ['/', '/master-data', '/capacity', '/approvals', '/sites', '/registrations', '/account-audit', '/overview', '/password',
		'/second-factor'],
	admin: ['/', '/users', '/password', '/second-factor'],
};
const NAV_KEY = { '/': 'nav.home', '/bookings': 'nav.bookings', '/users': 'nav.users', '/master-data': 'nav.master_data', '/capacity': 'nav.capacity',
	'/approvals': 'nav.approvals', '/sites': 'nav.sites', '/registrations': 'nav.registrations', '/account-audit': 'nav.account_audit', '/overview': 'nav.overview', '/gate': 'nav.gate', '/password': 'nav.password',
	'/second-factor': 'nav.second_factor' };
const CJK = /[\u4e00-\u9fff]/;
const CYRILLIC = /[А-Яа-яЁё]/;

let b;      // the browser
let T;      // the string tables, T.zh['nav.home']

// Each test starts signed out in Chinese; on failure a screenshot is kept, and any script error
// or console error on the page fails the test.
const step = stepper(() => b);

const navRoutes = (page) => page.$$eval('nav.nav a', (as) => as.map((a) => a.dataset.route));
const text = async (locator) => (await locator.innerText()).trim();
const heading = (page) => page.locator('main h1');
const row = (page, username) => page.locator(`tr[data-username="${username}"]`);

async function openUsers(page) {
	await page.locator('nav.nav a[data-route="/users"]').click();
	await page.locator('table tbody tr').first().waitFor();
}

async function waitHeading(page, want) {
	await page.waitForFunction((w) => {
		const h = document.querySelector('main h1');
		return h && h.textContent.trim() === w;
	}, want);
}

describe('Kouan web pages', () => {
	before(async () => {
		T = await loadTables();
		b = await launch();
	});
	after(async () => {
		if (b)
			await b.close();
	});

	step('each demo role sees its own navigation, and signing out ends the session', async (page) => {
		for (const [username, account] of Object.entries(ACCOUNTS)) {
			await login(page, username);
			assert.deepEqual(await navRoutes(page), NAV[account.role], `navigation of ${username}`);
			const labels = await page.$$eval('nav.nav a', (as) => as.map((a) => a.textContent.trim()));
			assert.deepEqual(labels, NAV[account.role].map((r) => T.zh[NAV_KEY[r]]));
			assert.equal(await text(page.locator('[data-testid=user-name]')), username);
			assert.equal(await text(page.locator('[data-testid=home-role]')), T.zh['role.' + account.role]);
			assert.equal(await text(heading(page)), T.zh['home.welcome'].replace('{name}', username));
			assert.equal(await text(page.locator('.duty p')), T.zh['home.duty.' + account.role]);
			assert.equal(await page.locator('nav.nav a[aria-current=page]').getAttribute('data-route'), '/');
			await shot(page, `role-${username}`);

			// A page of another role is not reachable by typing its address either.
			const foreign = account.role === 'admin' ? '/master-data' : '/users';
			await page.goto(page.url().split('#')[0] + '#' + foreign);
			await waitHeading(page, T.zh['common.not_found']);

			await logout(page);
			const status = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.status));
			assert.equal(status, 401, `the session of ${username} still answers after sign-out`);
			await page.reload();
			await page.locator('form input[name=username]').waitFor();
			assert.equal(await page.locator('nav.nav').count(), 0);
		}
	});

	step('a session that ends elsewhere brings back the sign-in page with a notice', async (page) => {
		await login(page, 'demo_admin');
		// The session ends behind the page's back (as when it expires on the server).
		assert.equal((await apiCall(page, 'DELETE', '/session')).status, 204);
		await page.locator('nav.nav a[data-route="/users"]').click();
		assert.equal(await alertText(page), T.zh['app.session_expired']);
		assert.equal(await page.locator('nav.nav').count(), 0);
		// Signing in again returns to the page that was asked for.
		await login(page, 'demo_admin');
		await waitHeading(page, T.zh['users.heading']);
	});

	step('the bureau sees the option lists and the transshipment sites', async (page) => {
		await login(page, 'demo_bureau');
		await page.locator('nav.nav a[data-route="/master-data"]').click();
		await waitHeading(page, T.zh['master.heading']);
		for (const list of ['clearance_mode', 'cargo_type', 'customs_warehouse', 'usage_type', 'fuel_type']) {
			const api = await apiCall(page, 'GET', '/options/' + list);
			assert.equal(api.status, 200);
			const card = page.locator(`[data-list="${list}"]`);
			const inputs = card.locator('.option-item input[name=value]');
			await inputs.first().waitFor();
			assert.equal(await text(card.locator('h2')), T.zh['master.list.' + list]);
			const shown = await inputs.evaluateAll((els) => els.map((e) => e.value));
			assert.deepEqual(shown, api.body.items.map((i) => i.value));
		}
		const sites = (await apiCall(page, 'GET', '/sites')).body.sites;
		const siteRows = page.locator('[data-list="sites"] tbody tr');
		await siteRows.first().waitFor();
		assert.equal(await siteRows.count(), sites.length);
		for (const [i, site] of sites.entries()) {
			assert.equal(await text(siteRows.nth(i).locator('th')), site.name);
			assert.equal(await text(siteRows.nth(i).locator('td')), T.zh['master.kind.' + site.kind]);
		}
		assert.deepEqual(await unlabelled(page), []);
		await shot(page, 'master-data');
	});

	step('switching language changes the strings, is saved, and survives a reload', async (page) => {
		await login(page, 'demo_gate');
		const home = page.locator('nav.nav a[data-route="/"]');
		assert.equal(await text(home), T.zh['nav.home']);
		assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');

		await page.locator('.lang-switch [data-lang=ru]').click();
		await page.waitForFunction((w) => document.querySelector('nav.nav a')?.textContent === w, T.ru['nav.home']);
		assert.equal(await page.getAttribute('html', 'lang'), 'ru');
		assert.equal(await page.locator('.lang-switch [data-lang=ru]').getAttribute('aria-pressed'), 'true');
		assert.equal(await text(heading(page)), T.ru['home.welcome'].replace('{name}', 'demo_gate'));
		assert.equal(await text(page.locator('button.logout')), T.ru['layout.logout']);
		await shot(page, 'lang-ru');

		// Saved with the user, not only in this browser.
		assert.equal((await apiCall(page, 'GET', '/me')).body.lang, 'ru');
		await page.evaluate(() => localStorage.clear());
		await page.reload();
		await page.waitForFunction((w) => document.querySelector('nav.nav a')?.textContent === w, T.ru['nav.home']);

		await page.locator('.lang-switch [data-lang=en]').click();
		await page.waitForFunction((w) => document.querySelector('main h1')?.textContent === w,
			T.en['home.welcome'].replace('{name}', 'demo_gate'));
		assert.equal(await text(page.locator('[data-testid=home-role]')), T.en['role.gate']);
		await shot(page, 'lang-en');
		await page.locator('.lang-switch [data-lang=zh]').click();
		await page.waitForFunction((w) => document.querySelector('nav.nav a')?.textContent === w, T.zh['nav.home']);
		assert.equal((await apiCall(page, 'GET', '/me')).body.lang, 'zh');

		// A language picked on the sign-in page becomes the user's setting.
		await logout(page);
		await page.locator('.lang-switch [data-lang=en]').click();
		await waitHeading(page, T.en['login.heading']);
		await login(page, 'demo_warehouse1');
		assert.equal(await text(page.locator('nav.nav a[data-route="/"]')), T.en['nav.home']);
		assert.equal((await apiCall(page, 'GET', '/me')).body.lang, 'en');
		await page.locator('.lang-switch [data-lang=zh]').click();
		await page.waitForFunction((w) => document.querySelector('nav.nav a')?.textContent === w, T.zh['nav.home']);
	});

	step('a wrong password shows the error in the chosen language', async (page) => {
		const pw = page.locator('input[name=password]');
		await page.locator('.lang-switch [data-lang=ru]').click();
		await waitHeading(page, T.ru['login.heading']);
		await submitLogin(page, 'demo_enterprise', 'not-the-password-1');
		const ru = await alertText(page);
		assert.match(ru, CYRILLIC);
		assert.doesNotMatch(ru, CJK);
		assert.equal(await pw.inputValue(), '');
		assert.equal(await page.evaluate(() => document.activeElement.name), 'password');
		await shot(page, 'login-error-ru');

		await page.locator('.lang-switch [data-lang=en]').click();
		await waitHeading(page, T.en['login.heading']);
		assert.equal(await page.locator('input[name=username]').inputValue(), 'demo_enterprise');
		await submitLogin(page, 'demo_enterprise', 'not-the-password-2');
		const en = await alertText(page);
		assert.match(en, /^[\x20-\x7e]+$/, 'the English message has only ASCII text');
		assert.notEqual(en, ru);

		await page.locator('.lang-switch [data-lang=zh]').click();
		await waitHeading(page, T.zh['login.heading']);
		await submitLogin(page, 'demo_enterprise', 'not-the-password-3');
		assert.match(await alertText(page), CJK);

		// Nothing typed: the page says so itself, in the current language.
		await page.locator('input[name=username]').fill('');
		await page.locator('form button[type=submit]').click();
		assert.equal(await alertText(page), T.zh['login.required']);
		assert.equal(await page.locator('nav.nav').count(), 0);

		await login(page, 'demo_enterprise');
	});

	step('the admin creates a user who signs in, then disables, re-enables and resets it', async (page) => {
		const name = uniqueName('ent');
		const org = 'E2E测试进出口有限公司 ' + name.slice(-6);
		const pw1 = 'Kouan-e2e-' + Math.random().toString(36).slice(2, 10);
		const pw2 = 'Reset-e2e-' + Math.random().toString(36).slice(2, 10);
		assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'America/Los_Angeles');

		await login(page, 'demo_admin');
		await openUsers(page);
		assert.deepEqual(await unlabelled(page), []);
		const form = page.locator('form[aria-label]');
		await form.locator('input[name=username]').fill(name);
		await form.locator('input[name=password]').fill(pw1);
		await form.locator('select[name=role]').selectOption('enterprise');
		// An enterprise user needs an organisation: the server's field error shows beside the field.
		await form.locator('button[type=submit]').click();
		const orgInput = form.locator('input[name=organisation]');
		await page.waitForFunction(() =>
			document.querySelector('input[name=organisation]')?.getAttribute('aria-invalid') === 'true');
		assert.ok((await text(form.locator('.field.invalid .field-error'))).length > 0);
		await shot(page, 'users-field-error');

		await orgInput.fill(org);
		await form.locator('button[type=submit]').click();
		await row(page, name).waitFor();
		assert.equal(await text(form.locator('[role=status]')), T.zh['users.created'].replace('{name}', name));
		const cells = row(page, name).locator('td');
		assert.equal(await text(cells.nth(0)), T.zh['role.enterprise']);
		assert.equal(await text(cells.nth(1)), org);
		assert.equal(await text(cells.nth(2)), T.zh['users.active']);
		// Created at: shown in Beijing time although the browser is in California.
		const iso = await row(page, name).locator('time').getAttribute('datetime');
		assert.ok(iso && !Number.isNaN(Date.parse(iso)), 'created_at is a time');
		assert.equal(await text(row(page, name).locator('time')), beijing(iso));
		await shot(page, 'users-created');
		await logout(page);

		await login(page, name, pw1);
		assert.equal(await text(page.locator('[data-testid=user-org]')), org);
		assert.deepEqual(await navRoutes(page), NAV.enterprise);
		await logout(page);

		await login(page, 'demo_admin');
		await openUsers(page);
		await row(page, name).locator('.row-actions button').first().click();
		const dialog = page.locator('dialog[open]');
		await dialog.waitFor();
		await shot(page, 'users-disable-dialog');
		await dialog.locator('button[type=submit]').click();
		await page.waitForFunction((n) =>
			document.querySelector(`tr[data-username="${n}"]`)?.classList.contains('is-disabled'), name);
		assert.equal(await text(row(page, name).locator('td').nth(2)), T.zh['users.disabled']);
		await logout(page);

		await submitLogin(page, name, pw1);
		assert.ok((await alertText(page)).length > 0);
		assert.equal(await page.locator('nav.nav').count(), 0, 'a disabled user signed in');

		await login(page, 'demo_admin');
		await openUsers(page);
		await row(page, name).locator('.row-actions button').first().click();
		await page.waitForFunction((n) =>
			!document.querySelector(`tr[data-username="${n}"]`)?.classList.contains('is-disabled'), name);
		await row(page, name).locator('.row-actions button').nth(1).click();
		await dialog.waitFor();
		await dialog.locator('input[name=password]').fill(pw2);
		await dialog.locator('button[type=submit]').click();
		await dialog.waitFor({ state: 'detached' });
		await page.waitForFunction((w) => [...document.querySelectorAll('[role=status]')]
			.some((e) => e.textContent.trim() === w), T.zh['users.reset_done'].replace('{name}', name));
		await logout(page);

		await login(page, name, pw2);
		assert.equal(await text(page.locator('[data-testid=user-name]')), name);
	});

	step('a user changes their own password', async (page) => {
		const name = uniqueName('gate');
		const pw1 = 'First-e2e-' + Math.random().toString(36).slice(2, 10);
		const pw2 = 'Second-e2e-' + Math.random().toString(36).slice(2, 10);
		await login(page, 'demo_admin');
		const made = await apiCall(page, 'POST', '/users', { username: name, password: pw1, role: 'gate' });
		assert.equal(made.status, 201, JSON.stringify(made.body));
		await logout(page);

		await login(page, name, pw1);
		await page.locator('nav.nav a[data-route="/password"]').click();
		await waitHeading(page, T.zh['password.heading']);
		assert.deepEqual(await unlabelled(page), []);
		const field = (n) => page.locator(`main input[name=${n}]`);

		// The confirmation differs: caught on the page, beside the field.
		await field('current_password').fill(pw1);
		await field('new_password').fill(pw2);
		await field('confirm_password').fill(pw2 + 'x');
		await page.locator('main button[type=submit]').click();
		await page.waitForFunction(() =>
			document.querySelector('input[name=confirm_password]')?.getAttribute('aria-invalid') === 'true');
		assert.equal(await text(page.locator('.field.invalid .field-error')), T.zh['password.mismatch']);

		// A wrong current password: the server's field error, beside that field.
		await field('current_password').fill('wrong-' + pw1);
		await field('confirm_password').fill(pw2);
		await page.locator('main button[type=submit]').click();
		await page.waitForFunction(() =>
			document.querySelector('input[name=current_password]')?.getAttribute('aria-invalid') === 'true');
		assert.equal(await page.evaluate(() => document.activeElement.name), 'current_password');
		assert.equal(await page.getAttribute('input[name=confirm_password]', 'aria-invalid'), null);
		await shot(page, 'password-error');

		await field('current_password').fill(pw1);
		await page.locator('main button[type=submit]').click();
		await page.waitForFunction((w) => document.querySelector('main [role=status]')?.textContent.trim() === w,
			T.zh['password.done']);
		assert.equal(await field('current_password').inputValue(), '');
		// The session goes on after the change (logging out needs a valid CSRF token).
		assert.equal((await apiCall(page, 'GET', '/me')).status, 200);
		await logout(page);

		await submitLogin(page, name, pw1);
		assert.ok((await alertText(page)).length > 0);
		assert.equal(await page.locator('nav.nav').count(), 0, 'the old password still works');
		await login(page, name, pw2);
	});

	step('at phone width (375×812) nothing overflows and the navigation folds', async (page) => {
		await page.setViewportSize(PHONE);
		for (const lang of ['zh', 'ru', 'en']) {
			await page.locator(`.lang-switch [data-lang=${lang}]`).click();
			await waitHeading(page, T[lang]['login.heading']);
			assert.equal(await overflow(page), 0, `sign-in page overflows in ${lang}`);
		}
		await shot(page, 'phone-login-en');
		await page.locator('.lang-switch [data-lang=zh]').click();
		await waitHeading(page, T.zh['login.heading']);
		await login(page, 'demo_admin');

		const toggle = page.locator('button.menu-toggle');
		assert.ok(await toggle.isVisible(), 'no menu button on a phone');
		assert.equal(await page.locator('nav.nav').isVisible(), false, 'navigation open before asking');
		assert.equal(await overflow(page), 0, 'home overflows');
		await toggle.click();
		assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
		assert.ok(await page.locator('nav.nav').isVisible());
		await shot(page, 'phone-menu-open');
		await page.locator('nav.nav a[data-route="/users"]').click();
		await page.locator('table tbody tr').first().waitFor();
		assert.equal(await page.locator('nav.nav').isVisible(), false, 'menu stays open after choosing');
		assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
		assert.equal(await overflow(page), 0, 'users page overflows');
		await shot(page, 'phone-users-zh');

		for (const lang of ['ru', 'en']) {
			await page.locator(`.lang-switch [data-lang=${lang}]`).click();
			await waitHeading(page, T[lang]['users.heading']);
			await page.locator('table tbody tr').first().waitFor();
			assert.equal(await overflow(page), 0, `users page overflows in ${lang}`);
		}
		await shot(page, 'phone-users-en');
		await page.goto(page.url().split('#')[0] + '#/password');
		await waitHeading(page, T.en['password.heading']);
		assert.equal(await overflow(page), 0, 'password page overflows');
		await page.locator('.lang-switch [data-lang=zh]').click();
		await waitHeading(page, T.zh['password.heading']);
		await logout(page);

		await login(page, 'demo_bureau');
		await page.goto(page.url().split('#')[0] + '#/master-data');
		await page.locator('[data-list="sites"] tbody tr').first().waitFor();
		assert.equal(await overflow(page), 0, 'master data overflows');
		await shot(page, 'phone-master-data');
	});
});
