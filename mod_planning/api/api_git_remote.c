/* SPDX-License-Identifier: Apache-2.0 */
/* .../git/remote, deploy-key, host-keys, fetch, pull, push: the project's
 * one remote and what reaching it needs. The deploy key's private half and
 * the https token are sealed at rest (pl_seal, labels in pl_git_netjob.h)
 * and never written into any reply; the network work is a job
 * (pl_git_netjob) that answers 202 with its URL. */
#include <apr_strings.h>

#include "api_git.h"
#include "mp_audit.h"
#include "core/pl_seal.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "db/pl_jobs.h"
#include "git/pl_git_netjob.h"
#include "git/pl_git_ref.h"
#include "git/pl_git_sshkey.h"
#include "git/pl_git_store.h"
#include "git/pl_git_url.h"
#include "projects/pl_store_projects.h"

static apr_int64_t project_id(mp_req_t *req)
{
    return apr_atoi64(apr_table_get(req->params, "id"));   /* checked by the router */
}

static void write_key(pl_jsonw_t *w, const pl_git_deploy_key_t *k)
{
    pl_jsonw_str(w, "public_key", k ? k->public_key : NULL);
    pl_jsonw_str(w, "fingerprint", k ? k->fingerprint : NULL);
    pl_jsonw_str(w, "created_at", k ? k->created_at : NULL);
}

int api_git_deploy_key_get(mp_req_t *req)
{
    pl_git_deploy_key_t *k = NULL;
    apr_status_t rv = pl_git_deploy_key_get(req->db, req->r->pool, project_id(req), &k);
    pl_jsonw_t *w;

    if (rv != APR_SUCCESS && rv != PL_ENOTFOUND)
        return mp_reply_status(req, rv, "deploy key");
    w = mp_reply_writer(req, 512);
    pl_jsonw_object(w, NULL);
    write_key(w, rv == APR_SUCCESS ? k : NULL);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* Generates (or replaces) the key: its comment names the project, so the
 * key is recognisable in the forge's list of deploy keys. */
int api_git_deploy_key_create(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_int64_t id = project_id(req);
    pl_git_deploy_key_t k = { id, NULL, NULL, NULL, NULL }, *stored;
    pl_git_sshkey_t *key;
    pl_project_t *proj;
    const char *comment;
    apr_status_t rv;
    pl_jsonw_t *w;

    if ((rv = pl_store_project_get(req->db, p, id, &proj)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "project");
    comment = apr_psprintf(p, "mod_planning-%" APR_INT64_T_FMT, id);
    if (pl_git_sshkey_generate(p, comment, &key) != APR_SUCCESS
        || pl_seal(p, req->conf->token_key, req->conf->token_key_len, PL_GIT_SEAL_DEPLOY_KEY,
                   pl_text_i64(p, id), key->private_pem, strlen(key->private_pem),
                   &k.private_sealed) != APR_SUCCESS)
        return mp_reply_error(req, HTTP_INTERNAL_SERVER_ERROR, PL_ERR_INTERNAL,
                              "no deploy key could be made", NULL);
    k.public_key = key->public_line;
    k.fingerprint = key->fingerprint;
    if ((rv = pl_git_deploy_key_put(req->db, p, &k)) != APR_SUCCESS
        || (rv = pl_git_deploy_key_get(req->db, p, id, &stored)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "deploy key");
    mp_audit(req, "git.deploy_key", NULL, 0, "project", id, 1);
    w = mp_reply_writer(req, 512);
    pl_jsonw_object(w, NULL);
    write_key(w, stored);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_CREATED, w);
}

/* Idempotent: 204 whether there was a key or not. */
int api_git_deploy_key_delete(mp_req_t *req)
{
    apr_int64_t id = project_id(req);
    apr_status_t rv = pl_git_deploy_key_delete(req->db, req->r->pool, id);

    if (rv != APR_SUCCESS && rv != PL_ENOTFOUND)
        return mp_reply_status(req, rv, "deploy key");
    if (rv == APR_SUCCESS)
        mp_audit(req, "git.deploy_key.delete", NULL, 0, "project", id, 1);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

static int reply_remote(mp_req_t *req, int status, const pl_git_remote_rec_t *r)
{
    pl_jsonw_t *w = mp_reply_writer(req, 1024);

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "url", r ? r->url : NULL);
    pl_jsonw_str(w, "branch", r ? r->branch : NULL);
    pl_jsonw_str(w, "username", r ? r->username : NULL);
    pl_jsonw_bool(w, "token_set", r && r->token_sealed);
    pl_jsonw_str(w, "updated_at", r ? r->updated_at : NULL);
    pl_jsonw_end(w);
    return mp_reply_json(req, status, w);
}

int api_git_remote_get(mp_req_t *req)
{
    pl_git_remote_rec_t *r = NULL;
    apr_status_t rv = pl_git_remote_get(req->db, req->r->pool, project_id(req), &r);

    if (rv != APR_SUCCESS && rv != PL_ENOTFOUND)
        return mp_reply_status(req, rv, "remote");
    return reply_remote(req, HTTP_OK, rv == APR_SUCCESS ? r : NULL);
}

/* 1 when the body's optional string field is absent, null or a string
 * (into *out, NULL for absent or null); 0 after a 400. */
static int optional_str(mp_req_t *req, const char *field, const char **out, int *present)
{
    pl_json_type_e t = pl_json_type_of(req->body, field);

    *out = t == PL_JSON_STRING ? pl_json_get_str(req->body, field) : NULL;
    if (present)
        *present = t != PL_JSON_ABSENT;
    if (t == PL_JSON_ABSENT || t == PL_JSON_NULL || t == PL_JSON_STRING)
        return 1;
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                   apr_pstrcat(req->r->pool, field, " must be a string or null", NULL), field);
    return 0;
}

/* {"url","branch?","username?","token?"}: a token absent keeps the stored
 * one, null removes it. */
int api_git_remote_put(mp_req_t *req)
{
    static const char *const known[] = { "url", "branch", "username", "token", NULL };
    apr_pool_t *p = req->r->pool;
    apr_int64_t id = project_id(req);
    pl_git_remote_rec_t r = { id, NULL, NULL, NULL, NULL, NULL }, *old = NULL;
    const char *token, *why;
    pl_git_url_t *u;
    apr_status_t rv;
    int token_given;

    if (!mp_request_only_fields(req, known) || !optional_str(req, "url", &r.url, NULL)
        || !optional_str(req, "branch", &r.branch, NULL)
        || !optional_str(req, "username", &r.username, NULL)
        || !optional_str(req, "token", &token, &token_given))
        return OK;
    if (!pl_git_url_parse(p, r.url, &u, &why))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              apr_pstrcat(p, "url ", r.url ? why : "is required", NULL), "url");
    if (r.branch && !pl_git_branch_name_ok(r.branch, &why))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              apr_pstrcat(p, "branch ", why, NULL), "branch");
    if (r.username && (pl_text_line_problem(p, r.username, 1, 255) || *r.username == '-'
                       || strchr(r.username, ':')))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "username must be one line of at most 255 bytes, without ':' and"
                              " not beginning with '-'", "username");
    if (token && (!*token || pl_text_line_problem(p, token, 1, 1024)))
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "token must be one line of at most 1024 bytes", "token");
    if (token_given && token) {
        if (pl_seal(p, req->conf->token_key, req->conf->token_key_len, PL_GIT_SEAL_TOKEN,
                    pl_text_i64(p, id), token, strlen(token), &r.token_sealed) != APR_SUCCESS)
            return mp_reply_error(req, HTTP_INTERNAL_SERVER_ERROR, PL_ERR_INTERNAL,
                                  "the token could not be sealed", NULL);
    }
    else if (!token_given) {
        rv = pl_git_remote_get(req->db, p, id, &old);
        if (rv == APR_SUCCESS)
            r.token_sealed = old->token_sealed;
        else if (rv != PL_ENOTFOUND)
            return mp_reply_status(req, rv, "remote");
    }
    if ((rv = pl_git_remote_put(req->db, p, &r)) != APR_SUCCESS
        || (rv = pl_git_remote_get(req->db, p, id, &old)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "remote");
    mp_audit(req, "git.remote", NULL, 0, "project", id, 1);
    return reply_remote(req, HTTP_OK, old);
}

