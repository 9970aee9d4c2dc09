/* Logging in and out, the caller of a request, and the user's own settings.
 *
 * The cookie holds 32 random bytes (hex); the database keeps only their
 * SHA-256, so a copy of the database opens no session. A session's caller
 * (user, organisation, rendered /me bodies) is cached in memory for a few
 * seconds, and confirmed at every request by one statement
 * (store_session_check): a logout, a password change, a disabling, a new site
 * of a warehouse on any server sharing the database counts from the next
 * request. The last-seen time is written at most once a minute. */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/throttle.h"
#include "store/registrations.h"
#include "auth/password.h"
#include "core/log.h"

#define COOKIE_NAME "kouan_session"
#define TOKEN_BYTES 32
#define CACHE_TTL_S 5		/* how long a caller is kept between full reads (its rights are checked every time) */
#define TOUCH_EVERY_S 60	/* how often last_seen is written (a quarter of the idle time when shorter) */
#define CACHE_SHARDS 64
#define CACHE_PER_SHARD 512
#define USERNAME_MAX 64
#define BACKOFF_DOUBLINGS_MAX 30
#define ADDR_SUBJECT ""		/* the address's own count */

/* A cached session, found by the cookie's own value (random, so its first
 * characters pick the shard) and compared in constant time. The rendered
 * GET /api/v1/me body is kept too, one per language, built on first use. */
struct cached {
	struct caller who;
	int64_t fetched_at;
	char *me[LANG_COUNT];
	struct cached *next;
};

struct session_cache {
	struct {
		pthread_mutex_t lock;
		struct cached *head;
		int n;
	} shard[CACHE_SHARDS];
};

struct session_cache *session_cache_new(void)
{
	struct session_cache *sc = xcalloc(1, sizeof *sc);
	for (int i = 0; i < CACHE_SHARDS; i++)
		pthread_mutex_init(&sc->shard[i].lock, NULL);
	return sc;
}

static void entry_free(struct cached *e)
{
	for (int l = 0; l < LANG_COUNT; l++)
		free(e->me[l]);
	sodium_memzero(e, sizeof *e);
	free(e);
}

static void shard_clear(struct cached *e)
{
	while (e) {
		struct cached *next = e->next;
		entry_free(e);
		e = next;
	}
}

void session_cache_free(struct session_cache *sc)
{
	if (sc == NULL)
		return;
	for (int i = 0; i < CACHE_SHARDS; i++) {
		shard_clear(sc->shard[i].head);
		pthread_mutex_destroy(&sc->shard[i].lock);
	}
	free(sc);
}

static unsigned shard_of(const char *token)
{
	/* tokens are random hex: their first characters are already uniform */
	return (unsigned)strtoul((char[3]){token[0], token[1], 0}, NULL, 16) % CACHE_SHARDS;
}

static int same_token(const char *a, const char *b)
{
	return sodium_memcmp(a, b, TOKEN_BYTES * 2) == 0;
}

/* The live entry for token in its (locked) shard, or NULL. */
static struct cached *find(struct session_cache *sc, unsigned s, const char *token, int64_t now)
{
	for (struct cached *e = sc->shard[s].head; e; e = e->next)
		if (same_token(e->who.token, token) && now - e->fetched_at < CACHE_TTL_S)
			return e;
	return NULL;
}

static int cache_get(struct session_cache *sc, const char *token, int64_t now, struct caller *out)
{
	unsigned s = shard_of(token);
	pthread_mutex_lock(&sc->shard[s].lock);
	struct cached *e = find(sc, s, token, now);
	if (e)
		*out = e->who;
	pthread_mutex_unlock(&sc->shard[s].lock);
	return e != NULL;
}

static void cache_put(struct session_cache *sc, const struct caller *who, int64_t now)
{
	unsigned s = shard_of(who->token);
	pthread_mutex_lock(&sc->shard[s].lock);
	struct cached **pp = &sc->shard[s].head;
	while (*pp) {	/* replace an older copy, drop expired ones */
		struct cached *e = *pp;
		if (same_token(e->who.token, who->token) || now - e->fetched_at >= CACHE_TTL_S) {
			*pp = e->next;
			sc->shard[s].n--;
			entry_free(e);
			continue;
		}
		pp = &e->next;
	}
	if (sc->shard[s].n >= CACHE_PER_SHARD) {
		shard_clear(sc->shard[s].head);
		sc->shard[s].head = NULL;
		sc->shard[s].n = 0;
	}
	struct cached *e = xcalloc(1, sizeof *e);
	e->who = *who;
	e->fetched_at = now;
	e->next = sc->shard[s].head;
	sc->shard[s].head = e;
	sc->shard[s].n++;
	pthread_mutex_unlock(&sc->shard[s].lock);
}

