// The UI language: one string table per language (web/i18n/*.js), Chinese by default.
import zh from '../i18n/zh.js';
import ru from '../i18n/ru.js';
import en from '../i18n/en.js';

export const LANGS = [
	// Each language is named in itself, so a reader finds their own whatever is shown now.
	{ code: 'zh', name: '中文', html: 'zh-CN', intl: 'zh-CN' },
	{ code: 'ru', name: 'Русский', html: 'ru', intl: 'ru-RU' },
	{ code: 'en', name: 'English', html: 'en', intl: 'en-GB' },
];
const TABLES = { zh, ru, en };
const STORAGE_KEY = 'kouan.lang';

let current = 'zh';

export function isLang(code) {
	return Object.prototype.hasOwnProperty.call(TABLES, code);
}

export function lang() {
	return current;
}

export function langInfo(code = current) {
	return LANGS.find((l) => l.code === code) || LANGS[0];
}

// Switch the UI language; remembered in this browser for the login page.
export function setLang(code) {
	if (!isLang(code))
		return;
	current = code;
	document.documentElement.lang = langInfo(code).html;
	try {
		localStorage.setItem(STORAGE_KEY, code);
	} catch (e) {
		// Private mode: the language just is not remembered before login.
	}
}

// The language this browser used last (before any login), or Chinese.
export function storedLang() {
	try {
		const code = localStorage.getItem(STORAGE_KEY);
		if (code && isLang(code))
			return code;
	} catch (e) {
		// fall through
	}
	return 'zh';
}

// t('users.created', {name: 'li'}): the string for key in the current language, with {name} filled in.
// A missing key shows itself, so a gap is visible rather than blank.
export function t(key, params) {
	const table = TABLES[current];
	let s = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
	if (params) {
		s = s.replace(/\{(\w+)\}/g, (m, name) =>
			Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m);
	}
	return s;
}
