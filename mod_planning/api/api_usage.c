/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/v1/usage[?since=YYYY-MM-DD][&user_id=N|all]: requests, tokens in
 * and out and generation time per day, source (chat: replies in threads;
 * proxy: runs through /ollama/api; prompt_test: a prompt's test runs), model
 * and user. One's own; admins anyone's, or everyone's at once (all). */
#include <apr_lib.h>
#include <apr_strings.h>

#include "api.h"
#include "core/pl_text.h"
#include "core/pl_time.h"
#include "chat/pl_usage.h"

#define DEFAULT_DAYS 30

static int is_date(const char *s)
{
    int i;

    for (i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !apr_isdigit(s[i]))
            return 0;
    return s[10] == '\0';
}

int api_usage_list(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_table_t *args = NULL;
    apr_array_header_t *rows;
    apr_int64_t user_id = req->caller.user->id;
    const char *since, *s;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    ap_args_to_table(req->r, &args);
    since = apr_table_get(args, "since");
    if (since && !is_date(since))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "since must be a date as YYYY-MM-DD", "since");
    if (!since)
        since = apr_pstrndup(p, pl_time_rfc3339(p, apr_time_now()
                                                - apr_time_from_sec(DEFAULT_DAYS * 86400)), 10);
    if ((s = apr_table_get(args, "user_id"))) {
        if (!strcmp(s, "all"))
            user_id = 0;
        else if (pl_text_int(s, 1, APR_INT64_MAX, &user_id) != APR_SUCCESS)
            return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                                  "user_id must be a user id or \"all\"", "user_id");
        if (user_id != req->caller.user->id && req->caller.role < PL_ROLE_ADMIN)
            return mp_reply_error(req, HTTP_FORBIDDEN, PL_ERR_FORBIDDEN,
                                  "only admins see other users' usage", NULL);
    }
    if ((rv = pl_usage_list(req->db, p, user_id, since, &rows)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "usage");
    w = mp_reply_writer(req, 160 * (apr_size_t)(rows->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_id(w, "user_id", user_id);  /* null: everyone's */
    pl_jsonw_str(w, "since", since);
    pl_jsonw_array(w, "items");
    for (i = 0; i < rows->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_usage_write(w, APR_ARRAY_IDX(rows, i, pl_usage_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}
