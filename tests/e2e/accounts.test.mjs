// Accounts (issue 16) in Chromium against the real server: an enterprise applies from the public
// page reached from the sign-in page, a first login is refused while the application waits, the
// applicant looks at the state with the token shown once, the bureau approves it on its review page,
// and the first user signs in; it adds a clerk to its organisation, issues a reset code, and the
// clerk sets a password with it on the public reset page and signs in. Also in Russian: the application page's labels.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, reset, shot, login, logout, alertText, submitLogin, unlabelled, stepper } from './lib.mjs';

const USCC_SET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_BODY = 17;
const USCC_MOD = 31;
const PASSWORD = 'correct horse 9';

let b;

const step = stepper(() => b);

// GB 32100: the 18th character from the first 17 (computed here, independently of the server).
function uscc() {
	const body = '91650000MA' + String(Date.now() % 1e7).padStart(7, '0');
	let weight = 1;
	let sum = 0;
	for (const ch of body) {
		sum += USCC_SET.indexOf(ch) * weight;
		weight = (weight * 3) % USCC_MOD;
	}
	const c = USCC_MOD - (sum % USCC_MOD);
	assert.equal(body.length, USCC_BODY);
	return body + USCC_SET[c === USCC_MOD ? 0 : c];
}

async function fill(page, name, value) {
	await page.locator(`[data-testid=register-form] [name=${name}]`).fill(value);
}

describe('accounts', () => {
	before(async () => { b = await launch(); });
	after(async () => { await b.close(); });

	step('an application from the public page, reviewed, then a first login', async (page) => {
		const user = 'reg' + String(Date.now() % 1e9);
		const org = '丝路测试贸易有限公司' + user;
		await page.locator('[data-testid=to-register]').click();
		await page.locator('[data-testid=register-form]').waitFor();
		assert.deepEqual(await unlabelled(page), []);
		await fill(page, 'organisation', org);
		await fill(page, 'uscc', uscc());
		await fill(page, 'contact_name', '王芳');
		await fill(page, 'contact_phone', '13912345678');
		await fill(page, 'username', user);
		await fill(page, 'password', PASSWORD);
		await page.locator('[data-testid=register-form] button[type=submit]').click();
		await page.locator('[data-testid=register-done]').waitFor();
		const token = (await page.locator('[data-testid=reg-token]').innerText()).trim();
		assert.match(token, /^[0-9a-f]{64}$/);
		await page.locator('[data-testid=registration-status] button[type=submit]').click();
		await page.locator('[data-testid=registration-status] [role=status]:not(:empty)').waitFor();
		assert.match(await page.locator('[data-testid=registration-status] [role=status]').innerText(), /等待审核/);

		await reset(b);
		await submitLogin(page, user, PASSWORD);
		assert.match(await alertText(page), /等待口岸管理部门审核/);

		await reset(b);
		await login(page, 'demo_bureau');
		await page.goto(page.url().split('#')[0] + '#/registrations');
		const row = page.locator('[data-testid=registrations] tr', { hasText: org });
		await row.waitFor();
		await row.locator('button.btn-primary').click();
		await page.locator('dialog.dialog button[type=submit]').click();
		await page.locator('[role=status]:not(:empty)').first().waitFor();
		await row.waitFor({ state: 'detached' });
		await page.goto(page.url().split('#')[0] + '#/account-audit');
		await page.locator('[data-testid=account-audit] tr', { hasText: '通过申请' }).first().waitFor();
		await logout(page);

		await login(page, user, PASSWORD);

		// the first user administers its organisation: a new clerk gets a reset code and sets a password
		const clerk = user + 'c';
		await page.goto(page.url().split('#')[0] + '#/org-users');
		await page.locator('[data-action=add-user]').click();
		await page.locator('dialog.dialog input[name=username]').fill(clerk);
		await page.locator('dialog.dialog button[type=submit]').click();
		const clerkRow = page.locator(`[data-testid=org-users] tr[data-user="${clerk}"]`);
		await clerkRow.locator('[data-action=reset-code]').click();
		const code = (await page.locator('[data-testid=reset-code]').innerText()).trim();
		assert.match(code, /^[2-9A-Z]{10}$/);
		await logout(page);
		await page.locator('[data-testid=to-reset]').click();
		await page.locator('[data-testid=reset-form] [name=username]').fill(clerk);
		await page.locator('[data-testid=reset-form] [name=code]').fill(code);
		await page.locator('[data-testid=reset-form] [name=password]').fill(PASSWORD + 'x');
		await page.locator('[data-testid=reset-form] button[type=submit]').click();
		await page.locator('[data-testid=reset-form] [role=status]:not(:empty)').waitFor();
		await page.locator('[data-testid=back-to-login]').click();
		await login(page, clerk, PASSWORD + 'x');
	});

	step('the application page in Russian', async (page) => {
		await page.evaluate(() => localStorage.setItem('kouan.lang', 'ru'));
		await page.reload();
		await page.locator('[data-testid=to-register]').click();
		assert.equal((await page.locator('main h1').innerText()).trim(), 'Заявка на регистрацию');
		await page.locator('[data-testid=register-form] button[type=submit]').click();
		assert.match(await alertText(page), /Данные заполнены неверно/);
	});
});
