/* SPDX-License-Identifier: Apache-2.0 */
/* JSON that clients send, parsed by Jansson into values owned by a pool.
 * The only file that sees Jansson: parsing of untrusted input is strict and
 * bounded here, once. Replies are written by pl_jsonw. */
#ifndef PL_JSON_H
#define PL_JSON_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct pl_json_t pl_json_t;

typedef enum {
    PL_JSON_ABSENT = 0, PL_JSON_NULL, PL_JSON_STRING, PL_JSON_INTEGER,
    PL_JSON_REAL, PL_JSON_BOOL, PL_JSON_OBJECT, PL_JSON_ARRAY
} pl_json_type_e;

/* Parses exactly one JSON document of len bytes. Rejects nesting deeper than
 * max_depth, invalid UTF-8, duplicate keys, \u0000, numbers out of range and
 * trailing data. On failure returns PL_EJSON and a message for the client. */
apr_status_t pl_json_parse(pl_json_t **pjson, apr_pool_t *p, const char *data,
                           apr_size_t len, int max_depth, const char **perr);

pl_json_type_e pl_json_type(const pl_json_t *json);
pl_json_type_e pl_json_type_of(const pl_json_t *obj, const char *key);
/* The string under key, or NULL when absent or not a string. */
const char *pl_json_get_str(const pl_json_t *obj, const char *key);
/* The first key of obj that is not in the NULL-terminated list known. */
const char *pl_json_unknown_key(const pl_json_t *obj, const char *const *known);

#endif
