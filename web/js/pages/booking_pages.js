// 核对: the declaration's pages as the server renders them, beside the form. highlight(path) draws
// the boxes where the recogniser read that field ("sources": {"plates.0": {"page", "box"}}, PDF
// points from the top left of the page as displayed) and scrolls the first into view.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { fileUrl } from '../api.js';

const MAX_PAGES = 20;          // the viewer shows no more pages than this
const POINTS_PER_INCH = 72;
const METRES_PER_INCH = 0.0254;
const PERCENT = 100;
const PNG_SIGNATURE = 8;
const CHUNK_HEAD = 8;
const CHUNK_CRC = 4;
const PHYS_METRE = 1;

// The resolution a PNG declares in its pHYs chunk (dots per inch), or 0 when it declares none.
export function pngDpi(buf) {
	const v = new DataView(buf);
	for (let at = PNG_SIGNATURE; at + CHUNK_HEAD <= v.byteLength;) {
		const len = v.getUint32(at);
		const type = String.fromCharCode(v.getUint8(at + 4), v.getUint8(at + 5), v.getUint8(at + 6), v.getUint8(at + 7));
		if (type === 'pHYs' && len >= 9 && v.getUint8(at + CHUNK_HEAD + 8) === PHYS_METRE)
			return v.getUint32(at + CHUNK_HEAD) * METRES_PER_INCH;
		if (type === 'IDAT' || type === 'IEND')
			return 0;
		at += CHUNK_HEAD + len + CHUNK_CRC;
	}
	return 0;
}

// pageViewer({declarationId, sources, pages, pageSizes}) -> {el, highlight(path), clear()}
// pages: the page count; pageSizes: [{n, width, height}] in points (the recognition's "pages"), else the
// size is the image's pixels at the resolution its PNG declares.
export function pageViewer({ declarationId, sources, pages, pageSizes }) {
	const list = h('div', { class: 'page-list' });
	const status = h('p', { class: 'hint page-status', role: 'status' });
	const el = h('aside', { class: 'booking-pages card', 'aria-label': t('booking.pages_label') },
		h('div', { class: 'card-head' }, h('h2', {}, t('booking.pages_heading')),
			h('a', { href: fileUrl(`/declarations/${encodeURIComponent(declarationId)}/pdf`), download: '', 'data-action': 'pdf' },
				t('booking.pdf'))),
		h('p', { class: 'hint' }, t('booking.pages_intro')), status, list);
	const shown = [];           // [{n, img, frame, dpi}]
	let pending = null;

	function sizeOf(p) {
		const told = Array.isArray(pageSizes) ? pageSizes.find((x) => x && x.n === p.n) || pageSizes[p.n - 1] : null;
		if (told && told.width > 0 && told.height > 0)
			return { w: told.width, h: told.height };
		if (!p.img.naturalWidth || !(p.dpi > 0))
			return null;
		return { w: p.img.naturalWidth * POINTS_PER_INCH / p.dpi, h: p.img.naturalHeight * POINTS_PER_INCH / p.dpi };
	}

	async function addPage(n) {
		const img = h('img', { alt: t('booking.page_alt', { n }), class: 'page-img', 'data-page': String(n) });
		// Boxes are placed in percent of the canvas, which holds the image alone (not the caption).
		const canvas = h('div', { class: 'page-canvas' }, img);
		const frame = h('figure', { class: 'page-frame', 'data-page': String(n) }, canvas,
			h('figcaption', {}, t('booking.page_caption', { n })));
		const p = { n, img, frame, canvas, dpi: 0 };
		shown.push(p);
		list.append(frame);
		try {
			// The bytes are read once for the resolution; the image then comes from the browser's
			// cache (the server marks pages immutable), as the page's policy allows no blob: images.
			const src = fileUrl(`/declarations/${encodeURIComponent(declarationId)}/pages/${n}.png`);
			const res = await fetch(src, { credentials: 'same-origin' });
			if (!res.ok)
				throw new Error(String(res.status));
			p.dpi = pngDpi(await res.arrayBuffer());
			img.addEventListener('load', () => {
				frame.classList.add('loaded');
				if (pending)
					highlight(pending);
			}, { once: true });
			img.src = src;
		} catch (e) {
			frame.remove();
			shown.splice(shown.indexOf(p), 1);
			if (!shown.length)
				status.textContent = t('booking.pages_missing');
		}
	}

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
			// Placed through the style object: the page's policy refuses style attributes.
			const box = h('div', { class: 'source-box', 'data-source': key, 'aria-hidden': 'true' });
			box.style.left = `${x0 / size.w * PERCENT}%`;
			box.style.top = `${y0 / size.h * PERCENT}%`;
			box.style.width = `${(x1 - x0) / size.w * PERCENT}%`;
			box.style.height = `${(y1 - y0) / size.h * PERCENT}%`;
			p.canvas.append(box);
			first = first || box;
			count += 1;
		}
		if (first)
			first.scrollIntoView({ block: 'nearest', inline: 'nearest' });
		status.textContent = count ? t('booking.source_shown', { field: t('booking.f.' + path.split('.')[0]) }) : '';
		return count;
	}

	for (let n = 1; n <= Math.min(pages || 1, MAX_PAGES); n++)
		addPage(n);
	return { el, highlight, clear: () => {
		pending = null;
		clear();
	} };
}
