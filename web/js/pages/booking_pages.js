// 核对: the declaration's pages as the server renders them, beside the form. highlight(path) draws
// the boxes where the recogniser read that field ("sources": {"plates.0": {"page", "box"}}, PDF
// points from the top left of the page as displayed) and scrolls the first into view.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { fileUrl } from '../api.js';

const MAX_PAGES = 20;          // the viewer stops probing here whatever the server says
const POINTS_PER_INCH = 72;
const PERCENT = 100;

// pageViewer({declarationId, sources, pages, pageSizes, dpi}) -> {el, highlight(path)}
// pages: the page count when the server tells it (else pages are shown until one is missing);
// pageSizes: [{width, height}] in points per page when told, else size = pixels * 72 / dpi.
export function pageViewer({ declarationId, sources, pages, pageSizes, dpi }) {
	const list = h('div', { class: 'page-list' });
	const status = h('p', { class: 'hint page-status', role: 'status' });
	const el = h('aside', { class: 'booking-pages card', 'aria-label': t('booking.pages_label') },
		h('h2', {}, t('booking.pages_heading')), h('p', { class: 'hint' }, t('booking.pages_intro')), status, list);
	const shown = [];           // [{n, img, frame}]
	const limit = Math.min(pages || MAX_PAGES, MAX_PAGES);

	function sizeOf(p) {
		const told = Array.isArray(pageSizes) ? pageSizes[p.n - 1] : null;
		if (told && told.width > 0 && told.height > 0)
			return { w: told.width, h: told.height };
		if (!p.img.naturalWidth || !(dpi > 0))
			return null;
		return { w: p.img.naturalWidth * POINTS_PER_INCH / dpi, h: p.img.naturalHeight * POINTS_PER_INCH / dpi };
	}

	function addPage(n) {
		const img = h('img', {
			src: fileUrl(`/declarations/${encodeURIComponent(declarationId)}/pages/${n}.png`),
			alt: t('booking.page_alt', { n }), class: 'page-img', 'data-page': String(n), decoding: 'async',
		});
		const frame = h('figure', { class: 'page-frame', 'data-page': String(n) }, img,
			h('figcaption', {}, t('booking.page_caption', { n })));
		const p = { n, img, frame };
		img.addEventListener('load', () => {
			frame.classList.add('loaded');
			if (!pages && n < limit)
				addPage(n + 1);
			if (pending)
				highlight(pending);
		});
		img.addEventListener('error', () => {
			frame.remove();
			shown.splice(shown.indexOf(p), 1);
			if (n === 1)
				status.textContent = t('booking.pages_missing');
		});
		shown.push(p);
		list.append(frame);
	}

	let pending = null;
	function clear() {
		for (const b of list.querySelectorAll('.source-box'))
			b.remove();
	}

	// Boxes of the field at path and of the keys under it (plates -> plates.0, plates.1 …).
	function highlight(path) {
		clear();
		pending = path;
		if (!path || !sources)
			return 0;
		let first = null;
		let count = 0;
		for (const [key, src] of Object.entries(sources)) {
			if (!(key === path || key.startsWith(path + '.')) || !src || !Array.isArray(src.box))
				continue;
			const p = shown.find((x) => x.n === src.page);
			const size = p && sizeOf(p);
			if (!size)
				continue;
			const [x0, y0, x1, y1] = src.box;
			const box = h('div', {
				class: 'source-box', 'data-source': key, 'aria-hidden': 'true',
				style: `left:${x0 / size.w * PERCENT}%;top:${y0 / size.h * PERCENT}%;`
					+ `width:${(x1 - x0) / size.w * PERCENT}%;height:${(y1 - y0) / size.h * PERCENT}%`,
			});
			p.frame.append(box);
			first = first || box;
			count += 1;
		}
		if (first)
			first.scrollIntoView({ block: 'nearest', inline: 'nearest' });
		status.textContent = count ? t('booking.source_shown', { field: t('booking.f.' + path.split('.')[0]) }) : '';
		return count;
	}

	if (declarationId)
		for (let n = 1; n <= (pages ? limit : 1); n++)
			addPage(n);
	return { el, highlight, clear: () => {
		pending = null;
		clear();
	} };
}
