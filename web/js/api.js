// The JSON API under /api/v1: language on every request, the CSRF token on every change,
// errors turned into ApiError with the server's message (already in the user's language).
import { lang, t } from './i18n.js';

const BASE = '/api/v1';
const SAFE = new Set(['GET', 'HEAD']);

let csrfToken = '';
let onUnauthenticated = null;

export class ApiError extends Error {
	constructor(status, code, message, fields, detail) {
		super(message);
		this.status = status;
		this.code = code;
		this.fields = Array.isArray(fields) ? fields : [];
		this.detail = detail && typeof detail === 'object' ? detail : {};	// the whole error object, e.g. nearest_dates
	}
}

export function setCsrfToken(token) {
	csrfToken = typeof token === 'string' ? token : '';
}

// Called when a request made while signed in comes back 401 (the session ended elsewhere).
export function setUnauthenticatedHandler(fn) {
	onUnauthenticated = fn;
}

// ?lang= makes the server answer in the UI's language even where the user's saved setting says
// otherwise; opts.savedLang leaves it off (Accept-Language still goes), so that /me and sign-in
// report the language saved with the user.
function url(path, opts) {
	if (opts.savedLang)
		return BASE + path;
	const sep = path.includes('?') ? '&' : '?';
	return `${BASE}${path}${sep}lang=${encodeURIComponent(lang())}`;
}

async function errorFrom(res) {
	let body = null;
	try {
		body = await res.json();
	} catch (e) {
		// Not JSON (a proxy page, an empty body): fall back to a generic message below.
	}
	const err = body && typeof body === 'object' ? body.error : null;
	if (err && typeof err.message === 'string')
		return new ApiError(res.status, String(err.code || ''), err.message, err.fields, err);
	return new ApiError(res.status, 'http_' + res.status, `${t('app.error_network')} (HTTP ${res.status})`);
}

// request('POST', '/users', {…}) -> parsed JSON body, or null for 204. Throws ApiError.
// opts.quiet401: do not treat 401 as "session ended" (sign-in and the first /me);
// opts.savedLang: see url().
export async function request(method, path, body, opts = {}) {
	const headers = { 'Accept': 'application/json', 'Accept-Language': lang(), ...(opts.headers || {}) };
	if (body !== undefined)
		headers['Content-Type'] = 'application/json';
	if (!SAFE.has(method) && csrfToken)
		headers['X-CSRF-Token'] = csrfToken;
	let res;
	try {
		res = await fetch(url(path, opts), {
			method, headers, credentials: 'same-origin', cache: 'no-store',
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	} catch (e) {
		throw new ApiError(0, 'network', t('app.error_network'));
	}
	if (res.status === 401 && !opts.quiet401 && onUnauthenticated)
		onUnauthenticated();
	if (!res.ok)
		throw await errorFrom(res);
	if (res.status === 204)
		return null;
	const text = await res.text();
	return text ? JSON.parse(text) : null;
}

// upload('/declarations', formData, onProgress(fraction|null), signal) -> parsed JSON body. Throws ApiError.
// XMLHttpRequest rather than fetch: only it reports upload progress. onProgress gets the share sent
// (0..1) while the body goes out, then null once it is all sent and the server works on it. An
// AbortSignal stops the upload (the promise then rejects with code 'aborted').
export function upload(path, form, onProgress, signal) {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		if (signal)
			signal.addEventListener('abort', () => xhr.abort(), { once: true });
		xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', t('app.error_network'))));
		xhr.open('POST', url(path, {}));
		xhr.setRequestHeader('Accept', 'application/json');
		xhr.setRequestHeader('Accept-Language', lang());
		if (csrfToken)
			xhr.setRequestHeader('X-CSRF-Token', csrfToken);
		xhr.responseType = 'text';
		if (onProgress) {
			xhr.upload.addEventListener('progress', (e) => {
				if (e.lengthComputable)
					onProgress(e.loaded / e.total);
			});
			xhr.upload.addEventListener('load', () => onProgress(null));
		}
		xhr.addEventListener('error', () => reject(new ApiError(0, 'network', t('app.error_network'))));
		xhr.addEventListener('load', () => {
			if (xhr.status === 401 && onUnauthenticated)
				onUnauthenticated();
			let body = null;
			try {
				body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
			} catch (e) {
				// Not JSON: handled below as a generic failure.
			}
			if (xhr.status >= 200 && xhr.status < 300) {
				resolve(body);
				return;
			}
			const err = body && typeof body === 'object' ? body.error : null;
			if (err && typeof err.message === 'string')
				reject(new ApiError(xhr.status, String(err.code || ''), err.message, err.fields, err));
			else
				reject(new ApiError(xhr.status, 'http_' + xhr.status, `${t('app.error_network')} (HTTP ${xhr.status})`));
		});
		xhr.send(form);
	});
}

// The address of a file the API serves (a page image, an attachment), for <img src> and links.
export function fileUrl(path) {
	return BASE + path;
}

export const api = {
	get: (path, opts) => request('GET', path, undefined, opts),
	post: (path, body, opts) => request('POST', path, body, opts),
	put: (path, body, opts) => request('PUT', path, body, opts),
	patch: (path, body, opts) => request('PATCH', path, body, opts),
	del: (path, opts = {}) => request('DELETE', path, opts.body, opts),	// opts.body: a JSON body, when the route takes one
};
