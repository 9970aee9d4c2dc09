/* The one error table: every failure Kouan reports has a code here, with its
 * HTTP status, its stable code string and a message in each UI language. */
#ifndef KOUAN_CORE_ERROR_H
#define KOUAN_CORE_ERROR_H

#define KOUAN_MUST_USE __attribute__((warn_unused_result))

enum lang { LANG_ZH = 0, LANG_RU, LANG_EN, LANG_COUNT };

enum kerr {
	K_OK = 0,
	/* API */
	K_BAD_JSON,
	K_UNAUTHENTICATED,
	K_BAD_CREDENTIALS,	/* also "unauthenticated", with the login form's own message */
	K_CSRF_FAILED,
	K_FORBIDDEN,
	K_NOT_FOUND,
	K_METHOD_NOT_ALLOWED,
	K_CONFLICT,
	K_PAYLOAD_TOO_LARGE,
	K_UNSUPPORTED_MEDIA_TYPE,
	K_VALIDATION_FAILED,
	K_RATE_LIMITED,
	K_HEADERS_TOO_LARGE,
	K_DB_UNAVAILABLE,
	K_INTERNAL,
	K_BAD_REQUEST,		/* HTTP framing a proxy could read otherwise (issue 9) */
	K_NOT_IMPLEMENTED,	/* a transfer coding other than chunked */
	/* declaration recognition: the refusal classes */
	K_EMPTY_FILE,
	K_NOT_PDF,
	K_CORRUPT_PDF,
	K_ENCRYPTED_PDF,
	K_NO_TEXT,
	K_NOT_A_DECLARATION,
	K_TOO_MANY_PAGES,
	K_RESOURCE_LIMIT,
	K_MULTIPLE_DECLARATIONS,
	/* VIN spreadsheets */
	K_NOT_SPREADSHEET,
	K_NO_VIN_COLUMN,
	K_TOO_MANY_ROWS,
	/* bookings */
	K_DECLARATION_IN_USE,	/* another booking holds the declaration number */
	K_VIN_IN_USE,		/* another booking holds a VIN */
	K_WRONG_STATE,		/* the booking's state does not allow this */
	K_BUSY,			/* the recognition queue is full */
	/* crossing capacity */
	K_CAPACITY_FULL,
	K_ORG_CAP_REACHED,
	K_CAPACITY_BELOW_TAKEN,
	/* accounts */
	K_PENDING_APPROVAL,	/* the user's application waits for the bureau */
	K_SECOND_FACTOR_REQUIRED,	/* the password was right; a TOTP or recovery code must follow */
	K_SECOND_FACTOR_WRONG,	/* a wrong, replayed or already used code */
	K_SECOND_FACTOR_EXPIRED,	/* no pending login (none, or older than its few minutes) */
	/* search */
	K_SEARCH_TOO_BROAD,	/* more matches than a request may read, none among the newest: a longer term is needed */
	K_ERR_COUNT
};

struct kerr_info {
	const char *code;	/* stable, e.g. "validation_failed" */
	int http_status;
	const char *message[LANG_COUNT];
};

/* Never NULL: an out-of-range value gives the K_INTERNAL entry. */
const struct kerr_info *kerr_info(enum kerr e);
const char *kerr_code(enum kerr e);
const char *kerr_message(enum kerr e, enum lang lang);

/* "zh", "ru", "en" (also "zh-CN", "ru_RU", ...) -> lang; returns -1 when unknown. */
int lang_parse(const char *s, int len);
/* The first supported language of an Accept-Language header, or LANG_ZH. */
enum lang lang_from_accept(const char *header);
const char *lang_name(enum lang lang);

#endif
