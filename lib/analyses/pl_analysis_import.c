/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "analyses/pl_analysis_import.h"
#include "core/pl_jsonw.h"
#include "core/pl_status.h"

#define TEXT_MAX 10000   /* characters kept of a title, description or rationale */

/* The first of keys (NULL-terminated) that obj has, as a number in *out. */
static int number_of(const pl_json_t *obj, double *out, const char *const *keys)
{
    for (; *keys; keys++)
        if (obj && pl_json_get_number(obj, *keys, out))
            return 1;
    return 0;
}

static double number_or(const pl_json_t *obj, double dflt, const char *const *keys)
{
    double v;

    return number_of(obj, &v, keys) ? v : dflt;
}

static const char *str_of(apr_pool_t *p, const pl_json_t *obj, const char *const *keys)
{
    const char *s;

    for (; *keys; keys++)
        if (obj && (s = pl_json_get_str(obj, *keys)))
            return strlen(s) > TEXT_MAX * 4 ? apr_pstrndup(p, s, TEXT_MAX * 4) : s;
    return NULL;
}

static pl_json_t *array_of(apr_pool_t *p, const pl_json_t *obj, const char *const *keys)
{
    pl_json_t *a;

    for (; *keys; keys++)
        if (obj && (a = pl_json_get_array(p, obj, *keys)))
            return a;
    return NULL;
}

/* true/false, or a number (1 is claimed done), or a status word; -1 when
 * none of keys says. */
static int flag_of(const pl_json_t *obj, const char *const *keys)
{
    double v;

    for (; *keys; keys++) {
        pl_json_type_e t = obj ? pl_json_type_of(obj, *keys) : PL_JSON_ABSENT;
        if (t == PL_JSON_BOOL)
            return pl_json_is_true(obj, *keys);
        if ((t == PL_JSON_INTEGER || t == PL_JSON_REAL) && pl_json_get_number(obj, *keys, &v))
            return v >= 1;
    }
    return -1;
}

/* An array of strings as JSON text; the empty array when absent. */
static const char *strings_json(apr_pool_t *p, const pl_json_t *arr, const char *single)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 64);
    apr_size_t i, n = arr ? pl_json_array_size(arr) : 0;

    pl_jsonw_array(w, NULL);
    for (i = 0; i < n; i++) {
        const char *s = pl_json_string_value(pl_json_array_get(p, arr, i));
        if (s)
            pl_jsonw_str(w, NULL, s);
    }
    if (!arr && single)
        pl_jsonw_str(w, NULL, single);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

/* Today's classes on the verdict scale of done / partial / missing: the
 * claim and the tests are kept beside the verdict, never in it. */
static const char *verdict(const char *c, double observed)
{
    if (c && (!strcmp(c, PL_VERDICT_DONE) || !strcmp(c, "untested") || !strcmp(c, "implemented")))
        return PL_VERDICT_DONE;
    if (c && !strcmp(c, PL_VERDICT_PARTIAL))
        return PL_VERDICT_PARTIAL;
    if (c && (!strcmp(c, PL_VERDICT_MISSING) || !strcmp(c, "claimed_without_evidence")))
        return PL_VERDICT_MISSING;
    /* no word we know: the observed completion decides */
    return observed >= 1 ? PL_VERDICT_DONE : observed > 0 ? PL_VERDICT_PARTIAL : PL_VERDICT_MISSING;
}

static int severity_of(const char *named, const char *v, const char *level, double claimed)
{
    if (!strcmp(v, PL_VERDICT_DONE))
        return 0;
    if (named)
        return !strcmp(named, "high") ? 3 : !strcmp(named, "medium") ? 2 : 1;
    /* the analyzer did not rank it: a missing primary objective, or one the
     * plan says is done, matters most */
    if (!strcmp(v, PL_VERDICT_MISSING) && ((level && !strcmp(level, "primary")) || claimed >= 1))
        return 3;
    return !strcmp(v, PL_VERDICT_MISSING) || (level && !strcmp(level, "primary")) ? 2 : 1;
}