void session_cache_forget(struct session_cache *sc, const char *token_hash, int64_t user_id)
{
	for (int s = 0; s < CACHE_SHARDS; s++) {
		pthread_mutex_lock(&sc->shard[s].lock);
		struct cached **pp = &sc->shard[s].head;
		while (*pp) {
			struct cached *e = *pp;
			if ((token_hash && strcmp(e->who.session.token_hash, token_hash) == 0) ||
				(user_id && e->who.user.id == user_id)) {
				*pp = e->next;
				sc->shard[s].n--;
				entry_free(e);
				continue;
			}
			pp = &e->next;
		}
		pthread_mutex_unlock(&sc->shard[s].lock);
	}
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static void random_hex(char *out, size_t out_len)
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, out_len, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

static void token_hash(const char *token, char out[STORE_TOKEN_MAX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, STORE_TOKEN_MAX, h, sizeof h);
}

int session_token_form_ok(const char *t)
{
	size_t n = strlen(t);
	if (n != TOKEN_BYTES * 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
			return 0;
	return 1;
}

static int expired(const struct app *app, const struct session *s, int64_t now)
{
	return now - s->created_at >= app->set.session_max_s || now - s->last_seen >= app->set.session_idle_s;
}

/* Load session, user and organisation from the database. */
static enum kerr load_caller(struct app *app, const char *hash, struct caller *out)
{
	memset(out, 0, sizeof *out);
	enum kerr e = store_session_get(app->store, hash, &out->session);
	if (e != K_OK)
		return e == K_NOT_FOUND ? K_UNAUTHENTICATED : e;
	if ((e = store_user_get(app->store, out->session.user_id, &out->user)) != K_OK)
		return e == K_NOT_FOUND ? K_UNAUTHENTICATED : e;
	if (out->user.org_id && (e = store_org_get(app->store, out->user.org_id, &out->org)) != K_OK)
		return e == K_NOT_FOUND ? K_UNAUTHENTICATED : e;
	return K_OK;
}

/* The database agrees with the cached caller on everything its rights rest on. */
static int still_same(const struct caller *who, const struct session_check *k)
{
	return k->user_id == who->user.id && k->disabled == who->user.disabled && k->org_admin == who->user.org_admin &&
		k->org_id == who->user.org_id && k->site_id == who->org.site_id && strcmp(k->role, who->user.role) == 0 &&
		strcmp(k->lang, who->user.lang) == 0;
}

/* The cached caller when the database confirms it (one statement), else the
 * caller read whole and cached. */
static enum kerr current_caller(struct app *app, const char *token, int64_t now, struct caller *out)
{
	if (cache_get(app->sessions, token, now, out)) {
		struct session_check k;
		enum kerr e = store_session_check(app->store, out->session.token_hash, &k);
		if (e == K_NOT_FOUND) {
			session_cache_forget(app->sessions, out->session.token_hash, 0);
			return K_UNAUTHENTICATED;
		}
		if (e != K_OK)
			return e;
		if (still_same(out, &k)) {
			if (k.last_seen > out->session.last_seen)
				out->session.last_seen = k.last_seen;	/* another server's touch */
			return K_OK;
		}
	}
	char hash[STORE_TOKEN_MAX];
	token_hash(token, hash);
	enum kerr e = load_caller(app, hash, out);
	if (e != K_OK)
		return e;
	memcpy(out->token, token, sizeof out->token);
	cache_put(app->sessions, out, now);
	return K_OK;
}

enum kerr session_resolve(struct api_ctx *c, struct caller *out)
{
	char token[TOKEN_BYTES * 2 + 2], hash[STORE_TOKEN_MAX];
	if (http_cookie(c->req, COOKIE_NAME, token, sizeof token) == NULL || !session_token_form_ok(token))
		return K_UNAUTHENTICATED;
	struct app *app = c->app;
	int64_t now = now_s();
	enum kerr e = current_caller(app, token, now, out);
	if (e != K_OK)
		return e;
	memcpy(hash, out->session.token_hash, sizeof hash);
	if (out->user.disabled)
		return K_UNAUTHENTICATED;
	if (expired(app, &out->session, now)) {
		if (store_session_delete(app->store, hash) != K_OK)
			log_warn("msg=\"expired session not deleted\"");
		session_cache_forget(app->sessions, hash, 0);
		return K_UNAUTHENTICATED;
	}
	int64_t every = app->set.session_idle_s / 4 < TOUCH_EVERY_S ? app->set.session_idle_s / 4 : TOUCH_EVERY_S;
	if (now - out->session.last_seen >= every) {
		if (store_session_touch(app->store, hash, now) == K_OK) {
			out->session.last_seen = now;
			cache_put(app->sessions, out, now);
		}
	}
	return K_OK;
}

void session_cookie(struct api_ctx *c, const char *name, const char *value, long max_age)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s", name, value,
		max_age, http_is_secure(c->req) ? "; Secure" : "");
	http_add_header(c->req, "Set-Cookie", cookie);
}

