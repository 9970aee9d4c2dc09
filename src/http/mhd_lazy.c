/* libmicrohttpd (and the TLS stack it links), loaded when the server starts
 * (core/lazylib.h): the other commands do not pay for loading it. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <microhttpd.h>

#include "core/lazylib.h"

LAZYLIB(libmhd, "libmicrohttpd.so.12");

int http_library_available(void)
{
	return lazylib_available(&libmhd);
}

LAZY(libmhd, struct MHD_Daemon *, MHD_start_daemon_va,
	(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls, MHD_AccessHandlerCallback dh,
		void *dh_cls, va_list ap),
	(flags, port, apc, apc_cls, dh, dh_cls, ap))
LAZY_VOID(libmhd, MHD_stop_daemon, (struct MHD_Daemon *d), (d))
LAZY(libmhd, enum MHD_Result, MHD_add_connection,
	(struct MHD_Daemon *d, MHD_socket fd, const struct sockaddr *addr, socklen_t addrlen), (d, fd, addr, addrlen))
LAZY(libmhd, enum MHD_Result, MHD_add_response_header, (struct MHD_Response *r, const char *h, const char *v), (r, h, v))
LAZY(libmhd, struct MHD_Response *, MHD_create_response_from_buffer,
	(size_t size, void *buffer, enum MHD_ResponseMemoryMode mode), (size, buffer, mode))
LAZY_VOID(libmhd, MHD_destroy_response, (struct MHD_Response *r), (r))
LAZY(libmhd, int, MHD_get_connection_values,
	(struct MHD_Connection *c, enum MHD_ValueKind kind, MHD_KeyValueIterator it, void *cls), (c, kind, it, cls))
LAZY(libmhd, const char *, MHD_lookup_connection_value, (struct MHD_Connection *c, enum MHD_ValueKind kind, const char *key),
	(c, kind, key))
LAZY(libmhd, const char *, MHD_get_reason_phrase_for, (unsigned int code), (code))
LAZY(libmhd, enum MHD_Result, MHD_queue_response, (struct MHD_Connection *c, unsigned int status, struct MHD_Response *r),
	(c, status, r))

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls,
	MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	va_list ap;
	va_start(ap, dh_cls);
	struct MHD_Daemon *d = MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

/* The information kind server.c asks for takes no further arguments. */
typedef const union MHD_ConnectionInfo *(*conn_info_fn)(struct MHD_Connection *, enum MHD_ConnectionInfoType, ...);

const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *c, enum MHD_ConnectionInfoType type, ...)
{
	static conn_info_fn fn;
	conn_info_fn f = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);
	if (f == NULL) {
		f = (conn_info_fn)lazylib_sym(&libmhd, "MHD_get_connection_info");
		__atomic_store_n(&fn, f, __ATOMIC_RELEASE);
	}
	return f(c, type);
}

LAZY_VOID(libmhd, MHD_suspend_connection, (struct MHD_Connection *c), (c))
LAZY_VOID(libmhd, MHD_resume_connection, (struct MHD_Connection *c), (c))