static void write_host_key(pl_jsonw_t *w, const pl_git_host_key_t *k)
{
    pl_jsonw_str(w, "host", k->host);
    pl_jsonw_str(w, "type", k->type);
    pl_jsonw_str(w, "fingerprint", k->fingerprint);
    pl_jsonw_str(w, "state", k->state);
    pl_jsonw_str(w, "seen_at", k->seen_at);
    pl_jsonw_str(w, "confirmed_at", k->confirmed_at);
}

static int reply_host_keys(mp_req_t *req, const char *only)
{
    apr_array_header_t *keys;
    apr_status_t rv;
    pl_jsonw_t *w;
    int i;

    if ((rv = pl_git_host_keys_list(req->db, req->r->pool, project_id(req), &keys))
        != APR_SUCCESS)
        return mp_reply_status(req, rv, "host key");
    w = mp_reply_writer(req, 256 * (apr_size_t)(keys->nelts + 1));
    for (i = 0; i < keys->nelts; i++) {
        const pl_git_host_key_t *k = APR_ARRAY_IDX(keys, i, pl_git_host_key_t *);
        if (only && !strcmp(k->host, only)) {
            pl_jsonw_object(w, NULL);
            write_host_key(w, k);
            pl_jsonw_end(w);
            return mp_reply_json(req, HTTP_OK, w);
        }
    }
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < keys->nelts; i++) {
        pl_jsonw_object(w, NULL);
        write_host_key(w, APR_ARRAY_IDX(keys, i, pl_git_host_key_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_git_host_keys_list(mp_req_t *req)
{
    return reply_host_keys(req, NULL);
}

/* The pending key of {host} becomes the confirmed one; with
 * {"fingerprint"} only when it is that key (what the admin compared with
 * the forge's published fingerprints). */
int api_git_host_key_confirm(mp_req_t *req)
{
    static const char *const known[] = { "fingerprint", NULL };
    const char *host = apr_table_get(req->params, "host"), *fp = NULL;
    apr_int64_t id = project_id(req);
    apr_status_t rv;

    if (req->body && (!mp_request_only_fields(req, known)
                      || !optional_str(req, "fingerprint", &fp, NULL)))
        return OK;
    rv = pl_git_host_key_confirm(req->db, req->r->pool, id, host, fp);
    if (rv == PL_ENOTFOUND)
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND, fp
                              ? "no pending host key of this host with this fingerprint"
                              : "no pending host key of this host", "host");
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "host key");
    mp_audit(req, "git.host_key.confirm", NULL, 0, "project", id, 1);
    return reply_host_keys(req, host);
}

/* Forgets a host's key (say, after a host key change known to be real):
 * the next contact records the new one as pending. */
int api_git_host_key_delete(mp_req_t *req)
{
    apr_int64_t id = project_id(req);
    apr_status_t rv = pl_git_host_key_delete(req->db, req->r->pool, id,
                                             apr_table_get(req->params, "host"));

    if (rv == PL_ENOTFOUND)
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND,
                              "no host key of this host", "host");
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "host key");
    mp_audit(req, "git.host_key.delete", NULL, 0, "project", id, 1);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

