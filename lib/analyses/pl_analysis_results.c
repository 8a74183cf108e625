/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "analyses/pl_analysis_results.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

#define OBJ_COLUMNS "position, objective_id, parent_id, level, title, description," \
                    " classification, severity, score, confidence, claimed_status," \
                    " claimed_completion, observed_completion, tested, dependencies, line"
#define REC_COLUMNS "position, type, priority, title, description, rationale, effort, impact," \
                    " related_objectives, dependencies"

static const pl_sql_t SQL_OBJ_INSERT = {
    "pl.aresults.obj_insert",
    "INSERT INTO analysis_objectives (analysis_id, " OBJ_COLUMNS ") VALUES (%s, %s, %s, %s, %s,"
    " %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_TASK_INSERT = {
    "pl.aresults.task_insert",
    "INSERT INTO analysis_tasks (analysis_id, objective_position, position, text, claimed,"
    " score, tested, evidence) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_REC_INSERT = {
    "pl.aresults.rec_insert",
    "INSERT INTO analysis_recommendations (analysis_id, " REC_COLUMNS ") VALUES (%s, %s, %s, %s,"
    " %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_COMPLETE = {
    "pl.aresults.complete",
    "UPDATE analyses SET state = 'complete', active_project = NULL, finished_at = %s,"
    " plan_title = %s, claimed_completion = %s, observed_completion = %s, objectives = %s,"
    " done = %s, partial = %s, missing = %s WHERE id = %s AND state = 'running'", NULL
};
/* The snapshot's counts per level (schema 15), from the rows just stored:
 * a trend over many analyses reads these, never their objectives. */
static const pl_sql_t SQL_LEVELS = {
    "pl.aresults.levels",
    "INSERT INTO analysis_levels (analysis_id, level, objectives, done, partial, missing)"
    " SELECT analysis_id, COALESCE(level, ''), COUNT(*),"
    " SUM(CASE WHEN classification = 'done' THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN classification = 'partial' THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN classification NOT IN ('done', 'partial') THEN 1 ELSE 0 END)"
    " FROM analysis_objectives WHERE analysis_id = %s GROUP BY analysis_id, COALESCE(level, '')",
    NULL
};
static const pl_sql_t SQL_OBJECTIVES = {
    "pl.aresults.objectives",
    "SELECT " OBJ_COLUMNS " FROM analysis_objectives WHERE analysis_id = %s ORDER BY position",
    NULL
};
static const pl_sql_t SQL_OBJECTIVE = {
    "pl.aresults.objective",
    "SELECT " OBJ_COLUMNS " FROM analysis_objectives WHERE analysis_id = %s AND objective_id = %s"
    " ORDER BY position LIMIT 1", NULL
};
static const pl_sql_t SQL_TASKS = {
    "pl.aresults.tasks",
    "SELECT objective_position, position, text, claimed, score, tested, evidence"
    " FROM analysis_tasks WHERE analysis_id = %s AND objective_position = %s ORDER BY position",
    NULL
};
static const pl_sql_t SQL_HISTORY = {
    "pl.aresults.history",
    "SELECT a.id, a.finished_at, o.classification, o.claimed_completion, o.observed_completion"
    " FROM analysis_objectives o JOIN analyses a ON a.id = o.analysis_id"
    " WHERE a.project_id = %s AND a.state = 'complete' AND o.objective_id = %s ORDER BY a.id",
    NULL
};
static const pl_sql_t SQL_RECS = {
    "pl.aresults.recs",
    "SELECT " REC_COLUMNS " FROM analysis_recommendations WHERE analysis_id = %s"
    " ORDER BY position", NULL
};

const char *pl_severity_name(int severity)
{
    static const char *const NAMES[] = { "none", "low", "medium", "high" };

    return NAMES[severity < 0 ? 0 : severity > 3 ? 3 : severity];
}

/* A fraction or score as SQL text; NULL when unknown. */
static const char *real_arg(apr_pool_t *p, double v)
{
    return v >= 0 ? apr_psprintf(p, "%.6g", v) : NULL;
}

