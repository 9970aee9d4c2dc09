// The second factor (issue 16) in Chromium against the real server: a gate user the administrator
// makes for this test (the demo accounts keep none) sets up an authenticator on its page — QR code,
// a first code, ten recovery codes shown once — then signs out and in again with a code computed here
// (RFC 6238 with node's HMAC-SHA1, independently of the server's liboath); the same code again is
// refused; a recovery code works; the prompt and the page in Russian. The bureau's per-role rule is on
// its approvals page, off by default.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { launch, login, logout, submitLogin, apiCall, uniqueName, unlabelled, alertText, stepper, ACCOUNTS } from './lib.mjs';

const PASSWORD = 'correct horse 9';
const STEP_S = 30;
const DIGITS = 6;
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const RECOVERY_CODES = 10;

function base32(text) {
	let bits = 0;
	let acc = 0;
	const out = [];
	for (const ch of text) {
		acc = (acc << 5) | B32.indexOf(ch);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out.push((acc >> bits) & 0xff);
		}
	}
	return Buffer.from(out);
}

// RFC 4226/6238: HMAC-SHA1 over the big-endian step, dynamic truncation, the last six digits.
function totp(secret, offsetS = 0) {
	const step = Math.floor((Date.now() / 1000 + offsetS) / STEP_S);
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = crypto.createHmac('sha1', base32(secret)).update(msg).digest();
	const at = mac[mac.length - 1] & 0xf;
	const n = mac.readUInt32BE(at) & 0x7fffffff;
	return String(n % 10 ** DIGITS).padStart(DIGITS, '0');
}

let b;
let gateUser = '';
let secret = '';
let recovery = [];

const step = stepper(() => b, 'totp-');

async function sendCode(page, code) {
	const form = page.locator('[data-testid=second-step] form');
	await form.locator('[data-testid=totp-code]').fill(code);
	await form.locator('button[type=submit]').click();
}

describe('second factor', () => {
	before(async () => { b = await launch(); });
	after(async () => { await b.close(); });

	step('a gate user sets up an authenticator: QR code, first code, ten recovery codes', async (page) => {
		await login(page, 'demo_admin');
		gateUser = uniqueName('gate');
		const made = await apiCall(page, 'POST', '/users', { username: gateUser, role: 'gate', password: PASSWORD });
		assert.equal(made.status, 201, JSON.stringify(made.body));
		await logout(page);
		await login(page, gateUser, PASSWORD);	// nothing enrolled: the password is enough
		await page.goto(page.url().replace(/#.*$/, '#/second-factor'));
		await page.locator('[data-testid=totp-state]').waitFor();
		await page.locator('[data-action=enrol]').click();
		await page.locator('[data-testid=totp-qr]').waitFor();
		assert.match(await page.locator('[data-testid=totp-qr]').getAttribute('src'), /^data:image\/svg\+xml/);
		assert.ok(await page.locator('[data-testid=totp-qr]').evaluate((img) => img.complete && img.naturalWidth > 0));
		secret = (await page.locator('[data-testid=totp-secret]').innerText()).trim();
		assert.match(secret, /^[A-Z2-7]{32}$/);
		assert.deepEqual(await unlabelled(page), []);
		await page.locator('[data-testid=totp-code]').fill(totp(secret));
		await page.locator('form button[type=submit]').click();
		await page.locator('[data-testid=recovery-codes]').waitFor();
		recovery = await page.locator('[data-testid=recovery-codes] li').allInnerTexts();
		assert.equal(recovery.length, RECOVERY_CODES);
		assert.equal(new Set(recovery).size, RECOVERY_CODES);
		await page.locator('[data-action=done]').click();
		await page.locator('[data-action=remove]').waitFor();
		assert.match(await page.locator('[data-testid=totp-state]').innerText(), /10/);
	});

	step('signing in asks for the code, computed here; the same code again is refused', async (page) => {
		assert.ok(secret, 'the enrolment step ran');
		await submitLogin(page, gateUser, PASSWORD);
		await page.locator('[data-testid=second-step]').waitFor();
		const code = totp(secret, STEP_S);	// the enrolment used this step's code: the next step's is new
		await sendCode(page, code);
		await page.locator('nav.nav').waitFor({ state: 'attached' });
		await logout(page);
		await submitLogin(page, gateUser, PASSWORD);
		await page.locator('[data-testid=second-step]').waitFor();
		await sendCode(page, code);
		assert.match(await alertText(page), /验证码错误或已使用过/);
		await sendCode(page, recovery[0].toLowerCase());
		await page.locator('nav.nav').waitFor({ state: 'attached' });
	});

	step('in Russian: the code prompt, a recovery code, the set-up page', async (page) => {
		assert.ok(recovery.length, 'the enrolment step ran');
		await page.evaluate(() => localStorage.setItem('kouan.lang', 'ru'));
		await page.reload();
		await submitLogin(page, gateUser, PASSWORD);
		await page.locator('[data-testid=second-step]').waitFor();
		assert.match(await page.locator('[data-testid=second-step]').innerText(), /Пароль верен/);
		await sendCode(page, 'ZZZZZ-ZZZZZ');
		assert.match(await alertText(page), /Код неверен или уже использован/);
		await sendCode(page, recovery[1]);
		await page.locator('nav.nav').waitFor({ state: 'attached' });
		await page.goto(page.url().replace(/#.*$/, '#/second-factor'));
		await page.locator('[data-testid=totp-state]').waitFor();
		assert.equal((await page.locator('main h1').innerText()).trim(), 'Двухфакторный вход');
		assert.match(await page.locator('[data-testid=totp-state]').innerText(), /Осталось кодов восстановления: 8/);
	});

	step('the bureau sees the per-role rule on its approvals page, all off', async (page) => {
		await login(page, 'demo_bureau', ACCOUNTS.demo_bureau.password);
		await page.goto(page.url().replace(/#.*$/, '#/approvals'));
		const rule = page.locator('[data-testid=second-factor-rule]');
		await rule.waitFor();
		const boxes = rule.locator('input[type=checkbox]');
		assert.equal(await boxes.count(), 4);
		for (const role of ['bureau', 'warehouse', 'gate', 'admin'])
			assert.equal(await rule.locator(`input[data-role=${role}]`).isChecked(), false);
		assert.deepEqual(await unlabelled(page), []);
	});
});