static pl_job_t *insert_job(mp_req_t *req, apr_int64_t id, const char *kind)
{
    pl_job_t *job = apr_pcalloc(req->r->pool, sizeof(*job));

    job->kind = kind;
    job->payload = "{}";
    job->project_id = id;
    job->created_by = req->caller.user->id;
    if (pl_jobs_insert(req->db, req->r->pool, job) != APR_SUCCESS)
        return NULL;
    mp_audit(req, kind, NULL, 0, "project", id, 1);
    return job;
}

pl_job_t *api_git_clone_on_create(mp_req_t *req, apr_int64_t id, const char *url)
{
    pl_git_remote_rec_t r = { id, url, NULL, NULL, NULL, NULL };

    if (pl_git_remote_put(req->db, req->r->pool, &r) != APR_SUCCESS)
        return NULL;
    return insert_job(req, id, PL_JOB_GIT_CLONE);
}

/* Queues a network job of kind for the project: 409 at once when it has
 * no remote, or an ssh remote and no deploy key (no job is made). */
static int queue(mp_req_t *req, const char *kind)
{
    apr_pool_t *p = req->r->pool;
    apr_int64_t id = project_id(req);
    pl_git_remote_rec_t *r;
    pl_git_deploy_key_t *k;
    pl_git_url_t *u;
    pl_job_t *job;
    const char *why;
    apr_status_t rv;

    rv = pl_git_remote_get(req->db, p, id, &r);
    if (rv == PL_ENOTFOUND)
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_NO_REMOTE,
                              "the project has no remote: PUT .../git/remote first", NULL);
    if (rv != APR_SUCCESS)
        return mp_reply_status(req, rv, "remote");
    if (!pl_git_url_parse(p, r->url, &u, &why))
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_VALIDATION,
                              apr_pstrcat(p, "the remote's url ", why, NULL), "url");
    if (u->ssh && (rv = pl_git_deploy_key_get(req->db, p, id, &k)) != APR_SUCCESS)
        return rv == PL_ENOTFOUND
               ? mp_reply_error(req, HTTP_CONFLICT, PL_ERR_NO_DEPLOY_KEY,
                                "an ssh remote needs the project's deploy key: POST"
                                " .../git/deploy-key first", NULL)
               : mp_reply_status(req, rv, "deploy key");
    if (!(job = insert_job(req, id, kind)))
        return mp_reply_status(req, APR_EGENERAL, "job");
    apr_table_setn(req->r->headers_out, "Location",
                   apr_psprintf(p, MP_API_BASE "/jobs/%" APR_INT64_T_FMT, job->id));
    return api_jobs_reply(req, HTTP_ACCEPTED, job);
}

int api_git_fetch(mp_req_t *req)
{
    return queue(req, PL_JOB_GIT_FETCH);
}

int api_git_pull(mp_req_t *req)
{
    return queue(req, PL_JOB_GIT_PULL);
}

int api_git_push(mp_req_t *req)
{
    return queue(req, PL_JOB_GIT_PUSH);
}

int api_git_clone(mp_req_t *req)
{
    return queue(req, PL_JOB_GIT_CLONE);
}