/* One evidence item in our shape: {path, line, symbol, words}. */
static void evidence_item(pl_jsonw_t *w, apr_pool_t *p, const pl_json_t *e)
{
    static const char *const PATH[] = { "path", "file", NULL };
    static const char *const LINE[] = { "line", NULL };
    static const char *const SYMBOL[] = { "symbol", NULL };
    static const char *const WORDS[] = { "matched_words", "words", "matched", "why", NULL };
    pl_json_t *words = array_of(p, e, WORDS);
    double line;

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "path", str_of(p, e, PATH));
    if (number_of(e, &line, LINE))
        pl_jsonw_int(w, "line", (apr_int64_t)line);
    else
        pl_jsonw_str(w, "line", NULL);
    pl_jsonw_str(w, "symbol", str_of(p, e, SYMBOL));
    pl_jsonw_raw(w, "words", strings_json(p, words, NULL));
    pl_jsonw_end(w);
}

/* The evidence of task i: its own array, or (today's report) the items of
 * the objective's evidence that name task i. */
static const char *task_evidence(apr_pool_t *p, const pl_json_t *task, const pl_json_t *obj,
                                 apr_size_t i)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 256);
    pl_json_t *own = pl_json_get_array(p, task, "evidence");
    pl_json_t *all = own ? own : pl_json_get_array(p, obj, "evidence");
    apr_size_t k, n = all ? pl_json_array_size(all) : 0;
    apr_int64_t which;

    pl_jsonw_array(w, NULL);
    for (k = 0; k < n; k++) {
        pl_json_t *e = pl_json_array_get(p, all, k);
        if (pl_json_type(e) != PL_JSON_OBJECT)
            continue;
        if (!own && (!pl_json_get_int(e, "task", &which) || which != (apr_int64_t)i))
            continue;
        evidence_item(w, p, e);
    }
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}

static apr_array_header_t *tasks_of(apr_pool_t *p, const pl_json_t *obj, int opos)
{
    static const char *const TEXT[] = { "text", "title", NULL };
    static const char *const CLAIMED[] = { "claimed", "checked", "done", NULL };
    static const char *const SCORE[] = { "score", "calibrated_score", "coverage", NULL };
    static const char *const TESTED[] = { "tested", NULL };
    pl_json_t *tasks = pl_json_get_array(p, obj, "tasks");
    apr_size_t i, n = tasks ? pl_json_array_size(tasks) : 0;
    apr_array_header_t *out = apr_array_make(p, (int)n + 1, sizeof(pl_analysis_task_t *));

    for (i = 0; i < n; i++) {
        pl_json_t *t = pl_json_array_get(p, tasks, i);
        pl_analysis_task_t *task;
        if (pl_json_type(t) != PL_JSON_OBJECT || !str_of(p, t, TEXT))
            continue;
        task = apr_pcalloc(p, sizeof(*task));
        task->objective_position = opos;
        task->position = out->nelts;
        task->text = str_of(p, t, TEXT);
        task->claimed = flag_of(t, CLAIMED);
        task->score = number_or(t, -1, SCORE);
        task->tested = flag_of(t, TESTED) == 1;
        task->evidence = task_evidence(p, t, obj, i);
        APR_ARRAY_PUSH(out, pl_analysis_task_t *) = task;
    }
    return out;
}

/* The plan's side of the report (today: plan.objectives), by id: the
 * parent, dependencies, description and claimed status when the verdict
 * side does not carry them. */
static apr_hash_t *plan_index(apr_pool_t *p, const pl_json_t *report)
{
    apr_hash_t *h = apr_hash_make(p);
    pl_json_t *plan = pl_json_get_object(p, report, "plan");
    pl_json_t *objs = plan ? pl_json_get_array(p, plan, "objectives") : NULL;
    apr_size_t i, n = objs ? pl_json_array_size(objs) : 0;

    for (i = 0; i < n; i++) {
        pl_json_t *o = pl_json_array_get(p, objs, i);
        const char *id = pl_json_type(o) == PL_JSON_OBJECT ? pl_json_get_str(o, "id") : NULL;
        if (id)
            apr_hash_set(h, id, APR_HASH_KEY_STRING, o);
    }
    return h;
}

