/* Shared libraries loaded on first use, not at start.
 *
 * Each command pays at start for every library the binary links: Tesseract
 * and Leptonica alone cost 13 ms, libpq and libmicrohttpd (with their TLS
 * stacks) 5 and 2.5 ms, more than reading a whole declaration. Libraries
 * that only some commands need are therefore reached through forwarders
 * (pq_lazy.c, mhd_lazy.c, ocr_lazy.c): functions with the library's own names
 * and prototypes that open the library the first time one of them is called. */
#ifndef KOUAN_CORE_LAZYLIB_H
#define KOUAN_CORE_LAZYLIB_H

#include <pthread.h>

struct lazylib {
	const char *soname;	/* e.g. "libpq.so.5" */
	void (*before)(void);	/* run once before the library is opened, or NULL */
	pthread_once_t once;
	void *handle;
};

#define LAZYLIB(var, so) static struct lazylib var = {so, 0, PTHREAD_ONCE_INIT, 0}
#define LAZYLIB_BEFORE(var, so, fn) static struct lazylib var = {so, fn, PTHREAD_ONCE_INIT, 0}

/* 1 when the library could be opened (it is opened on the first call). */
int lazylib_available(struct lazylib *lib);
/* The address of name in lib; a missing library or symbol is fatal (logged,
 * then abort), so callers check lazylib_available at their entry points. */
void *lazylib_sym(struct lazylib *lib, const char *name);

/* Define a forwarder: LAZY(lib, return type, name, (parameters), (arguments)). */
#define LAZY(lib, ret, name, params, args) \
	ret name params \
	{ \
		static ret(*lazy_fn_) params; \
		ret(*lazy_f_) params = __atomic_load_n(&lazy_fn_, __ATOMIC_ACQUIRE); \
		if (lazy_f_ == NULL) { \
			lazy_f_ = (ret(*) params)lazylib_sym(&lib, #name); \
			__atomic_store_n(&lazy_fn_, lazy_f_, __ATOMIC_RELEASE); \
		} \
		return lazy_f_ args; \
	}
#define LAZY_VOID(lib, name, params, args) \
	void name params \
	{ \
		static void(*lazy_fn_) params; \
		void(*lazy_f_) params = __atomic_load_n(&lazy_fn_, __ATOMIC_ACQUIRE); \
		if (lazy_f_ == NULL) { \
			lazy_f_ = (void(*) params)lazylib_sym(&lib, #name); \
			__atomic_store_n(&lazy_fn_, lazy_f_, __ATOMIC_RELEASE); \
		} \
		lazy_f_ args; \
	}

#endif