static void set_cookie(struct api_ctx *c, const char *value, long max_age)
{
	session_cookie(c, COOKIE_NAME, value, max_age);
}

void session_secret_new(char out[SESSION_SECRET_HEX])
{
	random_hex(out, SESSION_SECRET_HEX);
}

void session_secret_hash(const char *secret, char out[STORE_TOKEN_MAX])
{
	token_hash(secret, out);
}

int session_secret_form_ok(const char *secret)
{
	return session_token_form_ok(secret);
}

static json_t *me_body(struct api_ctx *c, const struct caller *who)
{
	json_t *org = org_json(&who->org);
	return json_pack("{s:{s:I,s:s,s:s,s:b},s:o,s:s,s:s}", "user", "id", (json_int_t)who->user.id, "username",
		who->user.username, "role", who->user.role, "org_admin", who->user.org_admin, "organisation", org, "csrf_token", who->session.csrf_token, "lang",
		lang_name(c->lang));
}

/* A new session for user; answers with the me body and the members of extra
 * (stolen, may be NULL). */
void session_start(struct api_ctx *c, struct caller *who, json_t *extra)
{
	char token[TOKEN_BYTES * 2 + 1];
	random_hex(token, sizeof token);
	int64_t now = now_s();
	memset(&who->session, 0, sizeof who->session);
	token_hash(token, who->session.token_hash);
	random_hex(who->session.csrf_token, sizeof who->session.csrf_token);
	who->session.user_id = who->user.id;
	who->session.created_at = now;
	who->session.last_seen = now;
	enum kerr e = store_session_create(c->app->store, &who->session);
	if (e != K_OK) {
		sodium_memzero(token, sizeof token);
		json_decref(extra);
		api_error(c, e);
		return;
	}
	memcpy(who->token, token, sizeof who->token);
	cache_put(c->app->sessions, who, now);
	set_cookie(c, token, c->app->set.session_max_s);
	sodium_memzero(token, sizeof token);
	int ul = lang_parse(who->user.lang, (int)strlen(who->user.lang));
	if (ul >= 0 && http_query(c->req, "lang") == NULL)
		c->lang = (enum lang)ul;
	json_t *body = me_body(c, who);
	if (extra) {
		json_object_update(body, extra);
		json_decref(extra);
	}
	api_json(c, 200, body);
}

static void start_session(struct api_ctx *c, struct caller *who)
{
	session_start(c, who, NULL);
}

static const char *const throttle_kinds[THROTTLE_KIND_COUNT] = {"login", "totp", "register", "reset"};

/* The wait after n failures when the first `free` cost nothing. */
static int64_t backoff_s(int64_t n, long free, long first_s, long window_s)
{
	if (n < free)
		return 0;
	int64_t over = n - free;
	int64_t wait = (int64_t)first_s << (over < BACKOFF_DOUBLINGS_MAX ? over : BACKOFF_DOUBLINGS_MAX);
	return wait < window_s ? wait : window_s;
}

/* Seconds still to wait for one count (0: none). */
static enum kerr count_wait(struct app *app, const char *kind, const char *subject, const char *addr, long free,
	int64_t now, int64_t *wait)
{
	int64_t n = 0, last = 0;
	enum kerr e = store_throttle_get(app->store, kind, subject, addr, now - app->set.login_window_s, &n, &last);
	int64_t until = last + backoff_s(n, free, app->set.login_backoff_s, app->set.login_window_s);
	*wait = e == K_OK && n >= free && until > now ? until - now : 0;
	return e;
}

