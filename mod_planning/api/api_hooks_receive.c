/* SPDX-License-Identifier: Apache-2.0 */
/* POST /api/v1/hooks/{provider}/{project}: a delivery from GitHub, GitLab
 * or Gitea (see api_hooks.c for the rules). Order matters:
 *   1. the body, raw, under PL_HOOK_MAX_BODY (413 while reading), before a
 *      database connection is taken;
 *   2. the project's secret, and the proof over the raw bytes; anything
 *      short of a valid proof is one 401, logged and not recorded;
 *   3. only then the delivery id (a redelivery is 200 and changes
 *      nothing), the event and, for a push, the JSON body. */
#include <string.h>

#include <apr_strings.h>

#include "api/api.h"
#include "mp_dbd.h"
#include "analyses/pl_analyses.h"
#include "core/pl_status.h"
#include "db/pl_jobs.h"
#include "git/pl_git_netjob.h"
#include "git/pl_git_store.h"
#include "hooks/pl_hook_secret.h"
#include "hooks/pl_hook_store.h"
#include "hooks/pl_hook_verify.h"
#include "projects/pl_store_projects.h"

#define NO_REMOTE "; the project has no git remote, so its checkout is analysed as it is"
#define MAX_HEADER 128   /* event names and delivery ids longer than this are cut */

static int refuse(mp_req_t *req, const char *provider, const char *project, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, req->r, "PLN02601: webhook delivery refused"
                  " (provider %s, project %s): %s. If this delivery is yours, set the secret"
                  " at the provider to the one POST /api/v1/projects/{id}/webhooks/secret"
                  " showed", provider, project, why);
    return mp_reply_error(req, HTTP_UNAUTHORIZED, PL_ERR_WEBHOOK_SIGNATURE,
                          "the delivery is not signed with this project's webhook secret",
                          NULL);
}

/* A refusal before any secret was known: the body is still put through an
 * HMAC (under a key no one has), so that the time of the answer does not
 * tell a project without a secret from one whose secret was not met. */
static int refuse_unknown(mp_req_t *req, const pl_hook_provider_t *prov, const char *project,
                          const char *why)
{
    static const unsigned char NOBODY[] = "no project has this key: it only spends the time";

    (void)pl_hook_verify(prov, NOBODY, sizeof(NOBODY) - 1, req->body_text, req->body_len,
                         apr_table_get(req->r->headers_in, prov->proof_header));
    return refuse(req, prov->name, project, why);
}

static const char *header(mp_req_t *req, const char *name)
{
    const char *v = apr_table_get(req->r->headers_in, name);

    return v && strlen(v) > MAX_HEADER ? apr_pstrndup(req->r->pool, v, MAX_HEADER) : v;
}

static int is_event(const char *event, const char *a, const char *b)
{
    return event && (!strcmp(event, a) || (b && !strcmp(event, b)));
}

/* A push to a project with a remote: a git.pull job (fetch, fast-forward)
 * that queues the analysis once it succeeded. 0 when the project has no
 * remote (or it could not be read): the caller analyses the checkout. */
static int queue_pull(mp_req_t *req, const pl_project_t *proj, const char *branch,
                      pl_hook_delivery_t *d)
{
    apr_pool_t *p = req->r->pool;
    pl_git_remote_rec_t *remote;
    pl_job_t *job;

    if (pl_git_remote_get(req->db, p, proj->id, &remote) != APR_SUCCESS)
        return 0;
    job = apr_pcalloc(p, sizeof(*job));
    job->kind = PL_JOB_GIT_PULL;
    job->payload = PL_GIT_PULL_THEN_ANALYZE;
    job->project_id = proj->id;
    if (pl_jobs_insert(req->db, p, job) != APR_SUCCESS) {
        d->outcome = PL_HOOK_RECEIVED;
        d->detail = "the pull could not be queued (database error)";
        return 1;
    }
    d->outcome = PL_HOOK_PULL_QUEUED;
    d->detail = apr_psprintf(p, "push to %s: git.pull job %" APR_INT64_T_FMT " queued (fetch,"
                             " fast-forward); the analysis follows once it succeeds", branch,
                             job->id);
    return 1;
}

/* A push: its branch against the tracked one, then a pull and an analysis
 * (or, without a remote, an analysis of the checkout). */
