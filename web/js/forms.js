// Accessible form pieces: every control has a label, hints and errors are tied to it with
// aria-describedby, and messages go to live regions so screen readers announce them.
import { h, uid } from './dom.js';
import { t } from './i18n.js';

function describe(input, ids) {
	const list = ids.filter(Boolean).join(' ');
	if (list)
		input.setAttribute('aria-describedby', list);
	else
		input.removeAttribute('aria-describedby');
}

function wrapField(label, input, hint) {
	const hintEl = hint ? h('p', { class: 'hint', id: uid('hint') }, hint) : null;
	const errEl = h('p', { class: 'field-error', id: uid('err'), hidden: true });
	const wrap = h('div', { class: 'field' }, h('label', { for: input.id }, label), hintEl, input, errEl);
	describe(input, [hintEl && hintEl.id]);
	return {
		wrap, input, label,
		setError(message) {
			errEl.textContent = message || '';
			errEl.hidden = !message;
			wrap.classList.toggle('invalid', !!message);
			if (message)
				input.setAttribute('aria-invalid', 'true');
			else
				input.removeAttribute('aria-invalid');
			describe(input, [hintEl && hintEl.id, message && errEl.id]);
		},
	};
}

// A labelled <input>. attrs go onto the input (type, autocomplete, required, …).
export function inputField(label, name, attrs = {}, hint) {
	const input = h('input', { id: uid('f'), name, type: 'text', ...attrs });
	return wrapField(label, input, hint);
}

// A labelled <select>; options: [{value, label}], placeholder: the text of an empty first choice.
export function selectField(label, name, options, placeholder, attrs = {}) {
	const select = h('select', { id: uid('f'), name, ...attrs },
		placeholder ? h('option', { value: '' }, placeholder) : null,
		options.map((o) => h('option', { value: o.value }, o.label)));
	return wrapField(label, select);
}

// A message box above a form: errors in an assertive live region, success in a polite one.
// The regions exist from the start (empty), which is what makes screen readers announce changes.
export function messageBox() {
	const errorEl = h('div', { class: 'alert alert-error', role: 'alert', tabindex: '-1' });
	const okEl = h('div', { class: 'alert alert-ok', role: 'status' });
	const el = h('div', { class: 'messages' }, errorEl, okEl);
	const box = {
		el,
		clear() {
			errorEl.replaceChildren();
			okEl.replaceChildren();
		},
		error(message, details = []) {
			box.clear();
			errorEl.append(h('p', {}, message));
			if (details.length)
				errorEl.append(h('ul', {}, details.map((d) => h('li', {}, d))));
		},
		success(message) {
			box.clear();
			okEl.append(h('p', {}, message));
		},
	};
	return box;
}

// Show an ApiError: the message in the box with a list of the problems, each {field, message}
// also beside its control (fields: {apiName: fieldObject}); focus goes to the first control in error.
export function showApiError(box, err, fields = {}) {
	for (const f of Object.values(fields))
		f.setError('');
	const details = [];
	let first = null;
	for (const fe of err.fields || []) {
		const f = fields[fe.field];
		if (f) {
			f.setError(fe.message);
			first = first || f;
			details.push(t('common.field_problem', { field: f.label, message: fe.message }));
		} else if (fe.message) {
			details.push(fe.message);
		}
	}
	box.error(err.message || t('app.error_network'), details);
	if (first)
		first.input.focus();
}

export function clearFieldErrors(fields) {
	for (const f of Object.values(fields))
		f.setError('');
}

// Disable a submit button while a request runs; returns a function that restores it.
export function busy(button, label) {
	const old = button.textContent;
	button.disabled = true;
	button.setAttribute('aria-busy', 'true');
	if (label)
		button.textContent = label;
	return () => {
		button.disabled = false;
		button.removeAttribute('aria-busy');
		button.textContent = old;
	};
}
