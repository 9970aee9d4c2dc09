// 放行凭证 / Пропуск (#/pass?id=N): what the driver shows at the gate. The labels are in Chinese
// AND Russian whatever the UI language (drivers bound for Kazakhstan read Russian); plates or the
// VIN count, declaration number, site, crossing date and slot, validity in Beijing time, and the
// QR code large enough to scan from a phone screen. Fits a phone; prints on one A4 page.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import zh from '../../i18n/zh.js';
import ru from '../../i18n/ru.js';
import { api } from '../api.js';
import { currentQuery } from '../routes.js';
import { loading, loadError } from '../page.js';
import { formatDateTime } from '../time.js';
import { sites } from '../domain.js';

// 'pass.site' -> '换装场所 / Место перегрузки'
function both(key) {
	return [zh[key] || key, ru[key] || key];
}

function fact(key, value, testid) {
	const [cn, rus] = both(key);
	return h('div', { class: 'pass-fact' },
		h('dt', {}, h('span', { lang: 'zh-CN' }, cn), h('span', { class: 'pass-ru', lang: 'ru' }, rus)),
		h('dd', { 'data-testid': testid }, value));
}

function kindWords(kind) {
	return both('pass.kind.' + kind).join(' / ');
}

function passCard(b, rel, siteName) {
	const [title, titleRu] = both('pass.title');
	const commodity = b.kind === 'commodity_vehicle';
	const vins = (Array.isArray(b.vehicles) ? b.vehicles : []).filter((v) => v && v.vin);
	const plates = Array.isArray(b.plates) ? b.plates : [];
	return h('article', { class: 'pass', 'data-testid': 'pass' },
		h('header', { class: 'pass-head' }, h('h1', { tabindex: '-1' }, h('span', { lang: 'zh-CN' }, title),
			h('span', { class: 'pass-ru', lang: 'ru' }, titleRu))),
		h('div', { class: 'pass-qr' },
			h('img', { src: rel.qr_png, alt: both('pass.qr_alt').join(' / '), width: 320, height: 320, 'data-testid': 'pass-qr' })),
		h('dl', { class: 'pass-facts' },
			fact('pass.kind', kindWords(b.kind)),
			commodity ? fact('pass.vin_count', String(vins.length), 'pass-units')
				: fact('pass.plates', plates.join('  '), 'pass-units'),
			fact('pass.declaration_no', b.declaration_no || '—', 'pass-declaration'),
			fact('pass.site', siteName || '—'),
			fact('pass.crossing', [b.crossing_date || '', b.slot || both('pass.whole_day').join(' / ')].join(' ')),
			fact('pass.valid', formatDateTime(rel.valid_from) + ' — ' + formatDateTime(rel.valid_until) + ' (UTC+8)'),
			fact('pass.booking', '#' + b.id)),
		h('p', { class: 'pass-code', 'data-testid': 'pass-token' }, rel.token));
}

export function render(ctx) {
	const id = currentQuery().id || '';
	ctx.main.append(loading());
	Promise.all([api.get('/bookings/' + encodeURIComponent(id)), api.get('/bookings/' + encodeURIComponent(id) + '/release'),
		sites().catch(() => [])])
		.then(([b, rel, siteList]) => {
			if (!ctx.alive())
				return;
			const site = siteList.find((s) => s.id === b.transshipment_site_id);
			ctx.main.replaceChildren(
				h('div', { class: 'pass-actions no-print' },
					h('a', { class: 'btn', href: '#/booking?id=' + encodeURIComponent(b.id) }, t('pass.back')),
					h('button', { type: 'button', class: 'btn btn-primary', onclick: () => window.print() }, t('pass.print'))),
				passCard(b, rel, site ? site.name : ''));
		})
		.catch((err) => {
			if (ctx.alive())
				ctx.main.replaceChildren(loadError(err));
		});
}
