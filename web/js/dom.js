// Building DOM without innerHTML: every string from the API or a table goes in as text.

// h('button', {class: 'btn', onclick: f}, 'text', child, [more]) -> element.
// Attributes: 'class', 'text' (textContent), 'on…' (listeners), booleans, everything else setAttribute.
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs || {})) {
		if (value === undefined || value === null || value === false)
			continue;
		if (name.startsWith('on') && typeof value === 'function')
			el.addEventListener(name.slice(2), value);
		else if (name === 'class')
			el.className = value;
		else if (name === 'text')
			el.textContent = value;
		else if (value === true)
			el.setAttribute(name, '');
		else
			el.setAttribute(name, String(value));
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const child of children) {
		if (child === undefined || child === null || child === false)
			continue;
		if (Array.isArray(child))
			append(el, child);
		else if (child instanceof Node)
			el.appendChild(child);
		else
			el.appendChild(document.createTextNode(String(child)));
	}
}

// Replace all children of el.
export function replace(el, ...children) {
	el.replaceChildren();
	append(el, children);
}

let idCounter = 0;
// A unique id for label/aria wiring.
export function uid(prefix) {
	idCounter += 1;
	return `${prefix}-${idCounter}`;
}
