/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_http.h"
#include "core/pl_json.h"
#include "core/pl_lines.h"
#include "core/pl_log.h"
#include "chat/pl_pull.h"
#include "core/pl_status.h"

#define LINE_MAX_BYTES   (64 * 1024)
#define MESSAGE_MAX      500          /* the jobs.message column */
#define DIGEST_MAX       255
#define WRITE_EVERY      apr_time_from_msec(250)
#define CONNECT_TIMEOUT_MS 5000
#define PULL_TIMEOUT_MS  (24L * 3600 * 1000)   /* a large model on a slow line */
#define IDLE_TIMEOUT_S   300                    /* Ollama reports at least this often */
#define ERROR_BODY_MAX   4096

typedef enum { PART_HOST, PART_NAMESPACE, PART_MODEL, PART_TAG } part_e;

/* Ollama's own rule (types/model/name.go, isValidPart). */
static int part_valid(part_e kind, const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len == 0 || len > (kind == PART_HOST ? 350 : 80))
        return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (apr_isalnum(c) || c == '_')
            continue;
        if (i == 0)
            return 0;
        if (c == '-' || (c == '.' && kind != PART_NAMESPACE) || (c == ':' && kind == PART_HOST))
            continue;
        return 0;
    }
    return 1;
}

int pl_pull_name_valid(const char *name, const char **why)
{
    static const part_e kinds[] = { PART_MODEL, PART_NAMESPACE, PART_HOST };
    const char *slash = strrchr(name, '/'), *colon = strrchr(name, ':');
    const char *end, *start;
    int i;

    *why = "must be [host/][namespace/]model[:tag] with parts of letters, digits, '_', '-'"
           " and '.' starting with a letter or digit";
    if (strlen(name) > 512)
        return 0;
    /* the tag is after the last ':' past the last '/' (a host's port is before it) */
    if (colon && (!slash || colon > slash)) {
        if (!part_valid(PART_TAG, colon + 1, strlen(colon + 1)))
            return 0;
        end = colon;
    }
    else
        end = name + strlen(name);
    for (i = 0; i < 3; i++) {
        for (start = end; start > name && start[-1] != '/'; start--)
            ;
        if (!part_valid(kinds[i], start, (apr_size_t)(end - start)))
            return 0;
        if (start == name)
            return 1;
        end = start - 1;
    }
    return 0;   /* more than host/namespace/model */
}

const char *pl_pull_payload(apr_pool_t *p, const char *model)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 64 + strlen(model));

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "model", model);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

/* What one layer reported last. */
typedef struct {
    apr_int64_t completed, total;
} layer_t;

struct pl_pull_reader_t {
    apr_pool_t *p;
    pl_lines_t *lines;
    apr_hash_t *layers;           /* digest -> layer_t */
    pl_pull_change_fn *fn;
    void *baton;
    pl_job_progress_t progress;
    const char *error;
    int succeeded;
};

static const char *capped(apr_pool_t *p, const char *s, apr_size_t max)
{
    return strlen(s) > max ? apr_pstrndup(p, s, max) : apr_pstrdup(p, s);
}

/* The sums over the layers when one of them reports: Ollama names each
 * layer as it comes to it, so the sum of totals grows along the way; the
 * percent keeps the best so far (it never goes back) and stays below 100
 * until "success" (the layers still to come are not known). */
static void add_layer(pl_pull_reader_t *r, const char *digest, apr_int64_t completed,
                      apr_int64_t total)
{
    pl_job_progress_t *pr = &r->progress;
    layer_t *l = apr_hash_get(r->layers, digest, APR_HASH_KEY_STRING);
    int percent;

    if (!l) {
        l = apr_pcalloc(r->p, sizeof(*l));
        apr_hash_set(r->layers, apr_pstrdup(r->p, digest), APR_HASH_KEY_STRING, l);
    }
    if (total < 0)
        total = 0;
    if (completed > total)
        completed = total;
    if (pr->overall_total < 0)
        pr->overall_total = pr->overall_completed = 0;
    pr->overall_total += total - l->total;
    pr->overall_completed += completed - l->completed;
    l->total = total;
    l->completed = completed;
    if (pr->overall_total > 0) {
        percent = (int)(pr->overall_completed * 100 / pr->overall_total);
        if (percent > 99)
            percent = 99;
        if (percent > pr->overall_percent)
            pr->overall_percent = percent;
    }
}

