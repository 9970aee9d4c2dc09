/* libpq, loaded when the first PostgreSQL connection is made (core/lazylib.h):
 * commands that never touch PostgreSQL do not pay for loading it. */
#include <libpq-fe.h>

#include "core/lazylib.h"
#include "store/db.h"

LAZYLIB(libpq, "libpq.so.5");

int store_pq_available(void)
{
	return lazylib_available(&libpq);
}

LAZY(libpq, PGconn *, PQconnectdbParams, (const char *const *k, const char *const *v, int expand), (k, v, expand))
LAZY_VOID(libpq, PQfinish, (PGconn *c), (c))
LAZY_VOID(libpq, PQreset, (PGconn *c), (c))
LAZY(libpq, ConnStatusType, PQstatus, (const PGconn *c), (c))
LAZY(libpq, PGTransactionStatusType, PQtransactionStatus, (const PGconn *c), (c))
LAZY(libpq, char *, PQerrorMessage, (const PGconn *c), (c))
LAZY(libpq, int, PQsocket, (const PGconn *c), (c))
LAZY(libpq, PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *c, PQnoticeProcessor p, void *arg), (c, p, arg))
LAZY(libpq, PGresult *, PQexec, (PGconn *c, const char *q), (c, q))
LAZY(libpq, PGresult *, PQexecParams,
	(PGconn *c, const char *q, int n, const Oid *types, const char *const *values, const int *lengths,
		const int *formats, int result_format),
	(c, q, n, types, values, lengths, formats, result_format))
LAZY_VOID(libpq, PQclear, (PGresult *r), (r))
LAZY(libpq, ExecStatusType, PQresultStatus, (const PGresult *r), (r))
LAZY(libpq, char *, PQresultErrorField, (const PGresult *r, int code), (r, code))
LAZY(libpq, char *, PQcmdStatus, (PGresult *r), (r))
LAZY(libpq, char *, PQcmdTuples, (PGresult *r), (r))
LAZY(libpq, int, PQntuples, (const PGresult *r), (r))
LAZY(libpq, int, PQnfields, (const PGresult *r), (r))
LAZY(libpq, char *, PQgetvalue, (const PGresult *r, int row, int col), (r, row, col))
LAZY(libpq, int, PQgetisnull, (const PGresult *r, int row, int col), (r, row, col))
LAZY(libpq, PGresult *, PQprepare,
	(PGconn *c, const char *name, const char *q, int n, const Oid *types), (c, name, q, n, types))
LAZY(libpq, PGresult *, PQexecPrepared,
	(PGconn *c, const char *name, int n, const char *const *values, const int *lengths, const int *formats,
		int result_format),
	(c, name, n, values, lengths, formats, result_format))
