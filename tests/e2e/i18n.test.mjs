// The three string tables (web/i18n/zh.js, ru.js, en.js) have the same keys, the same {placeholders}
// under each key, no empty strings, and every key the scripts name literally exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WEB, LANGS, loadTable } from './tables.mjs';

const table = loadTable;

function placeholders(s) {
	return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

function scripts(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(dir, e.name);
		return e.isDirectory() ? scripts(p) : p.endsWith('.js') ? [p] : [];
	});
}

test('zh, ru and en have identical keys', async () => {
	const [zh, ru, en] = await Promise.all(LANGS.map(table));
	const keys = Object.keys(zh).sort();
	assert.ok(keys.length > 50, 'the Chinese table looks truncated');
	assert.deepEqual(Object.keys(ru).sort(), keys, 'ru.js keys differ from zh.js');
	assert.deepEqual(Object.keys(en).sort(), keys, 'en.js keys differ from zh.js');
});

test('every string is non-empty and has the same placeholders in each language', async () => {
	const tables = await Promise.all(LANGS.map(table));
	for (const key of Object.keys(tables[0])) {
		const want = placeholders(tables[0][key]);
		tables.forEach((t, i) => {
			assert.equal(typeof t[key], 'string', `${LANGS[i]}.${key} is not a string`);
			assert.ok(t[key].trim().length > 0, `${LANGS[i]}.${key} is empty`);
			assert.deepEqual(placeholders(t[key]), want, `${LANGS[i]}.${key} placeholders differ from zh`);
		});
	}
	// The languages really differ: a table copied from another would pass the key check.
	const differing = Object.keys(tables[0]).filter((k) => tables[1][k] !== tables[0][k] && tables[2][k] !== tables[0][k]);
	assert.ok(differing.length > Object.keys(tables[0]).length * 0.9, 'ru/en look untranslated');
	assert.match(tables[1]['login.submit'], /[А-Яа-яЁё]/);
	assert.match(tables[0]['login.submit'], /[\u4e00-\u9fff]/);
});

test('every key the scripts name literally is in the tables', async () => {
	const zh = await table('zh');
	const prefixes = new Set(Object.keys(zh).map((k) => k.split('.')[0]));
	const missing = [];
	for (const file of scripts(path.join(WEB, 'js'))) {
		const src = fs.readFileSync(file, 'utf8');
		for (const m of src.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) {
			const key = m[1];
			if (prefixes.has(key.split('.')[0]) && !(key in zh))
				missing.push(`${path.relative(WEB, file)}: ${key}`);
		}
	}
	assert.deepEqual(missing, []);
	// Keys built from codes: every role, site kind and option list the pages show.
	for (const role of ['enterprise', 'warehouse', 'bureau', 'gate', 'admin']) {
		assert.ok('role.' + role in zh, 'role.' + role);
		assert.ok('home.duty.' + role in zh, 'home.duty.' + role);
	}
	for (const kind of ['listed', 'other_horgos', 'outside_horgos'])
		assert.ok('master.kind.' + kind in zh, 'master.kind.' + kind);
	for (const list of ['clearance_mode', 'cargo_type', 'customs_warehouse', 'usage_type', 'fuel_type'])
		assert.ok('master.list.' + list in zh, 'master.list.' + list);
});
