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
/* The JSON text of the value under key (compact), or NULL when absent. */
const char *pl_json_member_text(apr_pool_t *p, const pl_json_t *obj, const char *key);
/* True when the value under key is JSON true. */
int pl_json_is_true(const pl_json_t *obj, const char *key);
/* The strings of the array under key into *out: 1 when it is an array of
 * strings only (possibly empty), 0 otherwise. */
int pl_json_get_strings(const pl_json_t *obj, const char *key, apr_pool_t *p,
                        apr_array_header_t **out);
/* The number under key (integer or real) into *out: 1 when it is one. */
int pl_json_get_number(const pl_json_t *obj, const char *key, double *out);

/* The object or array under key as a value of its own (p keeps it alive),
 * or NULL when absent or of another type. */
pl_json_t *pl_json_get_object(apr_pool_t *p, const pl_json_t *obj, const char *key);
pl_json_t *pl_json_get_array(apr_pool_t *p, const pl_json_t *obj, const char *key);
/* Elements of an array value. */
apr_size_t pl_json_array_size(const pl_json_t *arr);
pl_json_t *pl_json_array_get(apr_pool_t *p, const pl_json_t *arr, apr_size_t i);
/* The string value itself, for an array of strings; NULL otherwise. */
const char *pl_json_string_value(const pl_json_t *json);

/* The first key of obj that is not in the NULL-terminated list known. */
const char *pl_json_unknown_key(const pl_json_t *obj, const char *const *known);
/* The keys of an object in document order (const char *, copied into p). */
apr_array_header_t *pl_json_keys(apr_pool_t *p, const pl_json_t *obj);
/* 1 and *out set when key holds a JSON integer; 0 for anything else (a real
 * such as 1.0 or a numeric string included), so callers can insist on it. */
int pl_json_get_int(const pl_json_t *obj, const char *key, apr_int64_t *out);

/* Small objects the library signs or hashes, where the exact bytes matter
 * and an escaping or UTF-8 mistake must be an error rather than a
 * replacement character (replies go through pl_jsonw instead). */
pl_json_t *pl_json_object_new(apr_pool_t *p);
/* PL_EINVAL when val is not valid UTF-8 (or memory ran out). */
apr_status_t pl_json_set_str(pl_json_t *obj, const char *key, const char *val);
apr_status_t pl_json_set_int(pl_json_t *obj, const char *key, apr_int64_t val);
/* Compact text in insertion order, copied into p; NULL on failure. */
const char *pl_json_dump(apr_pool_t *p, const pl_json_t *json, apr_size_t *len);

#endif
