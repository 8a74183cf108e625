/* SPDX-License-Identifier: Apache-2.0 */
/* /api/v1/servers (admins): model servers, their models and what they have
 * loaded; /api/v1/models (everyone): models merged across servers. Every
 * call out goes to the address checked against PlanningModelServerAllow. */
#include <apr_strings.h>

#include "api.h"
#include "mp_audit.h"
#include "core/pl_http.h"
#include "db/pl_jobs.h"
#include "chat/pl_pull.h"
#include "chat/pl_servers.h"
#include "core/pl_status.h"

#define CONNECT_TIMEOUT_MS 3000
#define TIMEOUT_MS         15000
#define MAX_REPLY          (8 * 1024 * 1024)

static int reply_server(mp_req_t *req, int status, const pl_server_t *s)
{
    pl_jsonw_t *w = mp_reply_writer(req, 512);

    pl_jsonw_object(w, NULL);
    pl_server_write(w, s);
    pl_jsonw_end(w);
    return mp_reply_json(req, status, w);
}

static int load(mp_req_t *req, pl_server_t **s)
{
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "server", "server", &id))
        return 0;
    if ((rv = pl_servers_get(req->db, req->r->pool, id, s)) != APR_SUCCESS) {
        mp_reply_status(req, rv, "server");
        return 0;
    }
    return 1;
}

/* One request to server s at the address the allow-list admits. Returns
 * APR_SUCCESS with *resp, or why it could not be made or answered. */
static apr_status_t fetch(mp_req_t *req, const pl_server_t *s, const char *method,
                          const char *path, const char *body, long timeout_ms,
                          pl_http_resp_t *resp, const char **why)
{
    pl_http_req_t hr;
    pl_url_t url;
    apr_status_t rv;

    memset(resp, 0, sizeof(*resp));
    if ((rv = pl_url_check(req->r->pool, s->base_url, req->conf->model_allow, &url, why)) != APR_SUCCESS)
        return rv;
    memset(&hr, 0, sizeof(hr));
    hr.method = method;
    hr.base = &url;
    hr.path = path;
    hr.body = body;
    hr.bearer = s->api_key;
    hr.connect_timeout_ms = CONNECT_TIMEOUT_MS;
    hr.timeout_ms = timeout_ms;
    hr.max_response = MAX_REPLY;
    if ((rv = pl_http_do(req->r->pool, &hr, resp)) != APR_SUCCESS)
        *why = resp->error;
    return rv;
}

/* fetch, with a 400 (URL no longer allowed) or 502/504 reply on failure.
 * Returns 1 when a reply arrived. */
static int call(mp_req_t *req, const pl_server_t *s, const char *method, const char *path,
                const char *body, pl_http_resp_t *resp)
{
    const char *why = NULL;
    apr_status_t rv = fetch(req, s, method, path, body, TIMEOUT_MS, resp, &why);

    if (rv == PL_EINVAL) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_URL_NOT_ALLOWED,
                       apr_pstrcat(req->r->pool, "base_url ", why, NULL), "base_url");
        return 0;
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, req->r,
                      "PLN00501: model server %s (%s) failed: %s", s->name, s->base_url, why);
        mp_reply_error(req, resp->timed_out ? HTTP_GATEWAY_TIME_OUT : HTTP_BAD_GATEWAY,
                       resp->timed_out ? PL_ERR_UPSTREAM_TIMEOUT : PL_ERR_UPSTREAM_UNREACHABLE,
                       apr_psprintf(req->r->pool, "model server %s: %s", s->name, why), NULL);
        return 0;
    }
    return 1;
}

/* A reply that is not 2xx, as our error: 404 stays 404, the rest is 502. */
static int upstream_status(mp_req_t *req, const pl_server_t *s, const pl_http_resp_t *resp,
                           const char *what)
{
    const char *msg = pl_ollama_error(req->r->pool, resp->body, resp->len);

    if (resp->status == HTTP_NOT_FOUND)
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_MODEL_NOT_FOUND,
                              msg ? msg : apr_pstrcat(req->r->pool, what, " not found", NULL), NULL);
    return mp_reply_error(req, HTTP_BAD_GATEWAY, PL_ERR_UPSTREAM_ERROR,
                          apr_psprintf(req->r->pool, "model server %s answered %ld: %s", s->name,
                                       resp->status, msg ? msg : "no message"), NULL);
}

