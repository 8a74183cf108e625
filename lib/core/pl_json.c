/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <jansson.h>

#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "core/pl_status.h"

struct pl_json_t {
    json_t *j;
};

static apr_status_t json_release(void *data)
{
    json_decref(data);
    return APR_SUCCESS;
}

/* Takes over the reference to j: the pool drops it. */
static pl_json_t *wrap(apr_pool_t *p, json_t *j)
{
    pl_json_t *w = apr_palloc(p, sizeof(*w));

    w->j = j;
    apr_pool_cleanup_register(p, j, json_release, apr_pool_cleanup_null);
    return w;
}

/* Jansson's own depth limit is a compile-time 2048; ours is the admin's.
 * Brackets inside strings do not count. */
static int too_deep(const char *s, apr_size_t len, int max_depth)
{
    int depth = 0, in_str = 0;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        }
        else if (c == '"')
            in_str = 1;
        else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                return 1;
        }
        else if (c == ']' || c == '}')
            depth--;
    }
    return 0;
}

apr_status_t pl_json_parse(pl_json_t **pjson, apr_pool_t *p, const char *data,
                           apr_size_t len, int max_depth, const char **perr)
{
    json_error_t err;
    json_t *j;

    *pjson = NULL;
    if (len == 0) {
        *perr = "empty body";
        return PL_EJSON;
    }
    if (too_deep(data, len, max_depth)) {
        *perr = apr_psprintf(p, "nesting deeper than %d levels", max_depth);
        return PL_EJSON;
    }
    j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        *perr = apr_psprintf(p, "%s at line %d column %d", err.text, err.line, err.column);
        return PL_EJSON;
    }
    *pjson = wrap(p, j);
    return APR_SUCCESS;
}

static pl_json_type_e type_of(const json_t *j)
{
    if (!j)
        return PL_JSON_ABSENT;
    switch (json_typeof(j)) {
    case JSON_NULL:    return PL_JSON_NULL;
    case JSON_STRING:  return PL_JSON_STRING;
    case JSON_INTEGER: return PL_JSON_INTEGER;
    case JSON_REAL:    return PL_JSON_REAL;
    case JSON_TRUE:
    case JSON_FALSE:   return PL_JSON_BOOL;
    case JSON_OBJECT:  return PL_JSON_OBJECT;
    case JSON_ARRAY:   return PL_JSON_ARRAY;
    }
    return PL_JSON_ABSENT;
}

pl_json_type_e pl_json_type(const pl_json_t *json)
{
    return json ? type_of(json->j) : PL_JSON_ABSENT;
}

pl_json_type_e pl_json_type_of(const pl_json_t *obj, const char *key)
{
    return type_of(json_object_get(obj->j, key));
}

const char *pl_json_get_str(const pl_json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj->j, key));
}

const char *pl_json_unknown_key(const pl_json_t *obj, const char *const *known)
{
    const char *key;
    json_t *val;

    json_object_foreach(obj->j, key, val) {
        const char *const *k;
        for (k = known; *k && strcmp(*k, key); k++)
            ;
        if (!*k)
            return key;
    }
    return NULL;
}

int pl_json_get_int(const pl_json_t *obj, const char *key, apr_int64_t *out)
{
    json_t *v = json_object_get(obj->j, key);

    if (!json_is_integer(v))
        return 0;
    *out = (apr_int64_t)json_integer_value(v);
    return 1;
}

pl_json_t *pl_json_object_new(apr_pool_t *p)
{
    json_t *j = json_object();

    return j ? wrap(p, j) : NULL;
}

apr_status_t pl_json_set_str(pl_json_t *obj, const char *key, const char *val)
{
    /* json_string checks UTF-8; the _new variant hands the reference over. */
    json_t *v = val ? json_string(val) : NULL;

    if (!v || json_object_set_new(obj->j, key, v))
        return PL_EINVAL;
    return APR_SUCCESS;
}

apr_status_t pl_json_set_int(pl_json_t *obj, const char *key, apr_int64_t val)
{
    json_t *v = json_integer((json_int_t)val);

    if (!v || json_object_set_new(obj->j, key, v))
        return PL_EINVAL;
    return APR_SUCCESS;
}

const char *pl_json_dump(apr_pool_t *p, const pl_json_t *json, apr_size_t *len)
{
    const size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER;
    size_t n = json_dumpb(json->j, NULL, 0, flags);
    char *buf;

    if (n == 0)
        return NULL;
    buf = apr_palloc(p, n + 1);
    if (json_dumpb(json->j, buf, n, flags) != n)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int pl_json_get_strings(const pl_json_t *obj, const char *key, apr_pool_t *p,
                        apr_array_header_t **out)
{
    json_t *arr = json_object_get(obj->j, key), *v;
    size_t i;

    if (!json_is_array(arr))
        return 0;
    *out = apr_array_make(p, (int)json_array_size(arr) + 1, sizeof(const char *));
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v))
            return 0;
        APR_ARRAY_PUSH(*out, const char *) = apr_pstrdup(p, json_string_value(v));
    }
    return 1;
}

int pl_json_get_number(const pl_json_t *obj, const char *key, double *out)
{
    json_t *v = json_object_get(obj->j, key);

    if (!json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return 1;
}

/* A borrowed Jansson value made a value of its own: the reference taken here
 * is dropped with p. */
static pl_json_t *borrow(apr_pool_t *p, json_t *j)
{
    return j ? wrap(p, json_incref(j)) : NULL;
}

pl_json_t *pl_json_get_object(apr_pool_t *p, const pl_json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj->j, key);
    return json_is_object(v) ? borrow(p, v) : NULL;
}

pl_json_t *pl_json_get_array(apr_pool_t *p, const pl_json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj->j, key);
    return json_is_array(v) ? borrow(p, v) : NULL;
}

apr_size_t pl_json_array_size(const pl_json_t *arr)
{
    return arr ? json_array_size(arr->j) : 0;
}

pl_json_t *pl_json_array_get(apr_pool_t *p, const pl_json_t *arr, apr_size_t i)
{
    return borrow(p, json_array_get(arr->j, i));
}

const char *pl_json_string_value(const pl_json_t *json)
{
    return json ? json_string_value(json->j) : NULL;
}

int pl_json_is_true(const pl_json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj->j, key));
}

const char *pl_json_member_text(apr_pool_t *p, const pl_json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj->j, key);
    char *s;
    const char *copy;

    if (!v)
        return NULL;
    if (json_is_real(v)) {   /* Jansson writes %.17g: 0.29999999999999999 */
        char num[PL_JSONW_NUMBER_MAX];
        apr_size_t n = pl_jsonw_format_double(num, sizeof(num), json_real_value(v));
        if (!n)
            return NULL;
        /* still a real when read again, as Jansson keeps it: 2.0, not 2 */
        return apr_pstrcat(p, apr_pstrmemdup(p, num, n), strpbrk(num, ".e") ? "" : ".0", NULL);
    }
    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    copy = s ? apr_pstrdup(p, s) : NULL;
    free(s);
    return copy;
}

apr_array_header_t *pl_json_keys(apr_pool_t *p, const pl_json_t *obj)
{
    apr_array_header_t *keys = apr_array_make(p, 8, sizeof(const char *));
    const char *key;
    json_t *val;

    json_object_foreach(obj->j, key, val)
        APR_ARRAY_PUSH(keys, const char *) = apr_pstrdup(p, key);
    return keys;
}
