// Home: a welcome for the signed-in user, what their role does at the port, and Beijing time.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formatLongNow } from '../time.js';
import { pageHeader, card } from '../page.js';

export function render(ctx) {
	const { me } = ctx;
	const role = me.user.role;
	const clock = h('dd', { 'data-testid': 'beijing-now' }, formatLongNow());
	const timer = setInterval(() => {
		if (!clock.isConnected)
			clearInterval(timer);
		else
			clock.textContent = formatLongNow();
	}, 20000);

	ctx.main.append(
		pageHeader(t('home.welcome', { name: me.user.username })),
		h('div', { class: 'home-grid' },
			card(null, h('dl', { class: 'facts' },
				h('dt', {}, t('home.role')), h('dd', { 'data-testid': 'home-role' }, t('role.' + role)),
				h('dt', {}, t('home.organisation')),
				h('dd', {}, me.organisation ? me.organisation.name : t('layout.no_organisation')),
				h('dt', {}, t('home.now')), clock)),
			h('section', { class: 'card duty', 'data-role': role },
				h('h2', {}, t('home.duties')),
				h('p', {}, t('home.duty.' + role)))));
}