static pl_analysis_objective_t *objective_of(apr_pool_t *p, const pl_json_t *o,
                                             const pl_json_t *plan, int pos)
{
    static const char *const TITLE[] = { "title", NULL };
    static const char *const LEVEL[] = { "level", NULL };
    static const char *const DESC[] = { "description", NULL };
    static const char *const PARENT[] = { "parent", "parent_id", NULL };
    static const char *const STATUS[] = { "claimed_status", "status", NULL };
    static const char *const CLAIMED[] = { "claimed_completion", "claimed", NULL };
    static const char *const OBSERVED[] = { "observed_completion", "observed", NULL };
    static const char *const SCORE[] = { "score", "observed_completion", "observed", NULL };
    static const char *const CONFIDENCE[] = { "confidence", NULL };
    static const char *const TESTED[] = { "tested", NULL };
    static const char *const DEPS[] = { "dependencies", "depends", "depends_on", NULL };
    static const char *const SEVERITY[] = { "severity", NULL };
    static const char *const LINE[] = { "line", NULL };
    pl_analysis_objective_t *obj = apr_pcalloc(p, sizeof(*obj));
    const char *sev;
    double line;

    obj->position = pos;
    obj->id = pl_json_get_str(o, "id");
    obj->title = str_of(p, o, TITLE) ? str_of(p, o, TITLE) : str_of(p, plan, TITLE);
    if (!obj->title)
        obj->title = obj->id;
    obj->level = str_of(p, o, LEVEL) ? str_of(p, o, LEVEL) : str_of(p, plan, LEVEL);
    obj->description = str_of(p, o, DESC) ? str_of(p, o, DESC) : str_of(p, plan, DESC);
    obj->parent = str_of(p, o, PARENT) ? str_of(p, o, PARENT) : str_of(p, plan, PARENT);
    obj->claimed_status = str_of(p, o, STATUS) ? str_of(p, o, STATUS) : str_of(p, plan, STATUS);
    obj->claimed = number_or(o, number_or(plan, -1, CLAIMED), CLAIMED);
    obj->observed = number_or(o, -1, OBSERVED);
    obj->score = number_or(o, -1, SCORE);
    obj->confidence = number_or(o, -1, CONFIDENCE);
    obj->tested = flag_of(o, TESTED) == 1;
    obj->classification = verdict(pl_json_get_str(o, "classification"), obj->observed);
    sev = str_of(p, o, SEVERITY);
    obj->severity = severity_of(sev, obj->classification, obj->level, obj->claimed);
    obj->dependencies = strings_json(p, array_of(p, o, DEPS) ? array_of(p, o, DEPS)
                                                           : array_of(p, plan, DEPS), NULL);
    obj->line = number_of(o, &line, LINE) || number_of(plan, &line, LINE) ? (int)line : 0;
    obj->tasks = tasks_of(p, o, pos);
    return obj;
}

/* Today's report has no recommendation type: it follows from the class. */
static const char *advice_type(const char *classification)
{
    if (!classification)
        return "other";
    if (!strcmp(classification, "claimed_without_evidence"))
        return "verify_claim";
    if (!strcmp(classification, "untested"))
        return "add_tests";
    if (!strcmp(classification, PL_VERDICT_PARTIAL))
        return "complete";
    if (!strcmp(classification, PL_VERDICT_MISSING))
        return "implement";
    return "other";
}

