/* SPDX-License-Identifier: Apache-2.0 */
/* Tool arguments against the tool's JSON Schema, before anything runs: the
 * subset our schemas use (an object of typed members, required, enum,
 * minimum/maximum, maxLength, no other members). One sentence naming the
 * member comes back for the model or client to correct its call. */
#include <apr_strings.h>

#include "core/pl_text.h"
#include "tools/pl_tools.h"

static const char *type_name(pl_json_type_e t)
{
    switch (t) {
    case PL_JSON_NULL: return "null";
    case PL_JSON_STRING: return "a string";
    case PL_JSON_INTEGER: return "an integer";
    case PL_JSON_REAL: return "a number";
    case PL_JSON_BOOL: return "a boolean";
    case PL_JSON_OBJECT: return "an object";
    case PL_JSON_ARRAY: return "an array";
    default: return "absent";
    }
}

static int type_fits(const char *want, pl_json_type_e t)
{
    if (!strcmp(want, "string")) return t == PL_JSON_STRING;
    if (!strcmp(want, "integer")) return t == PL_JSON_INTEGER;
    if (!strcmp(want, "number")) return t == PL_JSON_INTEGER || t == PL_JSON_REAL;
    if (!strcmp(want, "boolean")) return t == PL_JSON_BOOL;
    if (!strcmp(want, "array")) return t == PL_JSON_ARRAY;
    if (!strcmp(want, "object")) return t == PL_JSON_OBJECT;
    return 0;
}

/* One member against its property schema; NULL when it passes. */
static const char *check_member(apr_pool_t *p, const pl_json_t *args, const char *key,
                                const pl_json_t *prop)
{
    pl_json_type_e t = pl_json_type_of(args, key);
    const char *want = pl_json_get_str(prop, "type"), *s;
    apr_array_header_t *choices;
    apr_int64_t max_len;
    double v, bound;
    int i;

    if (want && !type_fits(want, t))
        return apr_psprintf(p, "%s must be %s, not %s", key,
                            !strcmp(want, "integer") ? "an integer" : !strcmp(want, "number")
                            ? "a number" : !strcmp(want, "boolean") ? "a boolean"
                            : !strcmp(want, "array") ? "an array" : !strcmp(want, "object")
                            ? "an object" : "a string", type_name(t));
    if (t == PL_JSON_STRING) {
        s = pl_json_get_str(args, key);
        if (pl_json_get_int(prop, "maxLength", &max_len) && (apr_int64_t)pl_text_utf8_chars(s) > max_len)
            return apr_psprintf(p, "%s must be at most %" APR_INT64_T_FMT " characters", key,
                                max_len);
        if (pl_json_get_strings(prop, "enum", p, &choices)) {
            const char *list = "";
            for (i = 0; i < choices->nelts; i++) {
                if (!strcmp(s, APR_ARRAY_IDX(choices, i, const char *)))
                    return NULL;
                list = apr_pstrcat(p, list, i ? ", " : "", APR_ARRAY_IDX(choices, i, const char *),
                                   NULL);
            }
            return apr_psprintf(p, "%s must be one of %s", key, list);
        }
    }
    if ((t == PL_JSON_INTEGER || t == PL_JSON_REAL) && pl_json_get_number(args, key, &v)) {
        if (pl_json_get_number(prop, "minimum", &bound) && v < bound)
            return apr_psprintf(p, "%s must be at least %g", key, bound);
        if (pl_json_get_number(prop, "maximum", &bound) && v > bound)
            return apr_psprintf(p, "%s must be at most %g", key, bound);
    }
    return NULL;
}

const char *pl_tools_validate(apr_pool_t *p, const pl_tool_t *t, const pl_json_t *args)
{
    pl_json_t *schema = pl_tools_schema(p, t), *props, *prop;
    apr_array_header_t *required, *keys;
    const char *why;
    int i;

    if (!schema)
        return apr_pstrcat(p, "the tool ", t->name, " has no valid schema", NULL);
    props = pl_json_get_object(p, schema, "properties");
    if (args && pl_json_type(args) != PL_JSON_OBJECT)
        return "the arguments must be a JSON object";
    if (pl_json_get_strings(schema, "required", p, &required))
        for (i = 0; i < required->nelts; i++) {
            const char *key = APR_ARRAY_IDX(required, i, const char *);
            if (!args || pl_json_type_of(args, key) == PL_JSON_ABSENT)
                return apr_pstrcat(p, key, " is required", NULL);
        }
    if (!args)
        return NULL;
    keys = pl_json_keys(p, args);
    for (i = 0; i < keys->nelts; i++) {
        const char *key = APR_ARRAY_IDX(keys, i, const char *);
        if (!props || !(prop = pl_json_get_object(p, props, key)))
            return apr_pstrcat(p, key, " is not an argument of ", t->name, NULL);
        if ((why = check_member(p, args, key, prop)))
            return why;
    }
    return NULL;
}
