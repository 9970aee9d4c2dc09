// Load the UI string tables (web/i18n/*.js) in node, to compare what pages show with them.
import fs from 'node:fs';
import path from 'node:path';

export const SOURCE = process.env.KOUAN_SOURCE_DIR || path.resolve(import.meta.dirname || '.', '../..');
export const WEB = path.join(SOURCE, 'web');
export const LANGS = ['zh', 'ru', 'en'];

// web/ has no package.json (node would take its .js for CommonJS), so import the text as a module.
export async function loadTable(lang) {
	const src = fs.readFileSync(path.join(WEB, 'i18n', lang + '.js'), 'utf8');
	const mod = await import('data:text/javascript;charset=utf-8,' + encodeURIComponent(src));
	return mod.default;
}

export async function loadTables() {
	const out = {};
	for (const lang of LANGS)
		out[lang] = await loadTable(lang);
	return out;
}
