/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_jsonw.h"
#include "chat/pl_proxy.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define LIST_DEPTH 16

static apr_status_t refuse(const char *message, const char **why)
{
    *why = message;
    return PL_EINVAL;
}

apr_status_t pl_proxy_request(const pl_json_t *body, const char **model, int *stream,
                              const char **why)
{
    const char *key = pl_json_type_of(body, "model") != PL_JSON_ABSENT ? "model" : "name";

    switch (pl_json_type_of(body, key)) {
    case PL_JSON_ABSENT:
    case PL_JSON_NULL:
        return refuse("model is required", why);
    case PL_JSON_STRING:
        break;
    default:
        return refuse("model must be a string", why);
    }
    *model = pl_json_get_str(body, key);
    if (!**model)
        return refuse("model is required", why);
    if (strlen(*model) > PL_PROXY_MODEL_MAX || pl_text_has_ctl(*model))
        return refuse("invalid model name", why);
    if (!stream)
        return APR_SUCCESS;
    switch (pl_json_type_of(body, "stream")) {
    case PL_JSON_ABSENT:
    case PL_JSON_NULL:      /* Ollama's *bool: null is the default */
        *stream = 1;
        return APR_SUCCESS;
    case PL_JSON_BOOL:
        *stream = pl_json_is_true(body, "stream");
        return APR_SUCCESS;
    default:
        return refuse("stream must be true or false", why);
    }
}

struct pl_proxy_list_t {
    apr_pool_t *p;
    apr_hash_t *seen;             /* name -> the entry's JSON text */
    const char *array;            /* "models" (Ollama) or "data" (OpenAI) */
    const char *id_key;           /* what names an entry: "name" or "id" */
    pl_jsonw_t *w;
    int closed;
};

static pl_proxy_list_t *list_create(apr_pool_t *p, const char *object, const char *array,
                                    const char *id_key)
{
    pl_proxy_list_t *l = apr_pcalloc(p, sizeof(*l));

    l->p = p;
    l->seen = apr_hash_make(p);
    l->array = array;
    l->id_key = id_key;
    l->w = pl_jsonw_create(p, 4096);
    pl_jsonw_object(l->w, NULL);
    if (object)
        pl_jsonw_str(l->w, "object", object);
    pl_jsonw_array(l->w, array);
    return l;
}

pl_proxy_list_t *pl_proxy_list_create(apr_pool_t *p)
{
    return list_create(p, NULL, "models", "name");
}

pl_proxy_list_t *pl_proxy_list_create_openai(apr_pool_t *p)
{
    return list_create(p, "list", "data", "id");
}

apr_status_t pl_proxy_list_add(pl_proxy_list_t *l, const char *body, apr_size_t len,
                               const char **why)
{
    pl_json_t *doc, *models;
    apr_size_t i, n;

    if (l->closed) {
        *why = "the list is written already";
        return PL_EINVAL;
    }
    if (pl_json_parse(&doc, l->p, body, len, LIST_DEPTH, why) != APR_SUCCESS)
        return PL_EUPSTREAM;
    if (!(models = pl_json_get_array(l->p, doc, l->array))) {
        *why = "the model list is missing from the reply";
        return PL_EUPSTREAM;
    }
    n = pl_json_array_size(models);
    for (i = 0; i < n; i++) {
        pl_json_t *m = pl_json_array_get(l->p, models, i);
        const char *name = pl_json_get_str(m, l->id_key), *text;
        if (!name)
            name = pl_json_get_str(m, "model");
        if (!name || apr_hash_get(l->seen, name, APR_HASH_KEY_STRING)
            || !(text = pl_json_dump(l->p, m, NULL)))
            continue;
        apr_hash_set(l->seen, apr_pstrdup(l->p, name), APR_HASH_KEY_STRING, text);
        pl_jsonw_raw(l->w, NULL, text);
    }
    return APR_SUCCESS;
}

const char *pl_proxy_list_find(const pl_proxy_list_t *l, const char *name)
{
    const char *text = apr_hash_get(l->seen, name, APR_HASH_KEY_STRING);
    const char *slash = strrchr(name, '/');

    /* "llama3.2" is "llama3.2:latest", as Ollama has it */
    if (!text && !strchr(slash ? slash : name, ':'))
        text = apr_hash_get(l->seen, apr_pstrcat(l->p, name, ":latest", NULL),
                            APR_HASH_KEY_STRING);
    return text;
}

const char *pl_proxy_list_text(pl_proxy_list_t *l, apr_size_t *len)
{
    if (!l->closed) {
        pl_jsonw_end(l->w);
        pl_jsonw_end(l->w);
        l->closed = 1;
    }
    return pl_jsonw_text(l->w, len);
}

/* major[.minor[.patch]] after an optional "v", then nothing, "-pre" or
 * "+build". Returns 0 when s is not a version. */
static int parse_version(const char *s, apr_int64_t num[3], int *pre)
{
    int i;

    num[0] = num[1] = num[2] = 0;
    if (*s == 'v' || *s == 'V')
        s++;
    for (i = 0; i < 3; i++) {
        char *end;
        if (!apr_isdigit(*s))
            return 0;
        num[i] = apr_strtoi64(s, &end, 10);
        s = end;
        if (*s != '.')
            break;
        s++;
    }
    *pre = *s == '-';
    return !*s || *s == '-' || *s == '+';
}

int pl_proxy_version_cmp(const char *a, const char *b)
{
    apr_int64_t na[3], nb[3];
    int pa, pb, va = parse_version(a, na, &pa), vb = parse_version(b, nb, &pb), i;

    if (!va || !vb)
        return va != vb ? va - vb : strcmp(a, b);
    for (i = 0; i < 3; i++)
        if (na[i] != nb[i])
            return na[i] < nb[i] ? -1 : 1;
    return pb - pa;
}
