/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "chat/pl_chat_oneshot.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"

const char *pl_chat_oneshot_path(pl_server_kind_e kind)
{
    return kind == PL_SERVER_OPENAI ? "/v1/chat/completions" : "/api/chat";
}

static void message(pl_jsonw_t *w, const char *role, const char *content)
{
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "role", role);
    pl_jsonw_str(w, "content", content);
    pl_jsonw_end(w);
}

const char *pl_chat_oneshot_request(apr_pool_t *p, pl_server_kind_e kind, const char *model,
                                    const char *system, const char *user, double temperature,
                                    int max_tokens)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 1024 + strlen(system) + strlen(user));

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "model", model);
    pl_jsonw_array(w, "messages");
    message(w, "system", system);
    message(w, "user", user);
    pl_jsonw_end(w);
    pl_jsonw_bool(w, "stream", 0);
    if (kind == PL_SERVER_OPENAI) {
        pl_jsonw_number(w, "temperature", temperature);
        pl_jsonw_int(w, "max_tokens", max_tokens);
    }
    else {
        /* Ollama refuses only think:true from a model that cannot */
        pl_jsonw_bool(w, "think", 0);
        pl_jsonw_object(w, "options");
        pl_jsonw_number(w, "temperature", temperature);
        pl_jsonw_int(w, "num_predict", max_tokens);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

const char *pl_chat_oneshot_content(apr_pool_t *p, pl_server_kind_e kind, const char *body,
                                    apr_size_t len)
{
    pl_json_t *j, *msg = NULL, *choices, *first;
    const char *err;

    if (pl_json_parse(&j, p, body, len, 16, &err) != APR_SUCCESS || pl_json_type(j) != PL_JSON_OBJECT)
        return NULL;
    if (kind == PL_SERVER_OPENAI) {
        if ((choices = pl_json_get_array(p, j, "choices")) && pl_json_array_size(choices)
            && (first = pl_json_array_get(p, choices, 0)))
            msg = pl_json_get_object(p, first, "message");
    }
    else
        msg = pl_json_get_object(p, j, "message");
    return msg ? pl_json_get_str(msg, "content") : NULL;
}
