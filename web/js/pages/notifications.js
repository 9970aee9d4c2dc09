// 通知 (every role with an organisation; the enterprise's are about its bookings): newest first,
// unread marked, each linked to its booking; mark one or all read. The header shows the unread count.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { pageHeader, loading, loadError } from '../page.js';
import { formatDateTime } from '../time.js';
import { label, domain } from '../domain.js';
import { refreshUnread } from '../layout.js';

function when(unix) {
	return formatDateTime(new Date(unix * 1000));
}

export function render(ctx) {
	const listArea = h('div', { class: 'list-area' }, loading());

	async function load(body) {
		try {
			const d = body || await api.get('/notifications');
			if (!ctx.alive())
				return;
			const items = Array.isArray(d.items) ? d.items : [];
			refreshUnread(d.unread || 0);
			listArea.replaceChildren(items.length ? h('ul', { class: 'notifications', 'data-testid': 'notifications-list' },
				items.map((n) => h('li', { class: n.read ? 'read' : 'unread', 'data-event': n.event },
					h('p', {}, h('strong', {}, label('states', n.event)), ' · ',
						h('a', { href: '#/booking?id=' + encodeURIComponent(n.booking_id) }, t('notes.booking', { id: n.booking_id })),
						' · ', when(n.created_at)),
					n.reason ? h('p', { class: 'note-reason' }, t('notes.reason', { reason: n.reason })) : null,
					n.read ? null : h('button', { type: 'button', class: 'btn btn-small', onclick: () => read(n.id) },
						t('notes.mark_read'))))) : h('p', { class: 'empty' }, t('notes.empty')));
		} catch (err) {
			if (ctx.alive())
				listArea.replaceChildren(loadError(err, () => load()));
		}
	}

	async function read(id) {
		try {
			load(await api.post('/notifications/read', id ? { id } : {}));
		} catch (err) {
			listArea.replaceChildren(loadError(err, () => load()));
		}
	}

	ctx.main.append(pageHeader(t('notes.heading'), t('notes.intro')),
		h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', {}, t('notes.list')),
			h('button', { type: 'button', class: 'btn', 'data-action': 'read-all', onclick: () => read(0) }, t('notes.read_all'))),
			listArea));
	domain().then(() => load(), () => load());
}
