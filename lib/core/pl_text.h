/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PL_TEXT_H
#define PL_TEXT_H

#include <apr_pools.h>

/* Number of code points in a string already known to be valid UTF-8. */
apr_size_t pl_text_utf8_chars(const char *s);
/* True when s holds an ASCII control character (or DEL). */
int pl_text_has_ctl(const char *s);
/* The one rule for single-line fields (names, titles): why the valid UTF-8
 * string s is not min..max characters on one line, or NULL when it is. No
 * control characters (C0, DEL, C1) and no line or paragraph separator
 * (U+2028, U+2029): each would break a line in logs, exports and the UI. */
const char *pl_text_line_problem(apr_pool_t *p, const char *s, apr_size_t min, apr_size_t max);
/* s cut to at most max bytes, never inside a UTF-8 character. */
const char *pl_text_cut_bytes(apr_pool_t *p, const char *s, apr_size_t max);
/* Parses a whole decimal string into [min, max]; APR_SUCCESS or PL_EINVAL. */
apr_status_t pl_text_int(const char *s, apr_int64_t min, apr_int64_t max, apr_int64_t *out);
/* v in decimal: how ids travel as SQL parameters and in URLs. */
const char *pl_text_i64(apr_pool_t *p, apr_int64_t v);
/* n bytes of in as lowercase hex into out (2n + 1 bytes with the NUL). */
void pl_text_hex(const unsigned char *in, apr_size_t n, char *out);

/* nbytes of randomness from the OS as lowercase hex. */
const char *pl_text_random_hex(apr_pool_t *p, apr_size_t nbytes);
/* The len bytes of UTF-8 text at s on one line: runs of white space become
 * one space, none at either end, at most max_chars characters (never a
 * character cut in two). *cut (may be NULL) says whether text was left out. */
const char *pl_text_one_line(apr_pool_t *p, const char *s, apr_size_t len, apr_size_t max_chars,
                             int *cut);

#endif
