// Times, in Chromium, a keystroke in a vehicle row of a 300-row commodity-vehicle booking until the
// row is updated and the next frame is drawn (goal: p99 ≤ 50 ms), beside the same measure for a lone
// field of the same page (what the browser and machine cost anyway). Starts `kouan serve --demo` on a
// free 127.0.0.1 port with a fresh SQLite database, makes the booking through the API as
// demo_enterprise, types into rows spread over the table, and prints p50 / p99 / max.
//   node bench/booking_rows.mjs [BUILD_DIR]      (default build; needs tests/e2e's npm ci)
// Not part of the test suite.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(ROOT, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');

const ROWS = 300;
const KEYSTROKES = 200;         // in rows spread over the table, and as many in the baseline field
const WARMUP = 20;
const GOAL_MS = 50;
const START_TIMEOUT_MS = 60000;
const P50 = 0.5;
const P99 = 0.99;
const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VIN_VALUE = 'ABCDEFGHJKLMNPRSTUVWXYZ'.split('').reduce((m, c, i) => {
	m[c] = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9][i];
	return m;
}, {});

// A valid VIN (check digit right) made from a row number.
function vinFor(i) {
	const body = ('LS4ASB3R0SE' + String(100000 + i)).split('');
	let sum = 0;
	body.forEach((c, k) => {
		sum += (c >= '0' && c <= '9' ? Number(c) : VIN_VALUE[c]) * VIN_WEIGHTS[k];
	});
	const r = sum % 11;
	body[8] = r === 10 ? 'X' : String(r);
	return body.join('');
}

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

// Start the server; resolves with {proc, base, accounts} once it prints its listening line.
async function startServer(bin, dir) {
	const port = await freePort();
	const proc = spawn(bin, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--db', `sqlite:${dir}/kouan.db`],
		{ stdio: ['ignore', 'ignore', 'pipe'] });
	const accounts = {};
	let err = '';
	await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('the server did not start:\n' + err)), START_TIMEOUT_MS);
		proc.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${err}`)));
		proc.stderr.on('data', (chunk) => {
			err += chunk;
			for (const m of err.matchAll(/^demo-account username=(\S+) role=(\S+) password=(\S+)$/gm))
				accounts[m[1]] = m[3];
			if (err.includes(`listening addr=127.0.0.1:${port}`)) {
				clearTimeout(timer);
				resolve();
			}
		});
	});
	return { proc, base: `http://127.0.0.1:${port}`, accounts };
}

function quantile(sorted, q) {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function makeBooking(page) {
	return page.evaluate(async ({ rows, vins }) => {
		const me = await fetch('/api/v1/me').then((r) => r.json());
		const call = async (method, p, body) => {
			const res = await fetch('/api/v1' + p, {
				method, body: JSON.stringify(body),
				headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
			});
			if (!res.ok)
				throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
			return res.json();
		};
		const b = await call('POST', '/bookings', { kind: 'commodity_vehicle' });
		const vehicles = vins.slice(0, rows).map((vin, i) => ({
			vin, plate: null, brand: null, colour: null, displacement: '1.5', power: String(80 + (i % 40)), tonnage: null,
		}));
		await call('PATCH', '/bookings/' + b.id, { vehicles });
		return b.id;
	}, { rows: ROWS, vins: Array.from({ length: ROWS }, (_, i) => vinFor(i)) });
}

// In the page: from keydown to the frame after the update, for keystrokes in the vehicle rows and,
// as the baseline of the same run, in a lone field of the same form (企业/车主联系方式).
function installProbe(page) {
	return page.evaluate(() => {
		window.__samples = { rows: [], field: [] };
		const probe = (el, list) => el.addEventListener('keydown', () => {
			const t0 = performance.now();
			requestAnimationFrame(() => {
				const ch = new MessageChannel();
				ch.port1.onmessage = () => list.push(performance.now() - t0);
				ch.port2.postMessage(0);
			});
		}, { capture: true });
		probe(document.querySelector("[data-testid=vehicles] .vbody"), window.__samples.rows);
		probe(document.querySelector('[name=contact]'), window.__samples.field);
	});
}

// Focus (which may scroll the rows), let two frames pass so the scroll is drawn, then time the key.
async function type(page, locator, key, list, n) {
	await locator.focus();
	await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
	await page.keyboard.press(key);
	await page.waitForFunction(({ list, n }) => window.__samples[list].length >= n, { list, n });
}

function summary(name, all) {
	const samples = all.slice(WARMUP).sort((a, b) => a - b);
	return `${name}: n=${samples.length} p50=${quantile(samples, P50).toFixed(1)} ms p99=${quantile(samples, P99).toFixed(1)} ms`
		+ ` max=${samples[samples.length - 1].toFixed(1)} ms`;
}

async function main() {
	const build = process.argv[2] || 'build';
	const bin = path.resolve(ROOT, build, 'kouan');
	if (!fs.existsSync(bin)) {
		console.error(`no ${bin}: build first (scripts/build.sh build)`);
		process.exit(2);
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kouan-bench-rows-'));
	const server = await startServer(bin, dir);
	const browser = await chromium.launch({
		executablePath: process.env.KOUAN_CHROMIUM || '/usr/bin/chromium', headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		await page.goto(server.base + '/#/');
		await page.locator('input[name=username]').fill('demo_enterprise');
		await page.locator('input[name=password]').fill(server.accounts.demo_enterprise);
		await page.locator('form button[type=submit]').click();
		await page.locator('nav.nav').waitFor({ state: 'attached' });
		const id = await makeBooking(page);
		await page.goto(`${server.base}/#/booking?id=${id}`);
		await page.locator(`[data-testid=vehicles] .vbody .vrow[data-row="${ROWS - 1}"]`).waitFor({ state: 'attached' });
		await installProbe(page);
		const keys = ['plate', 'displacement', 'vin'];
		const contact = page.locator('[name=contact]');
		for (let i = 0; i < WARMUP + KEYSTROKES; i++) {
			const row = (i * 37) % ROWS;
			const key = keys[i % keys.length];
			const cell = page.locator(`.vrow[data-row="${row}"] [data-key="${key}"]`);
			await type(page, cell, key === 'vin' ? 'Backspace' : VIN_CHARS[i % VIN_CHARS.length], 'rows', i + 1);
			await type(page, contact, String(i % 10), 'field', i + 1);
		}
		const got = await page.evaluate(() => window.__samples);
		console.log(`${summary(`keystroke in a row of ${ROWS} to the updated row`, got.rows)} (goal p99 <= ${GOAL_MS} ms)`);
		console.log(summary('baseline, keystroke in a lone field of the same page', got.field));
	} finally {
		await browser.close();
		server.proc.kill('SIGTERM');
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
