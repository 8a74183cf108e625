/* SPDX-License-Identifier: Apache-2.0 */
/* Gap analysis: what the plan claims against what the code shows. Every
 * objective and task becomes a query; BM25 (pl_bm25) ranks evidence
 * documents built from the source analysis (one per symbol, one per file,
 * test code apart) and from the git history (one per commit); a task has
 * evidence when its best document covers enough of the task's words (see
 * PL_GAP_THRESHOLD). Per objective this gives completion claimed and
 * observed, a confidence, the evidence with the words that matched, whether
 * tests cover it, and a classification with a severity. */
#ifndef PL_GAP_H
#define PL_GAP_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "code/pl_code.h"
#include "code/pl_gitlog.h"
#include "core/pl_jsonw.h"
#include "plan/pl_plan.h"
#include "core/pl_progress.h"

/* The coverage (pl_bm25.h) a document needs to count as evidence for a
 * task: it must account for at least half of the idf-weighted words of the
 * task, each counted at most once. Why half, and why this beats the old
 * keyword Jaccard >= 0.6:
 * - Coverage is one-sided. Jaccard divides by the union, so a function
 *   whose docstring is longer than the task (or a task longer than a
 *   function name, which is nearly always the case) can never reach 0.6:
 *   "Limit login attempts per IP address" against login_rate_limit() is
 *   2 / 8. Coverage only asks how much of the task the code explains.
 * - It is idf-weighted. The words a task shares with everything ("user",
 *   "file", "error") carry little mass, so one common word cannot pass for
 *   evidence, while the rare word that names the feature ("pdf",
 *   "webhook") weighs most; a rare word the code never uses keeps coverage
 *   below one half however many common words match.
 * - Words come from identifier splitting and stemming, so "hashPassword",
 *   "password_hash" and "hashing passwords" are the same two terms.
 * One half is the point at which the evidence holds the larger part of
 * what the task names. On the shop of t/unit/test_gap.c the tasks that are
 * implemented score 0.51 to 1.00 and those that are not 0.28 at most (a
 * CSV export sharing "export" with "Export monthly sales as PDF"): BM25
 * finds 8 of 8 with no false positive, Jaccard >= 0.6 none (best 0.50).
 * The margins are thinnest where a task's verb is not the code's ("Log
 * users in" by login_user(): 0.51) and where code shares the nouns but not
 * the verb ("Revoke a shared link" against create_share_link(): 0.46, in
 * t/unit/test_gap_tree.c). */
#define PL_GAP_THRESHOLD 0.5

/* Kinds of evidence documents; also the kind bits of the BM25 index. */
typedef enum {
    PL_GAP_SYMBOL = 1,      /* a function, class, method ... outside tests */
    PL_GAP_FILE = 2,        /* a source file: its path and header comment */
    PL_GAP_TEST = 4,        /* a test file or test function */
    PL_GAP_COMMIT = 8       /* a commit message */
} pl_gap_kind_e;

typedef enum {
    PL_GAP_DONE,                    /* every task has evidence, tests cover it */
    PL_GAP_PARTIAL,                 /* some tasks have evidence */
    PL_GAP_MISSING,                 /* no task has evidence, none claimed done */
    PL_GAP_UNTESTED,                /* every task has evidence, no test does */
    PL_GAP_CLAIMED_WITHOUT_EVIDENCE /* less than half of what is claimed is seen */
} pl_gap_class_e;

typedef enum {
    PL_GAP_SEVERITY_NONE,
    PL_GAP_SEVERITY_LOW,
    PL_GAP_SEVERITY_MEDIUM,
    PL_GAP_SEVERITY_HIGH
} pl_gap_severity_e;

typedef struct {
    pl_gap_kind_e kind;
    const char *path;           /* NULL for a commit */
    int line;                   /* 0 for a file or a commit */
    const char *symbol;         /* NULL for a file or a commit */
    const char *symbol_kind;    /* ctags' kind: function, class, ... */
    const char *commit;         /* id of a commit, else NULL */
    const char *summary;        /* first line of a commit message, else NULL */
    int complexity;             /* of the symbol (or the file), 0 when unknown */
    double score;               /* BM25 */
    double coverage;            /* 0..1 */
    apr_array_header_t *matched;    /* const char *: the words that matched */
    int task;                   /* index in the objective's tasks, -1: the objective */
} pl_gap_evidence_t;

typedef struct {
    const pl_plan_task_t *task;
    int has_evidence;
    int tested;
    double coverage;            /* of the best document, even below the threshold */
    double test_coverage;       /* of the best test */
    double confidence;          /* in this task's verdict, 0.5..1 */
    int evidence;               /* documents at or above the threshold */
} pl_gap_task_t;

typedef struct {
    const pl_plan_objective_t *objective;
    int index;                  /* in plan->objectives */
    double claimed, observed;   /* 0..1 */
    double confidence;          /* 0..1 */
    int tested;
    pl_gap_class_e classification;
    pl_gap_severity_e severity;
    apr_array_header_t *tasks;      /* pl_gap_task_t, as in the plan */
    apr_array_header_t *evidence;   /* pl_gap_evidence_t: tasks' best first, then the objective's */
    int complexity;             /* summed over the distinct code in evidence */
} pl_gap_objective_t;

typedef struct {
    apr_array_header_t *objectives;     /* pl_gap_objective_t, plan order */
    /* Units: a task, or an objective without tasks. */
    int units, units_claimed, units_observed;
    double claimed_percent, observed_percent;
    int counts[PL_GAP_CLAIMED_WITHOUT_EVIDENCE + 1];   /* objectives per class */
    int documents;              /* evidence documents indexed */
    int commits;                /* of them, commits */
    double threshold;
} pl_gap_t;

typedef struct {
    double threshold;           /* 0: PL_GAP_THRESHOLD */
    int evidence_per_task;      /* documents kept per task; 0: 5 */
    pl_progress_fn *progress;   /* stages "evidence", "history", "match"; may be NULL */
    void *baton;
} pl_gap_options_t;

/* Runs the analysis. log may be NULL (not a git checkout), o NULL for the
 * defaults. The result points into plan, code and log: their pools must
 * outlive it. PL_ECANCELED when progress asked to stop; APR_ENOMEM when
 * the stemmer cannot be made. */
apr_status_t pl_gap_run(apr_pool_t *p, const pl_plan_t *plan, const pl_code_t *code,
                        const pl_gitlog_t *log, const pl_gap_options_t *o,
                        pl_gap_t **out);

/* Writes the members (totals, threshold, objectives) into the object the
 * caller has opened. */
void pl_gap_write(pl_jsonw_t *w, const pl_gap_t *g);

const char *pl_gap_class_name(pl_gap_class_e c);
const char *pl_gap_severity_name(pl_gap_severity_e s);   /* NULL for NONE */
const char *pl_gap_kind_name(pl_gap_kind_e k);

#endif
