// The language switch 中文 / Русский / English: three toggle buttons, each named in its own language.
import { h } from './dom.js';
import { LANGS, lang, t } from './i18n.js';

export function langSwitch(onChange) {
	return h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('lang.label') },
		LANGS.map((l) => h('button', {
			type: 'button', lang: l.html, 'data-lang': l.code,
			'aria-pressed': l.code === lang() ? 'true' : 'false',
			onclick: () => {
				if (l.code !== lang())
					onChange(l.code);
			},
		}, l.name)));
}
