/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_json.h"
#include "chat/pl_ollama.h"
#include "core/pl_status.h"

#define MAX_DEPTH 16

const char *pl_ollama_models_path(pl_server_kind_e kind)
{
    return kind == PL_SERVER_OPENAI ? "/v1/models" : "/api/tags";
}

const char *pl_ollama_version_path(pl_server_kind_e kind)
{
    return kind == PL_SERVER_OPENAI ? "/v1/models" : "/api/version";
}

static const char *str(apr_pool_t *p, const pl_json_t *o, const char *key)
{
    const char *v = o ? pl_json_get_str(o, key) : NULL;
    return v ? apr_pstrdup(p, v) : NULL;
}

static pl_model_t *ollama_model(apr_pool_t *p, const pl_json_t *o)
{
    pl_model_t *m = apr_pcalloc(p, sizeof(*m));
    pl_json_t *details = pl_json_get_object(p, o, "details");
    apr_array_header_t *caps = NULL;

    m->name = str(p, o, "name");
    if (!m->name)
        m->name = str(p, o, "model");
    pl_json_get_int(o, "size", &m->size);
    pl_json_get_int(o, "size_vram", &m->size_vram);
    m->digest = str(p, o, "digest");
    m->modified_at = str(p, o, "modified_at");
    m->expires_at = str(p, o, "expires_at");
    m->family = str(p, details, "family");
    m->parameter_size = str(p, details, "parameter_size");
    m->quantization = str(p, details, "quantization_level");
    if (!pl_json_get_strings(o, "capabilities", p, &caps))
        caps = apr_array_make(p, 1, sizeof(const char *));
    m->capabilities = caps;
    return m;
}

apr_status_t pl_ollama_parse_models(apr_pool_t *p, pl_server_kind_e kind, const char *body,
                                    apr_size_t len, apr_array_header_t **models,
                                    const char **why)
{
    pl_json_t *doc, *list;
    apr_size_t i, n;

    if (pl_json_parse(&doc, p, body, len, MAX_DEPTH, why) != APR_SUCCESS)
        return PL_EUPSTREAM;
    list = pl_json_get_array(p, doc, kind == PL_SERVER_OPENAI ? "data" : "models");
    if (!list) {
        *why = "the model list is missing from the reply";
        return PL_EUPSTREAM;
    }
    n = pl_json_array_size(list);
    *models = apr_array_make(p, (int)n + 1, sizeof(pl_model_t *));
    for (i = 0; i < n; i++) {
        pl_json_t *o = pl_json_array_get(p, list, i);
        pl_model_t *m;
        if (pl_json_type(o) != PL_JSON_OBJECT)
            continue;
        if (kind == PL_SERVER_OPENAI) {
            m = apr_pcalloc(p, sizeof(*m));
            m->name = str(p, o, "id");
            m->capabilities = apr_array_make(p, 1, sizeof(const char *));
        }
        else
            m = ollama_model(p, o);
        if (m->name)
            APR_ARRAY_PUSH(*models, pl_model_t *) = m;
    }
    return APR_SUCCESS;
}

apr_status_t pl_ollama_parse_version(apr_pool_t *p, const char *body, apr_size_t len,
                                     const char **version)
{
    const char *why;
    pl_json_t *doc;

    if (pl_json_parse(&doc, p, body, len, MAX_DEPTH, &why) != APR_SUCCESS
        || !(*version = str(p, doc, "version")))
        return PL_EUPSTREAM;
    return APR_SUCCESS;
}

const char *pl_ollama_error(apr_pool_t *p, const char *body, apr_size_t len)
{
    const char *why;
    pl_json_t *doc, *err;

    if (!body || !len || pl_json_parse(&doc, p, body, len, MAX_DEPTH, &why) != APR_SUCCESS)
        return NULL;
    if (pl_json_get_str(doc, "error"))
        return str(p, doc, "error");
    err = pl_json_get_object(p, doc, "error");   /* OpenAI's {"error":{"message":...}} */
    return str(p, err, "message");
}

void pl_model_write(pl_jsonw_t *w, const pl_model_t *m, int with_runtime)
{
    int i;

    pl_jsonw_str(w, "name", m->name);
    pl_jsonw_int(w, "size", m->size);
    pl_jsonw_str(w, "family", m->family);
    pl_jsonw_str(w, "parameter_size", m->parameter_size);
    pl_jsonw_str(w, "quantization", m->quantization);
    pl_jsonw_str(w, "digest", m->digest);
    pl_jsonw_str(w, "modified_at", m->modified_at);
    pl_jsonw_array(w, "capabilities");
    for (i = 0; m->capabilities && i < m->capabilities->nelts; i++)
        pl_jsonw_str(w, NULL, APR_ARRAY_IDX(m->capabilities, i, const char *));
    pl_jsonw_end(w);
    if (with_runtime) {
        pl_jsonw_int(w, "size_vram", m->size_vram);
        pl_jsonw_str(w, "expires_at", m->expires_at);
    }
}
