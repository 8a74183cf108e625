/* SPDX-License-Identifier: Apache-2.0 */
/* A streaming JSON writer for replies. Jansson parses what clients send
 * (pl_json); replies are written straight into one buffer, because building
 * a Jansson tree and dumping it costs about 15 us per KB here (measured on a
 * 38 KB project list: 570 us), more than the whole budget of a list request.
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 (a file
 * name on disk can hold any) become U+FFFD, so the output is always valid. */
#ifndef PL_JSONW_H
#define PL_JSONW_H

#include <apr_pools.h>

typedef struct pl_jsonw_t pl_jsonw_t;

pl_jsonw_t *pl_jsonw_create(apr_pool_t *p, apr_size_t size_hint);

/* key is the member name inside an object, NULL inside an array or at the
 * top. Keys are the program's own ASCII names and are not escaped; values
 * always are. */
void pl_jsonw_object(pl_jsonw_t *w, const char *key);
void pl_jsonw_array(pl_jsonw_t *w, const char *key);
void pl_jsonw_end(pl_jsonw_t *w);   /* closes the innermost object or array */

void pl_jsonw_str(pl_jsonw_t *w, const char *key, const char *val);  /* NULL: null */
void pl_jsonw_int(pl_jsonw_t *w, const char *key, apr_int64_t val);
void pl_jsonw_bool(pl_jsonw_t *w, const char *key, int val);
/* An id, or null for 0 (none). */
void pl_jsonw_id(pl_jsonw_t *w, const char *key, apr_int64_t id);
/* A finite number in the shortest form that reads back the same: 0.3, not
 * 0.29999999999999999. NaN and infinities are null. */
void pl_jsonw_number(pl_jsonw_t *w, const char *key, double val);
/* That form of a finite val into buf (PL_JSONW_NUMBER_MAX bytes suffice);
 * returns its length. */
#define PL_JSONW_NUMBER_MAX 32
apr_size_t pl_jsonw_format_double(char *buf, apr_size_t size, double val);
/* "key":{"href":"<href><suffix>"}: the form of every _links entry; suffix
 * may be NULL. Like keys, links are the program's own URLs (constants and
 * numeric ids): copied, not escaped. */
void pl_jsonw_link(pl_jsonw_t *w, const char *key, const char *href, const char *suffix);

/* A value that is JSON text already, written by a pl_jsonw_t of ours. */
void pl_jsonw_raw(pl_jsonw_t *w, const char *key, const char *json);

/* The text written so far (NUL-terminated; the writer stays usable). */
const char *pl_jsonw_text(pl_jsonw_t *w, apr_size_t *len);

#endif
