/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "analyses/pl_analysis_inputs.h"
#include "analyses/pl_schedule.h"
#include "core/pl_log.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"
#include "projects/pl_confine.h"
#include "projects/pl_store_projects.h"

#define DUE_PER_TICK 4   /* a walk each: the rest wait a second */

static const pl_sql_t SQL_GET = {
    "pl.schedule.get",
    "SELECT interval_minutes, public_badge, next_check_at, last_check_at, last_outcome,"
    " last_analysis_id, updated_at FROM project_snapshot_settings WHERE project_id = %s", NULL
};
static const pl_sql_t SQL_ENSURE = {
    "pl.schedule.ensure",
    "INSERT INTO project_snapshot_settings (project_id, next_check_at, updated_at)"
    " SELECT %s, 0, %s FROM projects WHERE id = %s AND NOT EXISTS"
    " (SELECT 1 FROM project_snapshot_settings WHERE project_id = %s)", NULL
};
static const pl_sql_t SQL_SET_INTERVAL = {
    "pl.schedule.set_interval",
    "UPDATE project_snapshot_settings SET interval_minutes = %s, next_check_at = 0,"
    " updated_at = %s WHERE project_id = %s", NULL
};
static const pl_sql_t SQL_SET_PUBLIC = {
    "pl.schedule.set_public",
    "UPDATE project_snapshot_settings SET public_badge = %s, updated_at = %s"
    " WHERE project_id = %s", NULL
};
/* Active projects whose interval (their own or the default, %s) is on and
 * whose check is due. A project without a row is due at once. The
 * arguments are text: "+ 0" makes them numbers, as SQLite compares a text
 * above any number once COALESCE has dropped the column's affinity. */
static const pl_sql_t SQL_DUE = {
    "pl.schedule.due",
    "SELECT p.id, s.next_check_at, COALESCE(s.interval_minutes, %s + 0) FROM projects p"
    " LEFT JOIN project_snapshot_settings s ON s.project_id = p.id"
    " WHERE p.status = 'active' AND COALESCE(s.interval_minutes, %s + 0) > 0"
    " AND COALESCE(s.next_check_at, 0) <= %s + 0 ORDER BY p.id LIMIT %s", NULL
};
/* The claim: only the process that saw next_check_at as it is moves it. */
static const pl_sql_t SQL_CLAIM = {
    "pl.schedule.claim",
    "UPDATE project_snapshot_settings SET next_check_at = %s WHERE project_id = %s"
    " AND next_check_at = %s", NULL
};
static const pl_sql_t SQL_OUTCOME = {
    "pl.schedule.outcome",
    "UPDATE project_snapshot_settings SET last_check_at = %s, last_outcome = %s,"
    " last_analysis_id = COALESCE(%s, last_analysis_id) WHERE project_id = %s", NULL
};

int pl_schedule_interval_parse(const char *s, int *minutes, const char **why)
{
    apr_int64_t n = 0;
    const char *c;
    int unit;

    *why = "must be \"off\" or a whole number of minutes, hours or days (\"30m\", \"6h\", \"1d\")";
    if (!s)
        return 0;
    if (!strcmp(s, "off")) {
        *minutes = 0;
        return 1;
    }
    for (c = s; apr_isdigit(*c) && n <= PL_SCHEDULE_MAX_MINUTES; c++)
        n = n * 10 + (*c - '0');
    if (c == s || !c[0] || c[1])
        return 0;
    unit = *c == 'm' ? 1 : *c == 'h' ? 60 : *c == 'd' ? 1440 : 0;
    if (!unit)
        return 0;
    n *= unit;
    if (n < 1 || n > PL_SCHEDULE_MAX_MINUTES) {
        *why = "must be from 1 minute to 30 days";
        return 0;
    }
    *minutes = (int)n;
    return 1;
}

const char *pl_schedule_interval_text(apr_pool_t *p, int minutes)
{
    if (minutes <= 0)
        return "off";
    if (minutes % 1440 == 0)
        return apr_psprintf(p, "%dd", minutes / 1440);
    if (minutes % 60 == 0)
        return apr_psprintf(p, "%dh", minutes / 60);
    return apr_psprintf(p, "%dm", minutes);
}

apr_status_t pl_schedule_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                             pl_schedule_t **out)
{
    const char *arg = pl_text_i64(p, project_id);
    pl_schedule_t *s = apr_pcalloc(p, sizeof(*s));
    pl_db_result_t *res;
    const char **row;
    apr_status_t rv;

    s->project_id = project_id;
    s->interval = -1;
    *out = s;
    if ((rv = pl_db_select(db, p, &SQL_GET, 1, &arg, &res)) != APR_SUCCESS || !res->rows->nelts)
        return rv;
    row = PL_DB_ROW(res, 0);
    s->interval = row[0] ? atoi(row[0]) : -1;
    s->public_badge = row[1] && atoi(row[1]) != 0;
    s->next_check_at = row[2] ? apr_atoi64(row[2]) : 0;
    s->last_check_at = row[3];
    s->last_outcome = row[4];
    s->last_analysis_id = row[5] ? apr_atoi64(row[5]) : 0;
    s->updated_at = row[6];
    return APR_SUCCESS;
}

