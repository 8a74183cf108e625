/* SPDX-License-Identifier: Apache-2.0 */
/* JSON values owned by a pool. The only part of the project that sees
 * Jansson: parsing of untrusted input is strict and bounded here, once. */
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

pl_json_t *pl_json_object(apr_pool_t *p);
pl_json_t *pl_json_array(apr_pool_t *p);

/* Setters on an object; a NULL string sets JSON null. */
void pl_json_set_str(pl_json_t *obj, const char *key, const char *val);
void pl_json_set_int(pl_json_t *obj, const char *key, apr_int64_t val);
void pl_json_set_bool(pl_json_t *obj, const char *key, int val);
void pl_json_set(pl_json_t *obj, const char *key, pl_json_t *val);
void pl_json_append(pl_json_t *arr, pl_json_t *val);
/* Sets {"href": href} under key: the form of every _links entry. */
void pl_json_set_link(pl_json_t *links, const char *key, const char *href);

pl_json_type_e pl_json_type(const pl_json_t *json);
pl_json_type_e pl_json_type_of(const pl_json_t *obj, const char *key);
/* The string under key, or NULL when absent or not a string. */
const char *pl_json_get_str(const pl_json_t *obj, const char *key);
/* The first key of obj that is not in the NULL-terminated list known. */
const char *pl_json_unknown_key(const pl_json_t *obj, const char *const *known);

/* Compact serialisation, allocated from p. */
const char *pl_json_dump(const pl_json_t *json, apr_pool_t *p, apr_size_t *plen);

#endif