/* {"status":"pulling 3f2b...","digest":"sha256:...","total":N,"completed":M}
 * or {"error":"..."}; completed is absent before a layer's first bytes. */
static apr_status_t pull_line(void *baton, const char *line, apr_size_t len, apr_pool_t *p)
{
    pl_pull_reader_t *r = baton;
    pl_job_progress_t *pr = &r->progress;
    const char *why, *status, *digest;
    pl_json_t *j;
    apr_int64_t n;
    int changed;

    if (len == 0)
        return APR_SUCCESS;
    if (pl_json_parse(&j, p, line, len, 8, &why) != APR_SUCCESS
        || pl_json_type(j) != PL_JSON_OBJECT)
        return PL_EUPSTREAM;
    if (pl_json_get_str(j, "error")) {
        r->error = capped(r->p, pl_json_get_str(j, "error"), MESSAGE_MAX);
        return APR_SUCCESS;
    }
    if (!(status = pl_json_get_str(j, "status")))
        return APR_SUCCESS;
    changed = !pr->message || strncmp(pr->message, status, MESSAGE_MAX);
    if (changed)
        pr->message = capped(r->p, status, MESSAGE_MAX);
    if ((digest = pl_json_get_str(j, "digest"))) {
        if (!pr->digest || strncmp(pr->digest, digest, DIGEST_MAX))
            pr->digest = capped(r->p, digest, DIGEST_MAX);
        pr->total = pl_json_get_int(j, "total", &n) && n >= 0 ? n : -1;
        pr->completed = pl_json_get_int(j, "completed", &n) && n >= 0 ? n : 0;
        add_layer(r, pr->digest, pr->completed, pr->total);
    }
    else if (changed) {
        pr->digest = NULL;
        pr->completed = pr->total = -1;
    }
    if (!strcmp(status, "success")) {
        r->succeeded = 1;
        pr->percent = pr->overall_percent = 100;
    }
    else if (!strcmp(status, "pulling manifest"))
        pr->percent = 0;
    else if (pr->total > 0)
        pr->percent = (int)(pr->completed >= pr->total ? 100 : pr->completed * 100 / pr->total);
    if (changed && r->fn && r->fn(r->baton, pr))
        return APR_EINTR;
    return APR_SUCCESS;
}

pl_pull_reader_t *pl_pull_reader_create(apr_pool_t *p, pl_pull_change_fn *fn, void *baton)
{
    pl_pull_reader_t *r = apr_pcalloc(p, sizeof(*r));

    r->p = p;
    r->fn = fn;
    r->baton = baton;
    r->progress.completed = r->progress.total = -1;
    r->progress.overall_completed = r->progress.overall_total = -1;
    r->layers = apr_hash_make(p);
    r->lines = pl_lines_create(p, LINE_MAX_BYTES, pull_line, r);
    return r;
}

apr_status_t pl_pull_reader_feed(pl_pull_reader_t *r, const char *data, apr_size_t len)
{
    apr_status_t rv = pl_lines_feed(r->lines, data, len);

    return rv == PL_ETOOBIG ? PL_EUPSTREAM : rv;
}

void pl_pull_reader_resume(pl_pull_reader_t *r, int overall_percent)
{
    if (overall_percent > r->progress.overall_percent && overall_percent < 100)
        r->progress.overall_percent = overall_percent;
}