/* The server's base URL against PlanningModelServerAllow now: 1, or 0
 * after a 400. */
static int url_allowed(mp_req_t *req, const pl_server_t *s)
{
    const char *why;
    pl_url_t url;

    if (pl_url_check(req->r->pool, s->base_url, req->conf->model_allow, &url, &why) == APR_SUCCESS)
        return 1;
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_URL_NOT_ALLOWED,
                   apr_pstrcat(req->r->pool, "base_url ", why, NULL), "base_url");
    return 0;
}

static int validated(mp_req_t *req, pl_server_t *s, int whole)
{
    const char *field, *why;

    if (pl_server_apply(s, req->body, whole, req->r->pool, &field, &why) != APR_SUCCESS) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                       field ? apr_pstrcat(req->r->pool, field, " ", why, NULL) : why, field);
        return 0;
    }
    return url_allowed(req, s);
}

int api_servers_list(mp_req_t *req)
{
    apr_array_header_t *servers;
    pl_jsonw_t *w;
    apr_status_t rv;
    int i;

    if ((rv = pl_servers_list(req->db, req->r->pool, 0, &servers)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "server");
    w = mp_reply_writer(req, 256 * (apr_size_t)(servers->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < servers->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_server_write(w, APR_ARRAY_IDX(servers, i, pl_server_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", servers->nelts);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_servers_create(mp_req_t *req)
{
    pl_server_t *s = apr_pcalloc(req->r->pool, sizeof(*s));
    apr_status_t rv;

    if (!validated(req, s, 1))
        return OK;
    if ((rv = pl_servers_insert(req->db, req->r->pool, s)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "server");
    mp_audit(req, "server.create", NULL, 0, "server", s->id, 1);
    apr_table_setn(req->r->headers_out, "Location",
                   apr_psprintf(req->r->pool, MP_API_BASE "/servers/%" APR_INT64_T_FMT, s->id));
    return reply_server(req, HTTP_CREATED, s);
}

int api_servers_get(mp_req_t *req)
{
    pl_server_t *s;

    return load(req, &s) ? reply_server(req, HTTP_OK, s) : OK;
}

int api_servers_patch(mp_req_t *req)
{
    pl_server_t *s;
    apr_status_t rv;

    if (!load(req, &s) || !validated(req, s, 0))
        return OK;
    if ((rv = pl_servers_update(req->db, req->r->pool, s)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "server");
    mp_audit(req, "server.update", NULL, 0, "server", s->id, 1);
    return reply_server(req, HTTP_OK, s);
}

int api_servers_delete(mp_req_t *req)
{
    apr_int64_t id;
    apr_status_t rv;

    if (!mp_request_param_id(req, "server", "server", &id))
        return OK;
    if ((rv = pl_servers_delete(req->db, req->r->pool, id)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "server");
    mp_audit(req, "server.delete", NULL, 0, "server", id, 1);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

/* Reachable, version and latency; a failure is an answer here, not an error. */
int api_servers_test(mp_req_t *req)
{
    pl_http_resp_t resp;
    pl_server_t *s;
    const char *why = NULL, *version = NULL;
    pl_jsonw_t *w;
    int reachable = 0;

    if (!load(req, &s))
        return OK;
    if (fetch(req, s, "GET", pl_ollama_version_path(s->kind), NULL, CONNECT_TIMEOUT_MS * 2,
              &resp, &why) == APR_SUCCESS) {
        if (resp.status / 100 != 2)
            why = apr_psprintf(req->r->pool, "answered %ld", resp.status);
        else {
            reachable = 1;
            if (s->kind == PL_SERVER_OLLAMA)
                pl_ollama_parse_version(req->r->pool, resp.body, resp.len, &version);
        }
    }
    w = mp_reply_writer(req, 256);
    pl_jsonw_object(w, NULL);
    pl_jsonw_bool(w, "reachable", reachable);
    pl_jsonw_str(w, "version", version);
    if (reachable)
        pl_jsonw_number(w, "latency_ms", resp.elapsed_ms);
    else
        pl_jsonw_str(w, "latency_ms", NULL);
    pl_jsonw_str(w, "error", reachable ? NULL : why);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

/* Model management is Ollama's: 1 for an Ollama server, else 0 after 400. */
static int ollama_only(mp_req_t *req, const pl_server_t *s, const char *what)
{
    if (s->kind == PL_SERVER_OLLAMA)
        return 1;
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_NOT_SUPPORTED,
                   apr_pstrcat(req->r->pool, what, " on Ollama servers only", NULL), NULL);
    return 0;
}

static int valid_model_name(mp_req_t *req, const char *name, const char *field)
{
    const char *why;

    if (name && pl_pull_name_valid(name, &why))
        return 1;
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                   apr_pstrcat(req->r->pool, field, " ", name ? why : "must be a string", NULL),
                   field);
    return 0;
}

static int reply_models(mp_req_t *req, const pl_server_t *s, const char *path, int runtime)
{
    apr_array_header_t *models;
    pl_http_resp_t resp;
    const char *why;
    pl_jsonw_t *w;
    int i;

    if (!call(req, s, "GET", path, NULL, &resp))
        return OK;
    if (resp.status / 100 != 2)
        return upstream_status(req, s, &resp, "list");
    if (pl_ollama_parse_models(req->r->pool, s->kind, resp.body, resp.len, &models, &why)
        != APR_SUCCESS)
        return mp_reply_error(req, HTTP_BAD_GATEWAY, PL_ERR_UPSTREAM_ERROR,
                              apr_psprintf(req->r->pool, "model server %s sent an unreadable"
                                           " list: %s", s->name, why), NULL);
    w = mp_reply_writer(req, 384 * (apr_size_t)(models->nelts + 1));
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < models->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_model_write(w, APR_ARRAY_IDX(models, i, pl_model_t *), runtime);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", models->nelts);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}

int api_servers_models(mp_req_t *req)
{
    pl_server_t *s;

    return load(req, &s) ? reply_models(req, s, pl_ollama_models_path(s->kind), 0) : OK;
}

int api_servers_ps(mp_req_t *req)
{
    pl_server_t *s;

    if (!load(req, &s) || !ollama_only(req, s, "loaded models are reported"))
        return OK;
    return reply_models(req, s, "/api/ps", 1);
}

int api_servers_model_delete(mp_req_t *req)
{
    const char *name = apr_table_get(req->params, "name");
    pl_jsonw_t *body;
    pl_http_resp_t resp;
    pl_server_t *s;

    if (!load(req, &s) || !ollama_only(req, s, "models can be deleted")
        || !valid_model_name(req, name, "name"))
        return OK;
    body = pl_jsonw_create(req->r->pool, 128);
    pl_jsonw_object(body, NULL);
    pl_jsonw_str(body, "model", name);
    pl_jsonw_end(body);
    if (!call(req, s, "DELETE", "/api/delete", pl_jsonw_text(body, NULL), &resp))
        return OK;
    if (resp.status / 100 != 2)
        return upstream_status(req, s, &resp, "model");
    mp_audit(req, "model.delete", NULL, 0, "server", s->id, 1);
    return mp_reply_empty(req, HTTP_NO_CONTENT);
}

/* A pull is a job: 202 with it at once; the watchdog of some child runs it
 * (GET /jobs/{id}, its /events, POST /jobs/{id}/cancel). */
int api_servers_pull(mp_req_t *req)
{
    static const char *const known[] = { "name", NULL };
    pl_job_t *job = apr_pcalloc(req->r->pool, sizeof(*job));
    const char *name;
    pl_server_t *s;
    apr_status_t rv;

    if (!load(req, &s) || !ollama_only(req, s, "models can be pulled")
        || !mp_request_only_fields(req, known))
        return OK;
    name = pl_json_get_str(req->body, "name");
    if (!valid_model_name(req, name, "name") || !url_allowed(req, s))
        return OK;
    job->kind = PL_JOB_MODEL_PULL;
    job->payload = pl_pull_payload(req->r->pool, name);
    job->server_id = s->id;
    job->created_by = req->caller.user->id;
    if ((rv = pl_jobs_insert(req->db, req->r->pool, job)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "job");
    mp_audit(req, "model.pull", NULL, 0, "server", s->id, 1);
    apr_table_setn(req->r->headers_out, "Location",
                   apr_psprintf(req->r->pool, MP_API_BASE "/jobs/%" APR_INT64_T_FMT, job->id));
    return api_jobs_reply(req, HTTP_ACCEPTED, job);
}

/* What a non-admin reads about a server that gave no model list. */
#define UNAVAILABLE "the server could not be reached or did not list its models"

/* Every enabled server's models, each model once with the servers that have
 * it; a server that fails is listed under "unavailable", not an error. */
int api_models_list(mp_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    apr_array_header_t *servers, *order = apr_array_make(p, 16, sizeof(const char *));
    apr_hash_t *by_name = apr_hash_make(p);
    pl_jsonw_t *w = mp_reply_writer(req, 4096), *down = pl_jsonw_create(p, 256);
    apr_status_t rv;
    int i, j, admin = req->caller.role >= PL_ROLE_ADMIN;

    if ((rv = pl_servers_list(req->db, p, 1, &servers)) != APR_SUCCESS)
        return mp_reply_status(req, rv, "server");
    pl_jsonw_array(down, NULL);
    for (i = 0; i < servers->nelts; i++) {
        pl_server_t *s = APR_ARRAY_IDX(servers, i, pl_server_t *);
        apr_array_header_t *models = NULL;
        pl_http_resp_t resp;
        const char *why = NULL;

        if (fetch(req, s, "GET", pl_ollama_models_path(s->kind), NULL, TIMEOUT_MS, &resp, &why)
            == APR_SUCCESS) {
            if (resp.status / 100 != 2)
                why = apr_psprintf(p, "answered %ld", resp.status);
            else
                pl_ollama_parse_models(p, s->kind, resp.body, resp.len, &models, &why);
            if (models)
                why = NULL;
        }
        if (why) {
            pl_jsonw_object(down, NULL);
            pl_jsonw_int(down, "id", s->id);
            pl_jsonw_str(down, "name", s->name);
            /* curl's detail names addresses and ports inside the network:
             * for admins, who configure the servers, only */
            pl_jsonw_str(down, "error", admin ? why : UNAVAILABLE);
            pl_jsonw_end(down);
            continue;
        }
        for (j = 0; j < models->nelts; j++) {
            pl_model_t *m = APR_ARRAY_IDX(models, j, pl_model_t *);
            apr_array_header_t *holders = apr_hash_get(by_name, m->name, APR_HASH_KEY_STRING);
            if (!holders) {
                holders = apr_array_make(p, 2, sizeof(void *));
                APR_ARRAY_PUSH(holders, pl_model_t *) = m;
                apr_hash_set(by_name, m->name, APR_HASH_KEY_STRING, holders);
                APR_ARRAY_PUSH(order, const char *) = m->name;
            }
            APR_ARRAY_PUSH(holders, pl_server_t *) = s;
        }
    }
    pl_jsonw_end(down);
    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "items");
    for (i = 0; i < order->nelts; i++) {
        apr_array_header_t *holders = apr_hash_get(by_name, APR_ARRAY_IDX(order, i, const char *),
                                                   APR_HASH_KEY_STRING);
        pl_jsonw_object(w, NULL);
        pl_model_write(w, APR_ARRAY_IDX(holders, 0, pl_model_t *), 0);
        pl_jsonw_array(w, "servers");
        for (j = 1; j < holders->nelts; j++) {
            pl_server_t *s = APR_ARRAY_IDX(holders, j, pl_server_t *);
            pl_jsonw_object(w, NULL);
            pl_jsonw_int(w, "id", s->id);
            pl_jsonw_str(w, "name", s->name);
            pl_jsonw_int(w, "priority", s->priority);
            pl_jsonw_end(w);
        }
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", order->nelts);
    pl_jsonw_raw(w, "unavailable", pl_jsonw_text(down, NULL));
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}
