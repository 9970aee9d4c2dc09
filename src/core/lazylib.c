#include "core/lazylib.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "core/log.h"

/* pthread_once passes no argument: the library being opened is handed over
 * in a thread-local. */
static _Thread_local struct lazylib *opening;

static void open_lib(void)
{
	if (opening->before)
		opening->before();
	opening->handle = dlopen(opening->soname, RTLD_NOW | RTLD_LOCAL);
	if (opening->handle == NULL)
		log_error("msg=\"cannot load a library\" lib=%s error=\"%s\"", opening->soname, dlerror());
}

int lazylib_available(struct lazylib *lib)
{
	opening = lib;
	pthread_once(&lib->once, open_lib);
	return lib->handle != NULL;
}

void *lazylib_sym(struct lazylib *lib, const char *name)
{
	if (!lazylib_available(lib)) {
		log_error("msg=\"library missing\" lib=%s symbol=%s", lib->soname, name);
		abort();
	}
	void *p = dlsym(lib->handle, name);
	if (p == NULL) {
		log_error("msg=\"symbol missing\" lib=%s symbol=%s", lib->soname, name);
		abort();
	}
	return p;
}