const pl_job_progress_t *pl_pull_reader_progress(const pl_pull_reader_t *r)
{
    return &r->progress;
}

const char *pl_pull_reader_error(const pl_pull_reader_t *r)
{
    return r->error;
}

int pl_pull_reader_succeeded(const pl_pull_reader_t *r)
{
    return r->succeeded;
}

/* ------------------------------------------------------------------ run */

typedef struct {
    apr_pool_t *p;
    const pl_job_worker_t *worker;
    const pl_job_t *job;
    pl_pull_reader_t *reader;
    long status;
    char errbody[ERROR_BODY_MAX + 1];
    apr_size_t errlen;
    apr_time_t last_write;
    int canceled, stopping, garbled;
    apr_status_t db_rv;
} run_t;

/* The progress into the row, which also renews the lease and tells whether
 * the job was canceled. Returns non-zero to stop. */
static int write_progress(run_t *run)
{
    apr_pool_t *scratch;
    apr_status_t rv;

    apr_pool_create(&scratch, run->p);
    rv = pl_jobs_progress(run->worker->db, scratch, run->job, run->worker->name,
                          run->worker->lease, pl_pull_reader_progress(run->reader));
    apr_pool_destroy(scratch);
    run->last_write = apr_time_now();
    if (rv == APR_EINTR)
        return run->canceled = 1;
    if (rv != APR_SUCCESS)   /* the database failed: the lease runs out, another tries */
        run->db_rv = rv;
    return rv != APR_SUCCESS;
}

static int on_change(void *baton, const pl_job_progress_t *progress)
{
    return write_progress(baton);
}

static int on_data(void *baton, long status, const char *data, apr_size_t len)
{
    run_t *run = baton;
    apr_status_t rv;

    run->status = status;
    if (status != 200) {   /* an error reply: keep its message */
        apr_size_t n = len > ERROR_BODY_MAX - run->errlen ? ERROR_BODY_MAX - run->errlen : len;
        memcpy(run->errbody + run->errlen, data, n);
        run->errlen += n;
        return 0;
    }
    rv = pl_pull_reader_feed(run->reader, data, len);
    if (rv == PL_EUPSTREAM)
        run->garbled = 1;
    return rv != APR_SUCCESS;
}

static int on_poll(void *baton)
{
    run_t *run = baton;

    if (run->worker->stopping && run->worker->stopping(run->worker->baton))
        return run->stopping = 1;
    if (apr_time_now() - run->last_write >= WRITE_EVERY)
        return write_progress(run);
    return 0;
}

static apr_status_t fail(apr_pool_t *p, const pl_job_worker_t *w, const pl_job_t *job,
                         const char *code, const char *message)
{
    pl_log(PL_LOG_INFO, PL_LOG_MARK, 0, "PLN00701: job %" APR_INT64_T_FMT " (pull) failed: %s (%s)",
           job->id, code, message);
    return pl_jobs_finish(w->db, p, job, w->name, PL_JOB_FAILED, code, message, NULL);
}

