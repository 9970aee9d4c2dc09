// Pieces every page uses.
import { h } from './dom.js';
import { t } from './i18n.js';

// The page heading (focused after navigation, so screen readers announce the new page) and intro.
export function pageHeader(title, intro) {
	return h('div', { class: 'page-header' },
		h('h1', { tabindex: '-1' }, title),
		intro ? h('p', { class: 'intro' }, intro) : null);
}

export function card(title, ...children) {
	return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, children);
}

export function loading() {
	return h('p', { class: 'loading', role: 'status' }, t('app.loading'));
}

// An error in place of content that failed to load, with a retry button.
export function loadError(err, retry) {
	return h('div', { class: 'alert alert-error', role: 'alert' },
		h('p', {}, err.message || t('app.error_network')),
		retry ? h('button', { type: 'button', class: 'btn', onclick: retry }, t('common.retry')) : null);
}
