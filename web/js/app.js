// The app: find out who is signed in, show the sign-in page or the layout of the user's role,
// and route #/path to the page. Language changes re-render everything from the string tables.
import { h } from './dom.js';
import { t, setLang, storedLang, isLang } from './i18n.js';
import { api, setCsrfToken, setUnauthenticatedHandler } from './api.js';
import { currentPath, routeFor } from './routes.js';
import { renderLayout } from './layout.js';
import { renderLogin } from './pages/login.js';
import { renderRegister } from './pages/register.js';
import { renderReset } from './pages/reset.js';

const root = document.getElementById('app');
let me = null;          // the GET /me body while signed in
let layout = null;      // {main, setActive} while signed in
let generation = 0;     // bumps on every page render; late answers of an old page are dropped
let langChosenAtLogin = false;

function signedIn(body) {
	me = body;
	setCsrfToken(body.csrf_token);
}

function showLogin(notice, username) {
	me = null;
	layout = null;
	generation += 1;
	setCsrfToken('');
	document.title = t('login.heading') + ' · ' + t('app.title');
	renderLogin(root, {
		notice, username,
		onRegister: () => showRegister(),
		onReset: () => showReset(),
		onLang: (code, typed) => {
			langChosenAtLogin = true;
			setLang(code);
			showLogin(undefined, typed);
		},
		onSignedIn: async (body) => {
			signedIn(body);
			if (langChosenAtLogin && body.lang !== storedLang())
				await saveLang(storedLang());
			else if (isLang(body.lang))
				setLang(body.lang);
			langChosenAtLogin = false;
			showApp();
		},
	});
}

// The public application page (no session); back leads to the sign-in page.
function showRegister() {
	document.title = t('register.heading') + ' · ' + t('app.title');
	renderRegister(root, {
		onLang: (code) => {
			setLang(code);
			showRegister();
		},
		onBack: () => showLogin(),
	});
}

// Setting a password with a reset code (no session).
function showReset() {
	document.title = t('reset.heading') + ' · ' + t('app.title');
	renderReset(root, {
		onLang: (code) => {
			setLang(code);
			showReset();
		},
		onBack: () => showLogin(),
	});
}

// Save the language to the user's setting; the UI switches even if saving fails.
async function saveLang(code) {
	setLang(code);
	try {
		signedIn(await api.put('/me/lang', { lang: code }));
	} catch (err) {
		// The setting is kept for next time only; this session still uses the chosen language.
	}
}

function showApp() {
	layout = renderLayout(root, me, {
		onLang: async (code) => {
			await saveLang(code);
			if (me)
				showApp();
		},
		onLogout: logout,
	});
	showPage(false);
}

function showPage(focus) {
	if (!me || !layout)
		return;
	generation += 1;
	const mine = generation;
	const path = currentPath();
	const route = routeFor(path, me.user);
	layout.setActive(route ? route.path : '');
	layout.main.replaceChildren();
	if (route) {
		document.title = t(route.title) + ' · ' + t('app.title');
		route.page.render({
			main: layout.main, me,
			alive: () => mine === generation && !!me,
			setMe: (body) => signedIn(body),
		});
	} else {
		document.title = t('common.not_found') + ' · ' + t('app.title');
		layout.main.append(h('h1', { tabindex: '-1' }, t('common.not_found')),
			h('p', {}, t('common.not_found_text')),
			h('p', {}, h('a', { href: '#/' }, t('common.back_home'))));
	}
	if (focus) {
		const heading = layout.main.querySelector('h1');
		if (heading)
			heading.focus();
	}
}

async function logout() {
	// Signed out from here on: a late 401 of the page being left must not show the sign-in form a second
	// time (it would clear what the next person has started typing).
	me = null;
	generation += 1;
	try {
		await api.del('/session');
	} catch (err) {
		// Signed out locally either way; the server forgets the session when it expires.
	}
	// The next person to sign in starts at home, not on the page this one left open.
	history.replaceState(null, '', '#/');
	showLogin();
}

async function boot() {
	setLang(storedLang());
	root.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('app.loading')));
	setUnauthenticatedHandler(() => {
		if (me)
			showLogin(t('app.session_expired'));
	});
	window.addEventListener('hashchange', () => showPage(true));
	try {
		signedIn(await api.get('/me', { quiet401: true, savedLang: true }));
		if (isLang(me.lang))
			setLang(me.lang);
		showApp();
	} catch (err) {
		showLogin(err.status === 401 ? undefined : err.message);
	}
}

boot();
