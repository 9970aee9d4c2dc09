// Times are stored in UTC and shown in Beijing time (UTC+8), the port's official time,
// whatever time zone the browser is in.
import { langInfo } from './i18n.js';

const ZONE = 'Asia/Shanghai';

function parts(date) {
	const fmt = new Intl.DateTimeFormat('en-CA', {
		timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
		hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
	});
	const out = {};
	for (const p of fmt.formatToParts(date))
		out[p.type] = p.value;
	return out;
}

// '2024-05-01T06:03:00Z' -> '2024-05-01 14:03' (Beijing); '' for a missing or unreadable time.
export function formatDateTime(iso) {
	if (!iso)
		return '';
	const date = iso instanceof Date ? iso : new Date(iso);
	if (Number.isNaN(date.getTime()))
		return String(iso);
	const p = parts(date);
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

// The current Beijing date and time in words of the current language, e.g. for the home page.
export function formatLongNow(date = new Date()) {
	return new Intl.DateTimeFormat(langInfo().intl, {
		timeZone: ZONE, dateStyle: 'full', timeStyle: 'short', hourCycle: 'h23',
	}).format(date);
}
