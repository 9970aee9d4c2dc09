/* Checks of the identifiers printed on a declaration: pure functions, no
 * allocation, no global state. Strings are UTF-8 and need not be
 * NUL-terminated (a length is always given). */
#ifndef KOUAN_VALIDATE_H
#define KOUAN_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#define VIN_LEN 17
#define CONTAINER_LEN 11
#define DECLNO_LEN 18
#define USCC_LEN 18

/* ISO 3779 / GB 16735: the character position 9 must hold, '0'..'9' or 'X'.
 * Returns 0 when s is not 17 characters of the VIN alphabet (0-9, A-Z
 * without I, O, Q). */
char vin_check_digit(const char *s, size_t len);
/* 17 characters of the VIN alphabet (no check digit test). */
bool vin_is_wellformed(const char *s, size_t len);
/* Well formed and the check digit at position 9 matches. */
bool vin_is_valid(const char *s, size_t len);

/* ISO 6346: owner code (3 letters), category (U, J or Z), 6-digit serial,
 * check digit. container_check_digit returns -1 when the first ten
 * characters have the wrong form. */
int container_check_digit(const char *s, size_t len);
bool container_is_wellformed(const char *s, size_t len);
bool container_is_valid(const char *s, size_t len);

/* The 18-digit 海关编号: 4-digit customs district, 4-digit year, 0 export / 1
 * import, 9-digit serial. */
enum declno_direction { DECLNO_INVALID = -1, DECLNO_EXPORT = 0, DECLNO_IMPORT = 1 };
enum declno_direction declno_direction(const char *s, size_t len);
bool declno_is_valid(const char *s, size_t len);
/* The digits of a declaration number as written (separators dropped), NUL
 * terminated, at most out_len - 1 of them: how a number is compared and held.
 * s may be NULL (gives ""). Returns the digits written. */
#define DECLNO_DIGITS_MAX 32
size_t declno_digits(const char *s, char *out, size_t out_len);

/* GB 32100 unified social credit code: 18 characters from
 * 0-9 A-H J-N P-R T U W-Y, the last one the check character. uscc_check_char
 * returns 0 when the first 17 characters have the wrong form. */
char uscc_check_char(const char *s, size_t len);
bool uscc_is_valid(const char *s, size_t len);

/* Vehicle plates: upper case, no spaces (see tests/fixtures/README.md). */
enum plate_form {
	PLATE_NONE = 0,
	PLATE_CN,		/* 新F12345 */
	PLATE_CN_NEW_ENERGY,	/* 新AD12345, 新A12345F */
	PLATE_CN_TRAILER,	/* 新F1234挂 */
	PLATE_KZ,		/* 123ABC02 */
	PLATE_KG,		/* 01KG123ABC */
	PLATE_UZ,		/* 01A123BC */
	PLATE_RU,		/* A123BC77, A123BC124 */
};
/* The form of s, or PLATE_NONE. *trailer is set when the plate is a trailer's
 * (ends in 挂); may be NULL. */
enum plate_form plate_form(const char *s, size_t len, bool *trailer);
/* A Chinese province abbreviation (新, 豫, 京, ...) as a code point. */
bool plate_is_province(unsigned cp);

/* A plate or VIN as kept: ASCII letters in upper case, spaces and tabs
 * dropped, at most CODE_TEXT_MAX bytes, cut only between characters (a
 * UTF-8 lead byte and its continuation bytes stay together). s is NUL
 * terminated; out has room for CODE_TEXT_MAX + 1 bytes and is NUL
 * terminated. Returns the bytes written. */
#define CODE_TEXT_MAX 64	/* bytes of a plate or VIN as typed (a vehicle row's field) */
size_t code_normalise(const char *s, char *out);

/* Contact phone numbers: a Chinese mobile (1[3-9] and 9 digits, +86 or 86
 * before it allowed), a Chinese landline (0, a 2-3 digit area code, a 7-8
 * digit number), or an international number (+, a country code other than
 * 86, 7-15 digits in all, E.164). Spaces, '-' and parentheses between digits
 * are ignored. */
enum phone_form { PHONE_NONE = 0, PHONE_CN_MOBILE, PHONE_CN_LANDLINE, PHONE_INTERNATIONAL };
#define PHONE_TEXT_MAX 32	/* bytes of a phone number as typed */
enum phone_form phone_form(const char *s, size_t len);

#endif
