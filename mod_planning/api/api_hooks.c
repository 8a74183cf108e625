/* SPDX-License-Identifier: Apache-2.0 */
/* Webhooks: a project's secret (made here, shown once, kept sealed), the
 * deliveries from GitHub, GitLab and Gitea, and their record.
 *
 * A delivery is a public route: the body is read raw under its own cap
 * (PL_HOOK_MAX_BODY) before a database connection is taken, then the
 * proof is checked over those bytes in constant time before anything is
 * parsed. An unknown project, a project without a secret and a wrong or
 * missing proof all get the same 401, so a stranger cannot learn which
 * projects exist; only the provider, which is in every public document,
 * gets a 404 when unknown. A refused delivery is logged, never recorded.
 *
 * A push to the tracked branch of a project with a git remote queues a
 * git.pull job (fetch, fast-forward only) that queues the analysis once it
 * succeeded; without a remote, an analysis of the checkout as it is. */
#include <string.h>

#include <apr_strings.h>
#include <git2.h>
#include <openssl/crypto.h>

#include "api/api.h"
#include "mp_audit.h"
#include "mp_dbd.h"
#include "analyses/pl_analyses.h"
#include "core/pl_secret.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "git/pl_git.h"
#include "hooks/pl_hook_secret.h"
#include "hooks/pl_hook_store.h"
#include "hooks/pl_hook_verify.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"


static apr_int64_t project_id(mp_req_t *req)
{
    return apr_atoi64(apr_table_get(req->params, "id"));   /* checked by the router */
}

/* The branch the project's checkout is on: what a push must name to be
 * analysed. NULL when the project has no repository of its own, or HEAD
 * is detached or unborn. */
const char *api_hooks_tracked_branch(mp_req_t *req, const pl_project_t *proj)
{
    apr_pool_t *p = req->r->pool;
    const char *dir, *why, *name = NULL;
    git_reference *head;
    pl_git_fail_t fail;
    pl_git_t *g;

    if (pl_project_confine(p, req->conf->roots, proj->local_path, &dir, &why) != APR_SUCCESS
        || pl_git_open(p, dir, &g, &fail) != APR_SUCCESS)
        return NULL;
    if (git_repository_head(&head, g->repo) != 0)
        return NULL;
    if (git_reference_is_branch(head))
        name = apr_pstrdup(p, git_reference_shorthand(head));
    git_reference_free(head);
    return name;
}

static void write_urls(mp_req_t *req, pl_jsonw_t *w, apr_int64_t id)
{
    static const char *const NAMES[] = { "github", "gitlab", "gitea" };
    apr_size_t i;

    pl_jsonw_object(w, "payload_urls");
    for (i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++)
        pl_jsonw_str(w, NAMES[i], ap_construct_url(req->r->pool, apr_psprintf(req->r->pool,
                     MP_API_BASE "/hooks/%s/%" APR_INT64_T_FMT, NAMES[i], id), req->r));
    pl_jsonw_end(w);
}

int api_webhooks_secret(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_int64_t id = project_id(req);
    const char *secret, *sealed;
    pl_jsonw_t *w;

    if (pl_secret_random(p, &secret) != APR_SUCCESS
        || pl_hook_secret_seal(p, req->conf->token_key, req->conf->token_key_len, id, secret,
                               &sealed) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_INTERNAL_SERVER_ERROR, PL_ERR_INTERNAL,
                              "no secret could be made", NULL);
    if (pl_hook_secret_put(req->db, p, id, sealed) != APR_SUCCESS)
        return mp_reply_status(req, APR_EGENERAL, "webhook secret");
    mp_audit(req, "webhook.secret", NULL, 0, "project", id, 1);
    w = mp_reply_writer(req, 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "secret", secret);
    write_urls(req, w, id);
    pl_jsonw_end(w);
    apr_table_setn(req->r->headers_out, "Cache-Control", "no-store");
    return mp_reply_json(req, HTTP_CREATED, w);
}

int api_webhooks_get(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_int64_t id = project_id(req);
    const char *sealed, *created_at = NULL;
    pl_project_t *proj;
    pl_jsonw_t *w;
    apr_status_t rv;

    if ((rv = pl_store_project_get(req->db, p, id, &proj)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "project");
    rv = pl_hook_secret_get(req->db, p, id, &sealed, &created_at);
    if (rv != APR_SUCCESS && rv != PL_ENOTFOUND)
        return mp_reply_status(req, rv, "webhook secret");
    w = mp_reply_writer(req, 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_bool(w, "secret_set", rv == APR_SUCCESS);
    pl_jsonw_str(w, "secret_created_at", rv == APR_SUCCESS ? created_at : NULL);
    pl_jsonw_str(w, "branch", api_hooks_tracked_branch(req, proj));
    write_urls(req, w, id);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_webhooks_deliveries(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_int64_t id = project_id(req), total;
    apr_array_header_t *items;
    apr_table_t *args;
    pl_jsonw_t *w;
    apr_status_t rv;
    int limit, offset, i;

    if (!mp_request_paging(req, &args, &limit, &offset))
        return OK;
    if ((rv = pl_hook_delivery_list(req->db, p, id, limit, offset, &items, &total))
        != APR_SUCCESS)
        return mp_reply_status(req, rv, "webhook delivery");
    w = mp_reply_writer(req, 256 * (apr_size_t)(items->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < items->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_hook_delivery_write(w, APR_ARRAY_IDX(items, i, pl_hook_delivery_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    mp_reply_page(w, p, apr_psprintf(p, MP_API_BASE "/projects/%" APR_INT64_T_FMT
                                     "/webhooks/deliveries", id), "", limit, offset, total);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}
