// The signed-in layout: top bar (name of the platform, language switch, menu button on phones),
// the side navigation of the user's role with the user's name, organisation and sign-out,
// and the main area where pages render.
import { h } from './dom.js';
import { t } from './i18n.js';
import { navFor } from './routes.js';
import { langSwitch } from './langswitch.js';
import { api } from './api.js';

// The unread notifications in the top bar: a link with its count, refreshed on each page and by
// the notifications page itself.
const unreadBadge = h('span', { class: 'badge badge-unread', 'data-testid': 'unread-count', hidden: true });

export function refreshUnread(n) {
	unreadBadge.textContent = String(n);
	unreadBadge.hidden = !n;
}

function notificationsLink() {
	api.get('/notifications?limit=1').then((d) => refreshUnread(d.unread || 0), () => refreshUnread(0));
	return h('a', { class: 'notes-link', href: '#/notifications', 'data-testid': 'notifications-link' },
		t('nav.notifications'), ' ', unreadBadge);
}

export function brand() {
	return h('div', { class: 'brand' },
		h('img', { src: '/img/emblem.svg', alt: '', width: 40, height: 40 }),
		h('div', { class: 'brand-text' },
			h('span', { class: 'brand-title' }, t('app.title')),
			h('span', { class: 'brand-sub' }, t('app.subtitle'))));
}

// renderLayout(root, me, {onLang, onLogout}) -> {main, setActive(path)}
export function renderLayout(root, me, { onLang, onLogout }) {
	const menuId = 'side-menu';
	const toggle = h('button', {
		type: 'button', class: 'menu-toggle', 'aria-expanded': 'false', 'aria-controls': menuId,
	}, h('span', { class: 'menu-icon', 'aria-hidden': 'true' }), t('layout.menu'));

	const links = navFor(me.user).map((r) => h('li', {},
		h('a', { href: '#' + r.path, 'data-route': r.path }, t(r.title))));
	const nav = h('nav', { class: 'nav', 'aria-label': t('layout.nav_label') }, h('ul', {}, links));

	const org = me.organisation ? me.organisation.name : t('layout.no_organisation');
	const account = h('div', { class: 'account' },
		h('p', { class: 'account-label' }, t('layout.signed_in_as')),
		h('p', { class: 'account-name', 'data-testid': 'user-name' }, me.user.username),
		h('p', { class: 'account-role' }, t('role.' + me.user.role)),
		h('p', { class: 'account-org', 'data-testid': 'user-org' }, org),
		h('button', { type: 'button', class: 'btn btn-block logout', onclick: onLogout }, t('layout.logout')));

	const side = h('aside', { class: 'sidebar', id: menuId }, account, nav);
	const closeMenu = () => {
		side.classList.remove('open');
		toggle.setAttribute('aria-expanded', 'false');
	};
	toggle.addEventListener('click', () => {
		const open = !side.classList.contains('open');
		side.classList.toggle('open', open);
		toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
	});
	nav.addEventListener('click', (e) => {
		if (e.target.closest('a'))
			closeMenu();
	});

	const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
	root.replaceChildren(
		h('a', { class: 'skip-link', href: '#main', onclick: (e) => {
			e.preventDefault();
			main.focus();
		} }, t('app.skip')),
		h('header', { class: 'topbar' }, brand(), h('div', { class: 'topbar-tools' },
			me.organisation ? notificationsLink() : null, langSwitch(onLang), toggle)),
		h('div', { class: 'shell' }, side, h('div', { class: 'content' }, main,
			h('footer', { class: 'footer' }, t('app.footer')))));

	return {
		main,
		setActive(path) {
			for (const a of nav.querySelectorAll('a')) {
				if (a.dataset.route === path)
					a.setAttribute('aria-current', 'page');
				else
					a.removeAttribute('aria-current');
			}
		},
	};
}