static double real_col(const char *s)
{
    return s ? atof(s) : -1;
}

typedef struct {
    apr_int64_t id;
    const pl_analysis_results_t *res;
} store_t;

static apr_status_t store_objective(pl_db_t *db, apr_pool_t *p, const char *aid,
                                    const pl_analysis_objective_t *o)
{
    const char *args[17];
    apr_status_t rv;
    int i;

    args[0] = aid;
    args[1] = apr_itoa(p, o->position);
    args[2] = o->id;
    args[3] = o->parent;
    args[4] = o->level;
    args[5] = o->title;
    args[6] = o->description;
    args[7] = o->classification;
    args[8] = apr_itoa(p, o->severity);
    args[9] = real_arg(p, o->score);
    args[10] = real_arg(p, o->confidence);
    args[11] = o->claimed_status;
    args[12] = real_arg(p, o->claimed);
    args[13] = real_arg(p, o->observed);
    args[14] = o->tested ? "1" : "0";
    args[15] = o->dependencies;
    args[16] = o->line ? apr_itoa(p, o->line) : NULL;
    if ((rv = pl_db_exec(db, p, &SQL_OBJ_INSERT, 17, args, NULL)) != APR_SUCCESS)
        return rv;
    for (i = 0; o->tasks && i < o->tasks->nelts; i++) {
        const pl_analysis_task_t *t = APR_ARRAY_IDX(o->tasks, i, pl_analysis_task_t *);
        const char *targs[8];
        targs[0] = aid;
        targs[1] = apr_itoa(p, o->position);
        targs[2] = apr_itoa(p, t->position);
        targs[3] = t->text;
        targs[4] = t->claimed < 0 ? NULL : t->claimed ? "1" : "0";
        targs[5] = real_arg(p, t->score);
        targs[6] = t->tested ? "1" : "0";
        targs[7] = t->evidence;
        if ((rv = pl_db_exec(db, p, &SQL_TASK_INSERT, 8, targs, NULL)) != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

static apr_status_t store_tx(pl_db_t *db, apr_pool_t *p, void *baton)
{
    store_t *s = baton;
    const pl_analysis_results_t *res = s->res;
    const char *aid = pl_text_i64(p, s->id), *args[9];
    int counts[3] = { 0, 0, 0 }, i, n = 0;
    apr_status_t rv;

    for (i = 0; i < res->objectives->nelts; i++) {
        const pl_analysis_objective_t *o = APR_ARRAY_IDX(res->objectives, i,
                                                         pl_analysis_objective_t *);
        counts[!strcmp(o->classification, PL_VERDICT_DONE) ? 0
               : !strcmp(o->classification, PL_VERDICT_PARTIAL) ? 1 : 2]++;
        if ((rv = store_objective(db, p, aid, o)) != APR_SUCCESS)
            return rv;
    }
    for (i = 0; i < res->recommendations->nelts; i++) {
        const pl_analysis_advice_t *a = APR_ARRAY_IDX(res->recommendations, i,
                                                      pl_analysis_advice_t *);
        const char *rargs[11] = { aid, apr_itoa(p, a->position), a->type,
                                  apr_itoa(p, a->priority), a->title, a->description,
                                  a->rationale, a->effort, a->impact, a->related,
                                  a->dependencies };
        if ((rv = pl_db_exec(db, p, &SQL_REC_INSERT, 11, rargs, NULL)) != APR_SUCCESS)
            return rv;
    }
    if ((rv = pl_db_exec(db, p, &SQL_LEVELS, 1, &aid, NULL)) != APR_SUCCESS)
        return rv;
    args[0] = pl_time_rfc3339(p, apr_time_now());
    args[1] = res->plan_title;
    args[2] = real_arg(p, res->claimed);
    args[3] = real_arg(p, res->observed);
    args[4] = apr_itoa(p, res->objectives->nelts);
    args[5] = apr_itoa(p, counts[0]);
    args[6] = apr_itoa(p, counts[1]);
    args[7] = apr_itoa(p, counts[2]);
    args[8] = aid;
    if ((rv = pl_db_exec(db, p, &SQL_COMPLETE, 9, args, &n)) != APR_SUCCESS)
        return rv;
    return n == 1 ? APR_SUCCESS : PL_ENOTFOUND;   /* ended meanwhile (canceled): keep nothing */
}

apr_status_t pl_analysis_results_store(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                                       const pl_analysis_results_t *res)
{
    store_t s = { id, res };

    return pl_analyses_in_tx(db, p, store_tx, &s);
}

static void *objective_row(apr_pool_t *p, const char **row)
{
    pl_analysis_objective_t *o = apr_pcalloc(p, sizeof(*o));

    o->position = atoi(row[0]);
    o->id = row[1];
    o->parent = row[2];
    o->level = row[3];
    o->title = row[4];
    o->description = row[5];
    o->classification = row[6];
    o->severity = row[7] ? atoi(row[7]) : 0;
    o->score = real_col(row[8]);
    o->confidence = real_col(row[9]);
    o->claimed_status = row[10];
    o->claimed = real_col(row[11]);
    o->observed = real_col(row[12]);
    o->tested = row[13] && atoi(row[13]) != 0;
    o->dependencies = row[14] ? row[14] : "[]";
    o->line = row[15] ? atoi(row[15]) : 0;
    return o;
}

static void *task_row(apr_pool_t *p, const char **row)
{
    pl_analysis_task_t *t = apr_pcalloc(p, sizeof(*t));

    t->objective_position = atoi(row[0]);
    t->position = atoi(row[1]);
    t->text = row[2];
    t->claimed = row[3] ? atoi(row[3]) != 0 : -1;
    t->score = real_col(row[4]);
    t->tested = row[5] && atoi(row[5]) != 0;
    t->evidence = row[6] ? row[6] : "[]";
    return t;
}

static void *advice_row(apr_pool_t *p, const char **row)
{
    pl_analysis_advice_t *a = apr_pcalloc(p, sizeof(*a));

    a->position = atoi(row[0]);
    a->type = row[1];
    a->priority = row[2] ? atoi(row[2]) : 0;
    a->title = row[3];
    a->description = row[4];
    a->rationale = row[5];
    a->effort = row[6];
    a->impact = row[7];
    a->related = row[8] ? row[8] : "[]";
    a->dependencies = row[9] ? row[9] : "[]";
    return a;
}

static void *verdict_row(apr_pool_t *p, const char **row)
{
    pl_analysis_verdict_t *v = apr_pcalloc(p, sizeof(*v));

    v->analysis_id = apr_atoi64(row[0]);
    v->finished_at = row[1];
    v->classification = row[2];
    v->claimed = real_col(row[3]);
    v->observed = real_col(row[4]);
    return v;
}

static apr_status_t select_map(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, int nargs,
                               const char **args, pl_db_row_fn *fn, apr_array_header_t **items)
{
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, sql, nargs, args, &res);

    if (rv == APR_SUCCESS)
        *items = pl_db_map(p, res, fn);
    return rv;
}

apr_status_t pl_analysis_objectives(pl_db_t *db, apr_pool_t *p, apr_int64_t analysis_id,
                                    apr_array_header_t **items)
{
    const char *arg = pl_text_i64(p, analysis_id);

    return select_map(db, p, &SQL_OBJECTIVES, 1, &arg, objective_row, items);
}

apr_status_t pl_analysis_objective(pl_db_t *db, apr_pool_t *p, apr_int64_t analysis_id,
                                   const char *objective_id, pl_analysis_objective_t **o)
{
    const char *args[2] = { pl_text_i64(p, analysis_id), objective_id };
    apr_array_header_t *found;
    apr_status_t rv;

    if ((rv = select_map(db, p, &SQL_OBJECTIVE, 2, args, objective_row, &found)) != APR_SUCCESS)
        return rv;
    if (!found->nelts)
        return PL_ENOTFOUND;
    *o = APR_ARRAY_IDX(found, 0, pl_analysis_objective_t *);
    args[1] = apr_itoa(p, (*o)->position);
    return select_map(db, p, &SQL_TASKS, 2, args, task_row, &(*o)->tasks);
}

apr_status_t pl_analysis_objective_history(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                           const char *objective_id, apr_array_header_t **items)
{
    const char *args[2] = { pl_text_i64(p, project_id), objective_id };

    return select_map(db, p, &SQL_HISTORY, 2, args, verdict_row, items);
}

apr_status_t pl_analysis_recommendations(pl_db_t *db, apr_pool_t *p, apr_int64_t analysis_id,
                                         apr_array_header_t **items)
{
    const char *arg = pl_text_i64(p, analysis_id);

    return select_map(db, p, &SQL_RECS, 1, &arg, advice_row, items);
}

void pl_analysis_objective_write(pl_jsonw_t *w, const pl_analysis_objective_t *o)
{
    pl_jsonw_str(w, "id", o->id);
    pl_jsonw_str(w, "title", o->title);
    pl_jsonw_str(w, "level", o->level);
    pl_jsonw_str(w, "parent", o->parent);
    pl_jsonw_str(w, "description", o->description);
    pl_jsonw_str(w, "classification", o->classification);
    pl_jsonw_str(w, "severity", pl_severity_name(o->severity));
    pl_analysis_number_write(w, "score", o->score);
    pl_analysis_number_write(w, "confidence", o->confidence);
    pl_jsonw_str(w, "claimed_status", o->claimed_status);
    pl_analysis_number_write(w, "claimed_completion", o->claimed);
    pl_analysis_number_write(w, "observed_completion", o->observed);
    pl_jsonw_bool(w, "tested", o->tested);
    pl_jsonw_raw(w, "dependencies", o->dependencies);   /* written by pl_analysis_import */
    if (o->line)
        pl_jsonw_int(w, "line", o->line);
    else
        pl_jsonw_str(w, "line", NULL);
}

void pl_analysis_task_write(pl_jsonw_t *w, const pl_analysis_task_t *t)
{
    pl_jsonw_str(w, "text", t->text);
    if (t->claimed < 0)
        pl_jsonw_str(w, "claimed", NULL);
    else
        pl_jsonw_bool(w, "claimed", t->claimed);
    pl_analysis_number_write(w, "score", t->score);
    pl_jsonw_bool(w, "tested", t->tested);
    pl_jsonw_raw(w, "evidence", t->evidence);           /* written by pl_analysis_import */
}

void pl_analysis_advice_write(pl_jsonw_t *w, const pl_analysis_advice_t *a)
{
    pl_jsonw_int(w, "rank", a->position + 1);
    pl_jsonw_str(w, "type", a->type);
    pl_jsonw_int(w, "priority", a->priority);
    pl_jsonw_str(w, "title", a->title);
    pl_jsonw_str(w, "description", a->description);
    pl_jsonw_str(w, "rationale", a->rationale);
    pl_jsonw_str(w, "effort", a->effort);
    pl_jsonw_str(w, "impact", a->impact);
    pl_jsonw_raw(w, "related_objectives", a->related);
    pl_jsonw_raw(w, "dependencies", a->dependencies);
}

void pl_analysis_objective_detail_write(pl_jsonw_t *w, const pl_analysis_objective_t *o,
                                        const apr_array_header_t *history)
{
    int i;

    pl_analysis_objective_write(w, o);
    pl_jsonw_array(w, "tasks");
    for (i = 0; o->tasks && i < o->tasks->nelts; i++) {
        pl_jsonw_object(w, NULL);
        pl_analysis_task_write(w, APR_ARRAY_IDX(o->tasks, i, pl_analysis_task_t *));
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_array(w, "history");
    for (i = 0; i < history->nelts; i++) {
        const pl_analysis_verdict_t *v = APR_ARRAY_IDX(history, i, pl_analysis_verdict_t *);
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "analysis_id", v->analysis_id);
        pl_jsonw_str(w, "finished_at", v->finished_at);
        pl_jsonw_str(w, "classification", v->classification);
        pl_analysis_number_write(w, "claimed_completion", v->claimed);
        pl_analysis_number_write(w, "observed_completion", v->observed);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
}