/* The project's row, made when it has none (the project must exist). */
static apr_status_t ensure(pl_db_t *db, apr_pool_t *p, const char *id, const char *now)
{
    const char *args[4] = { id, now, id, id };
    apr_status_t rv = pl_db_exec(db, p, &SQL_ENSURE, 4, args, NULL);

    return rv == PL_ECONFLICT ? APR_SUCCESS : rv;   /* made meanwhile by another */
}

static apr_status_t set(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, apr_int64_t project_id,
                        const char *value)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *id = pl_text_i64(p, project_id);
    const char *args[3] = { value, now, id };
    apr_status_t rv = ensure(db, p, id, now);

    /* (no row count: MySQL counts only rows whose values changed, and the
     * caller checked the project exists) */
    return rv == APR_SUCCESS ? pl_db_exec(db, p, sql, 3, args, NULL) : rv;
}

apr_status_t pl_schedule_set_interval(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                      int interval)
{
    return set(db, p, &SQL_SET_INTERVAL, project_id,
               interval < 0 ? NULL : apr_itoa(p, interval));
}

apr_status_t pl_schedule_set_public(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                    int public_badge)
{
    return set(db, p, &SQL_SET_PUBLIC, project_id, public_badge ? "1" : "0");
}

/* The checkout's hash now; NULL when it cannot be taken (the analysis
 * then runs, and fails with the reason, visible in the list). */
static const char *hash_now(pl_db_t *db, apr_pool_t *p, const apr_array_header_t *roots,
                            apr_int64_t project_id)
{
    const char *dir, *why, *hash;
    pl_project_t *proj;

    if (pl_store_project_get(db, p, project_id, &proj) != APR_SUCCESS
        || pl_project_confine(p, roots, proj->local_path, &dir, &why) != APR_SUCCESS
        || pl_analysis_input_hash(p, dir, NULL, &hash, &why) != APR_SUCCESS)
        return NULL;
    return hash;
}

/* One claimed project: skip, or queue. */
static apr_status_t check(pl_db_t *db, apr_pool_t *p, const apr_array_header_t *roots,
                          apr_int64_t project_id, int *queued)
{
    pl_analysis_record_t *last = NULL, *a, *running;
    const char *hash = hash_now(db, p, roots, project_id), *outcome, *args[4];
    apr_status_t rv = pl_analyses_latest(db, p, project_id, &last);

    if (rv != APR_SUCCESS && rv != PL_ENOTFOUND)
        return rv;
    a = apr_pcalloc(p, sizeof(*a));
    if (hash && last && last->input_hash && !strcmp(hash, last->input_hash))
        outcome = PL_SCHEDULE_SKIPPED;
    else {
        a->project_id = project_id;
        a->type = "full";
        a->include_history = 1;
        a->options = "{}";
        rv = pl_analyses_start(db, p, a, &running);
            if (rv == PL_ECONFLICT)
            outcome = PL_SCHEDULE_BUSY, a = running;
        else if (rv != APR_SUCCESS)
            return rv;
        else
            outcome = PL_SCHEDULE_QUEUED, (*queued)++;
    }
    args[0] = pl_time_rfc3339(p, apr_time_now());
    args[1] = outcome;
    args[2] = a->id ? pl_text_i64(p, a->id) : NULL;
    args[3] = pl_text_i64(p, project_id);
    return pl_db_exec(db, p, &SQL_OUTCOME, 4, args, NULL);
}

apr_status_t pl_schedule_tick(pl_db_t *db, apr_pool_t *p, const apr_array_header_t *roots,
                              int default_minutes, int *queued)
{
    apr_int64_t now = apr_time_sec(apr_time_now());
    const char *dflt = apr_itoa(p, default_minutes > 0 ? default_minutes : 0);
    const char *args[4] = { dflt, dflt, pl_text_i64(p, now), apr_itoa(p, DUE_PER_TICK) };
    pl_db_result_t *res;
    apr_status_t rv;
    int i, n;

    *queued = 0;
    if ((rv = pl_db_select(db, p, &SQL_DUE, 4, args, &res)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->rows->nelts; i++) {
        const char **row = PL_DB_ROW(res, i);
        const char *id = row[0], *seen = row[1] ? row[1] : "0", *claim[3];
        int minutes = row[2] ? atoi(row[2]) : 0;

        if (minutes <= 0)
            continue;
        if ((rv = ensure(db, p, id, pl_time_rfc3339(p, apr_time_now()))) != APR_SUCCESS)
            return rv;
        claim[0] = pl_text_i64(p, now + (apr_int64_t)minutes * 60);
        claim[1] = id;
        claim[2] = seen;
        n = 0;
        if ((rv = pl_db_exec(db, p, &SQL_CLAIM, 3, claim, &n)) != APR_SUCCESS)
            return rv;
        if (n != 1)
            continue;   /* another process checks it */
        if ((rv = check(db, p, roots, apr_atoi64(id), queued)) != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}
