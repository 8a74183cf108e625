/* SPDX-License-Identifier: Apache-2.0 */
/* One analysis of a checkout: its plan parsed, its code analysed, its git
 * history read, the plan matched against the code, and what to do next.
 * The same call serves the command line (`planning analyze`) and, later,
 * background jobs: results are data that serialise to JSON, progress goes
 * through one callback that can also cancel. */
#ifndef PL_ANALYZE_H
#define PL_ANALYZE_H

#include <apr_pools.h>
#include <apr_time.h>

#include "code/pl_code.h"
#include "gap/pl_gap.h"
#include "code/pl_gitlog.h"
#include "core/pl_jsonw.h"
#include "plan/pl_plan.h"
#include "core/pl_progress.h"
#include "gap/pl_recommend.h"

#include "plan/pl_plan_file.h"
#define PL_ANALYZE_PLAN_NAME PL_PLAN_FILE_NAME

typedef struct {
    const char *plan_path;      /* NULL: MASTER_PLAN.md at the root (any case) */
    pl_progress_fn *progress;   /* stages "plan", then pl_code's, "history", pl_gap's */
    void *baton;
    int jobs;                   /* parallel ctags processes; 0: 2 */
    apr_off_t max_file_bytes;   /* 0: pl_code's default */
    int git_max;                /* commits read; 0: PL_GITLOG_DEFAULT_MAX, -1: none */
    double threshold_done;      /* 0: PL_GAP_DONE_AT */
    double threshold_partial;   /* 0: PL_GAP_PARTIAL_AT */
    pl_gap_calibration_e calibration;
    unsigned without;           /* PL_GAP_WITHOUT_* */
    const pl_gap_judge_options_t *judge;    /* NULL: no second opinion */
} pl_analyze_options_t;

typedef struct {
    const char *root;
    const char *plan_path;      /* as found or given */
    pl_plan_t *plan;
    pl_code_t *code;
    pl_gitlog_t *log;           /* NULL: not a git work tree; shown, never evidence */
    pl_gap_t *gap;
    pl_recommend_t *recommendations;
    apr_time_t started;
    const char *analyzed_at;    /* started, RFC 3339 */
    apr_interval_time_t elapsed;
} pl_analysis_t;

/* o may be NULL. *err says why in a sentence fit for a user: no plan,
 * ctags missing, root unreadable. PL_ECANCELED when progress said stop. */
apr_status_t pl_analyze(apr_pool_t *p, const char *root, const pl_analyze_options_t *o,
                        pl_analysis_t **out, const char **err);

/* The whole analysis as one JSON object. */
void pl_analysis_write(pl_jsonw_t *w, const pl_analysis_t *a);

/* Reports for people: Markdown (for a CI summary or a pull request) and
 * plain text (for a terminal). */
const char *pl_analysis_markdown(apr_pool_t *p, const pl_analysis_t *a);
const char *pl_analysis_text(apr_pool_t *p, const pl_analysis_t *a);

#endif
