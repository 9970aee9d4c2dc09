// The pages and who may open them. The navigation of a role is the routes with nav: true that
// list the role, in this order; a later page plugs in by adding one line here.
import * as home from './pages/home.js';
import * as users from './pages/users.js';
import * as masterData from './pages/master_data.js';
import * as password from './pages/password.js';
import * as capacity from './pages/capacity.js';
import * as approvals from './pages/approvals.js';
import * as sitesPage from './pages/sites.js';
import * as pass from './pages/pass.js';
import * as gate from './pages/gate.js';
import * as notifications from './pages/notifications.js';
import * as overview from './pages/overview.js';
import * as bookings from './pages/bookings.js';
import * as bookingForm from './pages/booking_form.js';
import * as registrations from './pages/registrations.js';
import * as orgUsers from './pages/org_users.js';
import * as accountAudit from './pages/account_audit.js';
import * as secondFactor from './pages/second_factor.js';

export const ROLES = ['enterprise', 'warehouse', 'bureau', 'gate', 'admin'];

export const ROUTES = [
	{ path: '/', title: 'nav.home', roles: ROLES, nav: true, page: home },
	{ path: '/users', title: 'nav.users', roles: ['admin'], nav: true, page: users },
	{ path: '/org-users', title: 'nav.org_users', roles: ['enterprise', 'warehouse'], orgAdmin: true, nav: true, page: orgUsers },
	{ path: '/bookings', title: 'nav.bookings', roles: ['enterprise'], nav: true, page: bookings },
	{ path: '/booking', title: 'nav.booking', roles: ['enterprise', 'warehouse', 'bureau'], nav: false, page: bookingForm },
	{ path: '/master-data', title: 'nav.master_data', roles: ['bureau'], nav: true, page: masterData },
	{ path: '/capacity', title: 'nav.capacity', roles: ['bureau'], nav: true, page: capacity },
	{ path: '/approvals', title: 'nav.approvals', roles: ['warehouse', 'bureau'], nav: true, page: approvals },
	{ path: '/sites', title: 'nav.sites', roles: ['bureau'], nav: true, page: sitesPage },
	{ path: '/registrations', title: 'nav.registrations', roles: ['bureau'], nav: true, page: registrations },
	{ path: '/account-audit', title: 'nav.account_audit', roles: ['bureau'], nav: true, page: accountAudit },
	{ path: '/overview', title: 'nav.overview', roles: ['bureau'], nav: true, page: overview },
	{ path: '/gate', title: 'nav.gate', roles: ['gate'], nav: true, page: gate },
	{ path: '/pass', title: 'nav.pass', roles: ['enterprise', 'warehouse', 'bureau', 'gate'], nav: false, page: pass },
	{ path: '/notifications', title: 'nav.notifications', roles: ROLES, nav: false, page: notifications },
	{ path: '/password', title: 'nav.password', roles: ROLES, nav: true, page: password },
	{ path: '/second-factor', title: 'nav.second_factor', roles: ['warehouse', 'bureau', 'gate', 'admin'], nav: true,
		page: secondFactor },
];

// '#/users?x=1' -> '/users'
export function currentPath() {
	const hash = location.hash.replace(/^#/, '');
	const path = hash.split('?')[0];
	return path.startsWith('/') ? path : '/';
}

// '#/booking?id=7&kind=x' -> {id: '7', kind: 'x'}
export function currentQuery() {
	const hash = location.hash.replace(/^#/, '');
	const at = hash.indexOf('?');
	return at < 0 ? {} : Object.fromEntries(new URLSearchParams(hash.slice(at + 1)));
}

// A route with orgAdmin: true opens only for an organisation's administrator (user.org_admin).
function opensFor(r, user) {
	return r.roles.includes(user.role) && (!r.orgAdmin || !!user.org_admin);
}

export function routeFor(path, user) {
	return ROUTES.find((r) => r.path === path && opensFor(r, user)) || null;
}

export function navFor(user) {
	return ROUTES.filter((r) => r.nav && opensFor(r, user));
}