static apr_array_header_t *advice_of(apr_pool_t *p, const pl_json_t *report)
{
    static const char *const TYPE[] = { "type", NULL };
    static const char *const TITLE[] = { "title", NULL };
    static const char *const DESC[] = { "description", NULL };
    static const char *const RATIONALE[] = { "rationale", NULL };
    static const char *const EFFORT[] = { "effort", NULL };
    static const char *const IMPACT[] = { "impact", NULL };
    static const char *const PRIORITY[] = { "priority", NULL };
    static const char *const RELATED[] = { "related_objectives", "objectives", NULL };
    static const char *const DEPS[] = { "dependencies", "waiting_on", "depends", NULL };
    pl_json_t *recs = pl_json_get_array(p, report, "recommendations");
    pl_json_t *holder = recs ? NULL : pl_json_get_object(p, report, "recommendations");
    apr_array_header_t *out;
    apr_size_t i, n;

    if (holder)
        recs = pl_json_get_array(p, holder, "recommendations");
    n = recs ? pl_json_array_size(recs) : 0;
    out = apr_array_make(p, (int)n + 1, sizeof(pl_analysis_advice_t *));
    for (i = 0; i < n; i++) {
        pl_json_t *r = pl_json_array_get(p, recs, i);
        pl_analysis_advice_t *a;
        double prio;
        if (pl_json_type(r) != PL_JSON_OBJECT)
            continue;
        a = apr_pcalloc(p, sizeof(*a));
        a->position = out->nelts;
        a->type = str_of(p, r, TYPE) ? str_of(p, r, TYPE)
                                     : advice_type(pl_json_get_str(r, "classification"));
        a->priority = number_of(r, &prio, PRIORITY) ? (int)(prio < 0 ? 0 : prio > 100 ? 100 : prio)
                                                    : 0;
        a->title = str_of(p, r, TITLE) ? str_of(p, r, TITLE) : pl_json_get_str(r, "id");
        if (!a->title)
            a->title = a->type;
        a->description = str_of(p, r, DESC);
        a->rationale = str_of(p, r, RATIONALE);
        a->effort = str_of(p, r, EFFORT);
        a->impact = str_of(p, r, IMPACT);
        a->related = strings_json(p, array_of(p, r, RELATED), pl_json_get_str(r, "id"));
        a->dependencies = strings_json(p, array_of(p, r, DEPS), NULL);
        APR_ARRAY_PUSH(out, pl_analysis_advice_t *) = a;
    }
    return out;
}

apr_status_t pl_analysis_import(apr_pool_t *p, const pl_json_t *report,
                                pl_analysis_results_t **out, const char **why)
{
    static const char *const OBJECTIVES[] = { "objectives", NULL };
    static const char *const CLAIMED[] = { "claimed_percent", "claimed_completion", NULL };
    static const char *const OBSERVED[] = { "observed_percent", "observed_completion", NULL };
    pl_analysis_results_t *res = apr_pcalloc(p, sizeof(*res));
    pl_json_t *gap = pl_json_get_object(p, report, "gap");
    pl_json_t *summary = pl_json_get_object(p, report, "summary");
    pl_json_t *plan = pl_json_get_object(p, report, "plan");
    pl_json_t *objs = array_of(p, report, OBJECTIVES);
    apr_hash_t *planned = plan_index(p, report);
    double claimed = 0, observed = 0;
    apr_size_t i, n;

    if (!objs && gap)
        objs = array_of(p, gap, OBJECTIVES);
    if (!objs) {
        *why = "the analyzer's report has no objectives";
        return PL_EINVAL;
    }
    n = pl_json_array_size(objs);
    res->objectives = apr_array_make(p, (int)n + 1, sizeof(pl_analysis_objective_t *));
    for (i = 0; i < n; i++) {
        pl_json_t *o = pl_json_array_get(p, objs, i);
        pl_analysis_objective_t *obj;
        if (pl_json_type(o) != PL_JSON_OBJECT || !pl_json_get_str(o, "id"))
            continue;
        obj = objective_of(p, o, apr_hash_get(planned, pl_json_get_str(o, "id"),
                                              APR_HASH_KEY_STRING), res->objectives->nelts);
        claimed += obj->claimed > 0 ? obj->claimed : 0;
        observed += obj->observed > 0 ? obj->observed : 0;
        APR_ARRAY_PUSH(res->objectives, pl_analysis_objective_t *) = obj;
    }
    n = (apr_size_t)res->objectives->nelts;
    res->plan_title = plan ? pl_json_get_str(plan, "title") : NULL;
    /* the report's own totals (percent) when it has them; the mean over
     * objectives otherwise */
    res->claimed = number_or(summary, n ? claimed * 100 / (double)n : 0, CLAIMED);
    res->observed = number_or(summary, n ? observed * 100 / (double)n : 0, OBSERVED);
    res->recommendations = advice_of(p, report);
    *out = res;
    return APR_SUCCESS;
}