apr_status_t pl_pull_run(apr_pool_t *p, const pl_job_worker_t *w, const pl_job_t *job,
                         const pl_server_t *s, const apr_array_header_t *allow)
{
    run_t run;
    pl_http_req_t hr;
    pl_http_resp_t resp;
    pl_url_t url;
    pl_json_t *payload;
    pl_jsonw_t *body;
    const char *model, *why, *msg;
    apr_status_t rv;

    if (pl_json_parse(&payload, p, job->payload, strlen(job->payload), 4, &why) != APR_SUCCESS
        || !(model = pl_json_get_str(payload, "model")) || !pl_pull_name_valid(model, &why))
        return fail(p, w, job, PL_ERR_INVALID_JOB, "the job names no valid model");
    if (s->kind != PL_SERVER_OLLAMA)
        return fail(p, w, job, PL_ERR_NOT_SUPPORTED, "models are pulled onto Ollama servers only");
    if (pl_url_check(p, s->base_url, allow, &url, &why) != APR_SUCCESS)
        return fail(p, w, job, PL_ERR_URL_NOT_ALLOWED, apr_pstrcat(p, "base_url ", why, NULL));
    memset(&run, 0, sizeof(run));
    run.p = p;
    run.worker = w;
    run.job = job;
    run.reader = pl_pull_reader_create(p, on_change, &run);
    /* a pull handed back and taken up again goes on from where it was seen */
    pl_pull_reader_resume(run.reader, job->progress.overall_percent);
    run.last_write = apr_time_now();
    body = pl_jsonw_create(p, 128);
    pl_jsonw_object(body, NULL);
    pl_jsonw_str(body, "model", model);
    pl_jsonw_bool(body, "stream", 1);
    pl_jsonw_end(body);
    memset(&hr, 0, sizeof(hr));
    hr.method = "POST";
    hr.base = &url;
    hr.path = "/api/pull";
    hr.body = pl_jsonw_text(body, NULL);
    hr.bearer = s->api_key;
    hr.connect_timeout_ms = CONNECT_TIMEOUT_MS;
    hr.timeout_ms = PULL_TIMEOUT_MS;
    hr.idle_timeout_s = IDLE_TIMEOUT_S;
    rv = pl_http_stream(p, &hr, on_data, on_poll, &run, &resp);

    if (run.stopping) {
        pl_log(PL_LOG_INFO, PL_LOG_MARK, 0, "PLN00702: job %" APR_INT64_T_FMT " (pull of %s)"
               " handed back to the queue: this process is stopping", job->id, model);
        return pl_jobs_release(w->db, p, job, w->name);
    }
    if (run.canceled) {
        pl_log(PL_LOG_INFO, PL_LOG_MARK, 0, "PLN00703: job %" APR_INT64_T_FMT " (pull of %s)"
               " canceled; the transfer was aborted", job->id, model);
        return pl_jobs_finish(w->db, p, job, w->name, PL_JOB_CANCELED, NULL, NULL, NULL);
    }
    if (run.db_rv != APR_SUCCESS)
        return run.db_rv;
    /* the last progress, then the outcome */
    pl_jobs_progress(w->db, p, job, w->name, w->lease, pl_pull_reader_progress(run.reader));
    if (run.status && run.status != 200) {
        msg = pl_ollama_error(p, run.errbody, run.errlen);
        return fail(p, w, job, run.status == 404 ? PL_ERR_MODEL_NOT_FOUND : PL_ERR_UPSTREAM_ERROR,
                    msg ? msg : apr_psprintf(p, "the server answered %ld", run.status));
    }
    if (run.garbled)
        return fail(p, w, job, PL_ERR_UPSTREAM_ERROR,
                    "the model server sent something that is not NDJSON");
    if (rv == PL_EUPSTREAM)
        return fail(p, w, job, resp.timed_out ? PL_ERR_UPSTREAM_TIMEOUT
                               : resp.connected && run.status ? PL_ERR_UPSTREAM_CLOSED
                               : PL_ERR_UPSTREAM_UNREACHABLE, resp.error);
    if (pl_pull_reader_error(run.reader))
        return fail(p, w, job, PL_ERR_UPSTREAM_ERROR, pl_pull_reader_error(run.reader));
    if (!pl_pull_reader_succeeded(run.reader))
        return fail(p, w, job, PL_ERR_UPSTREAM_CLOSED, "the pull ended before \"success\"");
    pl_log(PL_LOG_INFO, PL_LOG_MARK, 0, "PLN00704: job %" APR_INT64_T_FMT ": %s pulled onto"
           " server %s", job->id, model, s->name);
    return pl_jobs_finish(w->db, p, job, w->name, PL_JOB_SUCCEEDED, NULL, NULL,
                          pl_pull_payload(p, model));
}