static void push(mp_req_t *req, const pl_project_t *proj, pl_hook_delivery_t *d)
{
    apr_pool_t *p = req->r->pool;
    pl_analysis_record_t *a = apr_pcalloc(p, sizeof(*a)), *running;
    const char *ref, *branch, *err;
    pl_json_t *body;
    apr_status_t rv;

    if (pl_json_parse(&body, p, req->body_text, req->body_len, 64, &err) != APR_SUCCESS
        || !(ref = pl_json_get_str(body, "ref"))) {
        d->outcome = PL_HOOK_BAD_PAYLOAD;
        d->detail = "the push names no \"ref\"";
        return;
    }
    branch = api_hooks_tracked_branch(req, proj);
    if (!branch || strncmp(ref, "refs/heads/", 11) || strcmp(ref + 11, branch)) {
        d->outcome = PL_HOOK_IGNORED;
        d->detail = apr_pstrcat(p, "pushed ", apr_pstrndup(p, ref, MAX_HEADER), "; tracked: ",
                                branch ? branch : "(none: no branch checked out)", NULL);
        return;
    }
    if (queue_pull(req, proj, branch, d))
        return;
    a->project_id = proj->id;
    a->type = "full";
    a->include_history = 1;
    a->options = "{}";
    rv = pl_analyses_start(req->db, p, a, &running);
    if (rv == PL_ECONFLICT) {
        d->outcome = PL_HOOK_BUSY;
        d->analysis_id = running->id;
        d->detail = "an analysis was already queued or running" NO_REMOTE;
    }
    else if (rv != APR_SUCCESS) {
        d->outcome = PL_HOOK_RECEIVED;
        d->detail = "the analysis could not be queued (database error)";
    }
    else {
        d->outcome = PL_HOOK_QUEUED;
        d->analysis_id = a->id;
        d->detail = apr_pstrcat(p, "push to ", branch, NO_REMOTE, NULL);
    }
}

static int reply(mp_req_t *req, const pl_hook_delivery_t *d)
{
    pl_jsonw_t *w = mp_reply_writer(req, 256);

    pl_jsonw_object(w, NULL);
    pl_hook_delivery_write(w, d);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_hooks_receive(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    const char *name = apr_table_get(req->params, "provider");
    const char *project = apr_table_get(req->params, "project");
    const pl_hook_provider_t *prov = pl_hook_provider(name);
    const char *sealed, *created, *secret;
    pl_hook_delivery_t *d = apr_pcalloc(p, sizeof(*d));
    pl_project_t *proj;
    apr_int64_t id;
    char *end;
    apr_status_t rv;

    if (!prov)
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND,
                              "no such webhook provider (github, gitlab, gitea)", "provider");
    if (!mp_request_receive_raw(req, PL_HOOK_MAX_BODY))
        return OK;
    id = apr_strtoi64(project, &end, 10);
    if (*end || id <= 0)
        return refuse_unknown(req, prov, project, "no such project");
    if (!mp_dbd_ready(req))
        return OK;
    rv = pl_store_project_get(req->db, p, id, &proj);
    if (rv == PL_ENOTFOUND)
        return refuse_unknown(req, prov, project, "no such project");
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "project");
    rv = pl_hook_secret_get(req->db, p, id, &sealed, &created);
    if (rv == PL_ENOTFOUND)
        return refuse_unknown(req, prov, project, "the project has no webhook secret");
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "webhook secret");
    if (pl_hook_secret_open(p, req->conf->token_key, req->conf->token_key_len, id, sealed,
                            &secret) != APR_SUCCESS)
        return refuse(req, name, project, "the stored secret does not open under this"
                      " server's PlanningTokenKeyFile (was the key replaced? make a new"
                      " secret)");
    if (!pl_hook_verify(prov, (const unsigned char *)secret, strlen(secret), req->body_text,
                        req->body_len, apr_table_get(req->r->headers_in, prov->proof_header)))
        return refuse(req, name, project,
                      apr_pstrcat(p, apr_table_get(req->r->headers_in, prov->proof_header)
                                  ? "a wrong " : "no ", prov->proof_header, NULL));

    d->project_id = id;
    d->provider = prov->name;
    d->event = header(req, prov->event_header);
    d->delivery_id = header(req, prov->delivery_header);
    d->outcome = PL_HOOK_RECEIVED;
    rv = pl_hook_delivery_claim(req->db, p, d);
    if (rv == PL_ECONFLICT) {
        d->outcome = PL_HOOK_DUPLICATE;
        d->detail = "a redelivery: processed when first received";
        rv = pl_hook_delivery_note(req->db, p, d);
        return rv == APR_SUCCESS ? reply(req, d) : mp_reply_status(req, rv, "webhook delivery");
    }
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "webhook delivery");
    if (is_event(d->event, "ping", NULL))
        d->outcome = PL_HOOK_PING;
    else if (is_event(d->event, "push", "Push Hook"))
        push(req, proj, d);
    else
        d->outcome = PL_HOOK_UNSUPPORTED;
    if ((rv = pl_hook_delivery_decide(req->db, p, d)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "webhook delivery");
    return reply(req, d);
}