enum kerr throttle_check(struct app *app, enum throttle_kind kind, const char *subject, const char *addr,
	long *retry_after_s)
{
	int64_t now = now_s(), pair = 0, all = 0;
	enum kerr e = count_wait(app, throttle_kinds[kind], subject, addr, app->set.login_max_per_user, now, &pair);
	if (e == K_OK)
		e = count_wait(app, throttle_kinds[kind], ADDR_SUBJECT, addr, app->set.login_max_per_addr, now, &all);
	if (e != K_OK)
		return e;
	*retry_after_s = (long)(pair > all ? pair : all);
	return *retry_after_s > 0 ? K_RATE_LIMITED : K_OK;
}

enum kerr throttle_fail(struct app *app, enum throttle_kind kind, const char *subject, const char *addr)
{
	int64_t now = now_s(), since = now - app->set.login_window_s, n = 0;
	enum kerr e = store_throttle_fail(app->store, throttle_kinds[kind], subject, addr, now, since, &n);
	if (e == K_OK)
		e = store_throttle_fail(app->store, throttle_kinds[kind], ADDR_SUBJECT, addr, now, since, &n);
	return e;
}

enum kerr throttle_succeed(struct app *app, enum throttle_kind kind, const char *subject, const char *addr)
{
	return store_throttle_clear(app->store, throttle_kinds[kind], subject, addr);
}

void throttle_answer(struct api_ctx *c, long retry_after_s)
{
	char v[24];
	snprintf(v, sizeof v, "%ld", retry_after_s > 0 ? retry_after_s : 1);
	http_add_header(c->req, "Retry-After", v);
	api_error(c, K_RATE_LIMITED);
}

int session_login_may_try(struct api_ctx *c, const char *subject, const char *addr)
{
	long wait = 0;
	enum kerr e = throttle_check(c->app, THROTTLE_LOGIN, subject, addr, &wait);
	if (e == K_RATE_LIMITED)
		throttle_answer(c, wait);
	else if (e != K_OK)
		api_error(c, e);
	return e == K_OK;
}

/* The username and the password present and within their limits; if not,
 * the answer is sent (field errors) and 0 returned. */
static int login_fields_valid(struct api_ctx *c, const char *name, const char *pw)
{
	json_t *fields = json_array();
	if (name == NULL || *name == '\0')
		field_error(c, fields, "username", FIELD_REQUIRED);
	else if (strlen(name) > USERNAME_MAX)
		field_error(c, fields, "username", FIELD_TOO_LONG);
	if (pw == NULL || *pw == '\0')
		field_error(c, fields, "password", FIELD_REQUIRED);
	else if (strlen(pw) > AUTH_PASSWORD_MAX)
		field_error(c, fields, "password", FIELD_TOO_LONG);
	if (json_array_size(fields) > 0) {
		api_invalid(c, fields);
		return 0;
	}
	json_decref(fields);
	return 1;
}

enum login_outcome { LOGIN_WRONG, LOGIN_PENDING, LOGIN_RIGHT };

/* The account by its name and the password checked against it, in the same
 * time whether or not the name exists. An account still waiting for the
 * bureau's decision is LOGIN_PENDING only when the password is right. */
static enum kerr login_check_password(struct api_ctx *c, const char *name, const char *pw, struct caller *who,
	enum login_outcome *outcome)
{
	*outcome = LOGIN_WRONG;
	enum kerr e = store_user_by_name(c->app->store, name, &who->user);
	if (e == K_NOT_FOUND) {
		auth_password_burn(pw, strlen(pw));
		return K_OK;
	}
	if (e != K_OK || !auth_password_verify(who->user.password_hash, pw, strlen(pw)))
		return e;
	if (!who->user.disabled)
		*outcome = LOGIN_RIGHT;
	else if (store_registration_user_pending(c->app->store, who->user.id))
		*outcome = LOGIN_PENDING;
	return K_OK;
}

void session_login(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	const char *name = json_str(body, "username"), *pw = json_str(body, "password");
	if (!login_fields_valid(c, name, pw))
		goto out;
	/* failures count per (account, address): the folded name, so that ENT1 and ent1 are one account */
	char subject[STORE_NAME_MAX];
	if (store_username_key(name, subject, sizeof subject) != 0)
		snprintf(subject, sizeof subject, "%s", name);
	const char *addr = http_client_addr(c->req);
	if (!session_login_may_try(c, subject, addr))
		goto out;

	struct caller who;
	memset(&who, 0, sizeof who);
	enum login_outcome outcome;
	enum kerr e = login_check_password(c, name, pw, &who, &outcome);
	if (e != K_OK)
		api_error(c, e);
	else if (outcome == LOGIN_PENDING)	/* the right password of an application the bureau has not decided */
		api_error(c, K_PENDING_APPROVAL);
	else if (outcome == LOGIN_WRONG) {
		e = throttle_fail(c->app, THROTTLE_LOGIN, subject, addr);
		log_info("msg=\"login failed\" req=%s addr=%s", http_request_id(c->req), addr);
		api_error(c, e != K_OK ? e : K_BAD_CREDENTIALS);
	}
	/* the pair's failures are cleared only once the whole login succeeds: a
	 * right password does not buy more guesses of the code */
	else if (!totp_login_pending(c, &who.user)) {
		if (throttle_succeed(c->app, THROTTLE_LOGIN, subject, addr) != K_OK)
			log_warn("msg=\"login failures not cleared\"");
		if (who.user.org_id && (e = store_org_get(c->app->store, who.user.org_id, &who.org)) != K_OK)
			api_error(c, e);
		else {
			log_info("msg=\"login\" req=%s user=%lld", http_request_id(c->req), (long long)who.user.id);
			start_session(c, &who);
		}
	}
out:
	json_decref(body);
}

