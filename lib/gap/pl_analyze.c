/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>

#include "gap/pl_analyze.h"
#include "core/pl_status.h"
#include "core/pl_time.h"
#include "plan/pl_plan_file.h"

static apr_status_t read_plan(apr_pool_t *p, const char *path, pl_plan_t **plan, const char **err)
{
    apr_size_t len;
    char *text;
    apr_status_t rv = pl_plan_file_read(p, path, 0, &text, &len);

    if (rv == PL_ETOOBIG)
        *err = apr_psprintf(p, "the plan %s is larger than %d bytes", path, PL_PLAN_MAX_BYTES);
    else if (rv != APR_SUCCESS)
        *err = apr_psprintf(p, "cannot read the plan %s", path);
    return rv != APR_SUCCESS ? rv : pl_plan_parse(p, text, len, plan);
}

static int stage(const pl_analyze_options_t *o, const char *name)
{
    return o->progress && o->progress(o->baton, name, 0, 0);
}

apr_status_t pl_analyze(apr_pool_t *p, const char *root, const pl_analyze_options_t *opts,
                        pl_analysis_t **out, const char **err)
{
    static const pl_analyze_options_t defaults;
    const pl_analyze_options_t *o = opts ? opts : &defaults;
    pl_analysis_t *a = apr_pcalloc(p, sizeof(*a));
    pl_code_options_t co;
    pl_gap_options_t go;
    apr_status_t rv;
    const char *name;

    *err = NULL;
    a->started = apr_time_now();
    a->analyzed_at = pl_time_rfc3339(p, a->started);
    a->root = root;
    if (o->plan_path)
        a->plan_path = o->plan_path;
    else if ((name = pl_plan_file_find(p, root, 0)))
        a->plan_path = apr_pstrcat(p, root, "/", name, NULL);
    else {
        *err = apr_psprintf(p, "no %s at %s: give the plan with --plan", PL_ANALYZE_PLAN_NAME, root);
        return PL_ENOTFOUND;
    }
    if (stage(o, "plan"))
        return PL_ECANCELED;
    if ((rv = read_plan(p, a->plan_path, &a->plan, err)) != APR_SUCCESS)
        return rv;

    memset(&co, 0, sizeof(co));
    co.max_file_bytes = o->max_file_bytes;
    co.progress = o->progress;
    co.baton = o->baton;
    co.jobs = o->jobs;
    if ((rv = pl_code_analyze(p, root, &co, &a->code, err)) != APR_SUCCESS)
        return rv;

    if (o->git_max >= 0) {
        const char *why = NULL;
        if (stage(o, "history"))
            return PL_ECANCELED;
        /* not a repository, or an unreadable one: the analysis goes on without history */
        if (pl_gitlog_read(p, root, o->git_max, &a->log, &why) != APR_SUCCESS)
            a->log = NULL;
    }

    memset(&go, 0, sizeof(go));
    go.threshold_done = o->threshold_done;
    go.threshold_partial = o->threshold_partial;
    go.calibration = o->calibration;
    go.without = o->without;
    go.judge = o->judge;
    go.progress = o->progress;
    go.baton = o->baton;
    if ((rv = pl_gap_run(p, a->plan, a->code, &go, &a->gap)) != APR_SUCCESS) {
        if (rv == PL_EINVAL)
            *err = "the thresholds must lie in 0..1, partial at or below done";
        else if (rv != PL_ECANCELED)
            *err = "the gap analysis failed";
        return rv;
    }
    if ((rv = pl_recommend(p, a->plan, a->gap, a->code, &a->recommendations)) != APR_SUCCESS) {
        *err = "the recommendations could not be worked out";
        return rv;
    }
    a->elapsed = apr_time_now() - a->started;
    *out = a;
    return APR_SUCCESS;
}

void pl_analysis_write(pl_jsonw_t *w, const pl_analysis_t *a)
{
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "root", a->root);
    pl_jsonw_str(w, "plan_path", a->plan_path);
    pl_jsonw_str(w, "analyzed_at", a->analyzed_at);
    pl_jsonw_int(w, "elapsed_ms", apr_time_as_msec(a->elapsed));
    pl_jsonw_object(w, "summary");
    pl_jsonw_number(w, "claimed_percent", a->gap->claimed_percent);
    pl_jsonw_number(w, "observed_percent", a->gap->observed_percent);
    pl_jsonw_int(w, "objectives", a->gap->objectives->nelts);
    pl_jsonw_int(w, "files", a->code->files->nelts);
    pl_jsonw_int(w, "code_lines", a->code->code_lines);
    pl_jsonw_int(w, "commits", a->log ? a->log->commits->nelts : 0);
    pl_jsonw_end(w);
    pl_plan_write(w, "plan", a->plan);
    pl_code_write(w, "code", a->code, 0);
    pl_jsonw_object(w, "gap");
    pl_gap_write(w, a->gap);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "recommendations");
    pl_recommend_write(w, a->recommendations);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
}