void session_logout(struct api_ctx *c)
{
	enum kerr e = store_session_delete(c->app->store, c->who->session.token_hash);
	session_cache_forget(c->app->sessions, c->who->session.token_hash, 0);
	if (e != K_OK && e != K_NOT_FOUND) {
		api_error(c, e);
		return;
	}
	set_cookie(c, "", 0);
	api_no_content(c);
}

/* The hot path of a signed-in page: answered from the session cache's
 * rendering when there is one. */
void session_me(struct api_ctx *c)
{
	struct session_cache *sc = c->app->sessions;
	char body[2048];
	size_t len = 0;
	unsigned s = shard_of(c->who->token);
	pthread_mutex_lock(&sc->shard[s].lock);
	struct cached *e = find(sc, s, c->who->token, now_s());
	if (e && e->me[c->lang] == NULL) {
		json_t *j = me_body(c, c->who);
		e->me[c->lang] = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	if (e && e->me[c->lang] && (len = strlen(e->me[c->lang])) < sizeof body)
		memcpy(body, e->me[c->lang], len + 1);
	else
		len = 0;
	pthread_mutex_unlock(&sc->shard[s].lock);
	if (len == 0) {
		api_json(c, 200, me_body(c, c->who));
		return;
	}
	http_add_header(c->req, "Cache-Control", "no-store");
	http_respond(c->req, 200, "application/json; charset=utf-8", body, len);
}

void session_set_lang(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	const char *l = json_str(body, "lang");
	int lang = l && strlen(l) == 2 ? lang_parse(l, 2) : -1;
	if (lang < 0) {
		enum field_problem p = l ? FIELD_UNKNOWN_CHOICE : FIELD_REQUIRED;
		json_decref(body);
		api_invalid_field(c, "lang", p);
		return;
	}
	json_decref(body);
	enum kerr e = store_user_set_lang(c->app->store, c->who->user.id, lang_name((enum lang)lang));
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	session_cache_forget(c->app->sessions, NULL, c->who->user.id);
	snprintf(c->who->user.lang, sizeof c->who->user.lang, "%s", lang_name((enum lang)lang));
	c->lang = (enum lang)lang;
	api_json(c, 200, me_body(c, c->who));
}

void session_set_password(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	const char *cur = json_str(body, "current_password"), *nw = json_str(body, "new_password");
	json_t *fields = json_array();
	if (cur == NULL || *cur == '\0')
		field_error(c, fields, "current_password", FIELD_REQUIRED);
	else if (strlen(cur) > AUTH_PASSWORD_MAX || !auth_password_verify(c->who->user.password_hash, cur, strlen(cur)))
		field_error(c, fields, "current_password", FIELD_WRONG);
	enum field_problem pp = password_problem(nw);
	if (pp != FIELD_PROBLEM_COUNT)
		field_error(c, fields, "new_password", pp);
	if (json_array_size(fields) > 0) {
		json_decref(body);
		api_invalid(c, fields);
		return;
	}
	json_decref(fields);
	char hash[STORE_HASH_MAX];
	enum kerr e = auth_password_hash(nw, strlen(nw), hash);
	json_decref(body);
	if (e == K_OK)
		e = store_user_set_password(c->app->store, c->who->user.id, hash);
	/* Every other session of the user ends; this one continues under a new token. */
	if (e == K_OK)
		e = store_session_delete_user(c->app->store, c->who->user.id);
	session_cache_forget(c->app->sessions, NULL, c->who->user.id);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	snprintf(c->who->user.password_hash, sizeof c->who->user.password_hash, "%s", hash);
	start_session(c, c->who);
}
