/* SPDX-License-Identifier: Apache-2.0 */
/* `planning analyze`: the whole analysis of a checkout, offline, for people
 * at a terminal and for CI, which gates on the exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <apr_getopt.h>
#include <apr_strings.h>

#include "analyze.h"
#include "gap/pl_analyze.h"
#include "core/pl_http.h"
#include "core/pl_status.h"
#include "core/pl_url.h"
#include "core/pl_text.h"

#define BAR_WIDTH 30
#define BAR_EVERY apr_time_from_msec(100)

typedef struct {
    int on;                 /* standard error is a terminal and --quiet was not given */
    int json;               /* --progress json: lines for a program (the server's job runner) */
    const char *stage;
    apr_time_t next;
    int drawn;
    int timings;            /* --timings: each stage's wall time on standard error */
    const char *timed;      /* the stage being timed */
    apr_time_t since;
} progress_t;

/* The time of the stage that just ended, for --timings: how long the walk,
 * ctags, the metrics, the evidence index and the matching each take on a
 * large tree, apart. */
static void stage_time(progress_t *pr, const char *next)
{
    apr_time_t now = apr_time_now();

    if (pr->timed)
        fprintf(stderr, "planning analyze: %-9s %.2f s\n", pr->timed,
                (double)(now - pr->since) / APR_USEC_PER_SEC);
    pr->timed = next;
    pr->since = now;
}

/* A progress bar on standard error, redrawn at most ten times a second so
 * it never costs the analysis anything visible; off the terminal it stays
 * silent, since CI logs want the report, not carriage returns. */
static int on_progress(void *baton, const char *stage, apr_int64_t done, apr_int64_t total)
{
    progress_t *pr = baton;
    apr_time_t now;
    int filled, i;

    if (pr->timings && (!pr->timed || strcmp(pr->timed, stage)))
        stage_time(pr, stage);
    if (!pr->on && !pr->json)
        return 0;
    now = apr_time_now();
    if (pr->stage && !strcmp(pr->stage, stage) && now < pr->next && done != total)
        return 0;
    pr->stage = stage;
    pr->next = now + BAR_EVERY;
    if (pr->json) {   /* stage names are the library's own words: nothing to escape */
        fprintf(stderr, "{\"stage\":\"%s\",\"done\":%" APR_INT64_T_FMT ",\"total\":%"
                APR_INT64_T_FMT "}\n", stage, done, total);
        fflush(stderr);
        return 0;
    }
    filled = total > 0 ? (int)(done * BAR_WIDTH / total) : 0;
    fprintf(stderr, "\r%-10.10s [", stage);
    for (i = 0; i < BAR_WIDTH; i++)
        fputc(i < filled ? '#' : (total > 0 ? '.' : ' '), stderr);
    if (total > 0)
        fprintf(stderr, "] %3d%% %" APR_INT64_T_FMT "/%" APR_INT64_T_FMT "   ",
                (int)(done * 100 / total), done, total);
    else
        fprintf(stderr, "] %" APR_INT64_T_FMT "          ", done);
    fflush(stderr);
    pr->drawn = 1;
    return 0;
}

static void progress_clear(progress_t *pr)
{
    if (pr->drawn)
        fprintf(stderr, "\r%*s\r", BAR_WIDTH + 40, "");
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: planning analyze PATH [OPTIONS]\n"
            "\n"
            "Analyses the checkout at PATH against its plan and prints the report.\n"
            "\n"
            "  --plan FILE           the plan (default: MASTER_PLAN.md at PATH)\n"
            "  --format FORMAT       text (default), markdown or json\n"
            "  --fail-under PERCENT  exit 1 when observed completion is below PERCENT\n"
            "  --jobs N              parallel ctags processes (default 2)\n"
            "  --threshold-done X    objective score (0..1) at which it is done (default %.2f)\n"
            "  --threshold-partial Y score at which it is partial (default %.2f)\n"
            "  --calibration HOW     percentile (default) or lognormal\n"
            "  --without LIST        leave components out, to measure them: synonyms,\n"
            "                        lexicon, calibration, joined, spelling, comments\n"
            "                        (comma-separated)\n"
            "  --no-history          do not read the git history\n"
            "  --quiet               no progress bar\n"
            "  --progress json       progress as one JSON line per step on standard error\n"
            "                        ({\"stage\":S,\"done\":N,\"total\":M}), for programs\n"
            "  --timings             each stage's time on standard error\n"
            "  --judge URL           a second opinion from the model server at URL on the\n"
            "                        tasks whose score is uncertain (off by default)\n"
            "  --judge-model NAME    the model to ask (required with --judge)\n"
            "  --judge-kind KIND     ollama (default) or openai\n"
            "  --judge-calls N       at most N requests (default %d)\n"
            "  --judge-seconds N     at most N seconds for all of them (default %d)\n"
            "  --judge-band X        ask when a task's score is within X of a threshold\n"
            "                        (default %.2f)\n"
            "\n"
            "exit status: 0 done, 1 below --fail-under, 2 usage or analysis error\n",
            PL_GAP_DONE_AT, PL_GAP_PARTIAL_AT, PL_GAP_JUDGE_CALLS, PL_GAP_JUDGE_SECONDS,
            PL_GAP_JUDGE_BAND);
}

int planning_analyze(apr_pool_t *p, int argc, const char *const *argv)
{
    static const apr_getopt_option_t opts[] = {
        { "plan", 'p', 1, "plan file" },
        { "format", 'f', 1, "json, markdown or text" },
        { "fail-under", 'u', 1, "minimum observed completion" },
        { "jobs", 'j', 1, "ctags processes" },
        { "no-history", 'n', 0, "skip git history" },
        { "threshold-done", 'D', 1, "score at which an objective is done" },
        { "threshold-partial", 'P', 1, "score at which an objective is partial" },
        { "calibration", 'C', 1, "percentile or lognormal" },
        { "without", 'W', 1, "components to leave out" },
        { "quiet", 'q', 0, "no progress bar" },
        { "progress", 'G', 1, "json" },
        { "timings", 'T', 0, "time each stage" },
        { "judge", 'J', 1, "model server for a second opinion" },
        { "judge-model", 'M', 1, "model to ask" },
        { "judge-kind", 'K', 1, "ollama or openai" },
        { "judge-calls", 'L', 1, "most requests" },
        { "judge-seconds", 'S', 1, "most seconds" },
        { "judge-band", 'B', 1, "uncertain band" },
        { "help", 'h', 0, "this help" },
        { NULL, 0, 0, NULL }
    };
    pl_analyze_options_t o;
    pl_gap_judge_options_t judge;
    progress_t pr = { 0, 0, NULL, 0, 0, 0, NULL, 0 };
    const char *format = "text", *arg, *root, *err = NULL;
    double fail_under = -1;
    pl_analysis_t *a;
    apr_getopt_t *g;
    apr_status_t rv;
    apr_int64_t n;
    int c;

    memset(&o, 0, sizeof(o));
    memset(&judge, 0, sizeof(judge));
    pr.on = isatty(STDERR_FILENO);
    apr_getopt_init(&g, p, argc, argv);
    g->interleave = 1;   /* planning analyze PATH --format json, as people type it */
    while ((rv = apr_getopt_long(g, opts, &c, &arg)) == APR_SUCCESS) {
        switch (c) {
        case 'p': o.plan_path = arg; break;
        case 'f': format = arg; break;
        case 'u': {
            char *end;
            fail_under = strtod(arg, &end);
            if (end == arg || *end || fail_under < 0 || fail_under > 100) {
                fprintf(stderr, "planning analyze: --fail-under takes a percentage from 0 to 100\n");
                return 2;
            }
            break;
        }
        case 'j':
            if (pl_text_int(arg, 1, 64, &n) != APR_SUCCESS) {
                fprintf(stderr, "planning analyze: --jobs takes a number from 1 to 64\n");
                return 2;
            }
            o.jobs = (int)n;
            break;
        case 'n': o.git_max = -1; break;
        case 'D':
        case 'P': {
            char *end;
            double v = strtod(arg, &end);
            if (end == arg || *end || v <= 0 || v > 1) {
                fprintf(stderr, "planning analyze: --threshold-%s takes a number above 0 and "
                        "at most 1\n", c == 'D' ? "done" : "partial");
                return 2;
            }
            *(c == 'D' ? &o.threshold_done : &o.threshold_partial) = v;
            break;
        }
        case 'W': {
            static const struct { const char *name; unsigned bit; } parts[] = {
                { "synonyms", PL_GAP_WITHOUT_SYNONYMS }, { "lexicon", PL_GAP_WITHOUT_LEXICON },
                { "calibration", PL_GAP_WITHOUT_CALIBRATION }, { "joined", PL_GAP_WITHOUT_JOINED },
                { "spelling", PL_GAP_WITHOUT_SPELLING }, { "comments", PL_GAP_WITHOUT_COMMENTS },
            };
            char *list = apr_pstrdup(p, arg), *last, *name;
            for (name = apr_strtok(list, ",", &last); name; name = apr_strtok(NULL, ",", &last)) {
                apr_size_t k;
                for (k = 0; k < sizeof(parts) / sizeof(parts[0]) && strcmp(parts[k].name, name); k++)
                    ;
                if (k == sizeof(parts) / sizeof(parts[0])) {
                    fprintf(stderr, "planning analyze: --without takes synonyms, lexicon, "
                            "calibration, joined, spelling or comments, comma-separated\n");
                    return 2;
                }
                o.without |= parts[k].bit;
            }
            break;
        }
        case 'C':
            if (strcmp(arg, "lognormal") && strcmp(arg, "percentile")) {
                fprintf(stderr, "planning analyze: --calibration is percentile or lognormal\n");
                return 2;
            }
            o.calibration = strcmp(arg, "percentile") ? PL_GAP_LOGNORMAL : PL_GAP_PERCENTILE;
            break;
        case 'q': pr.on = 0; break;
        case 'G':
            if (strcmp(arg, "json")) {
                fprintf(stderr, "planning analyze: --progress takes json\n");
                return 2;
            }
            pr.json = 1;
            pr.on = 0;
            break;
        case 'T': pr.timings = 1; break;
        case 'J': judge.url = arg; break;
        case 'M': judge.model = arg; break;
        case 'K':
            if (strcmp(arg, "ollama") && strcmp(arg, "openai")) {
                fprintf(stderr, "planning analyze: --judge-kind is ollama or openai\n");
                return 2;
            }
            judge.openai = !strcmp(arg, "openai");
            break;
        case 'L':
        case 'S':
            if (pl_text_int(arg, 1, c == 'L' ? 10000 : 86400, &n) != APR_SUCCESS) {
                fprintf(stderr, "planning analyze: --judge-%s takes a number from 1 to %d\n",
                        c == 'L' ? "calls" : "seconds", c == 'L' ? 10000 : 86400);
                return 2;
            }
            *(c == 'L' ? &judge.max_calls : &judge.max_seconds) = (int)n;
            break;
        case 'B': {
            char *end;
            judge.band = strtod(arg, &end);
            if (end == arg || *end || judge.band <= 0 || judge.band > 1) {
                fprintf(stderr, "planning analyze: --judge-band takes a number above 0 and at "
                        "most 1\n");
                return 2;
            }
            break;
        }
        case 'h': usage(stdout); return 0;
        }
    }
    if (rv != APR_EOF || g->ind != argc - 1) {
        usage(stderr);
        return 2;
    }
    if ((o.threshold_done ? o.threshold_done : PL_GAP_DONE_AT)
        < (o.threshold_partial ? o.threshold_partial : PL_GAP_PARTIAL_AT)) {
        fprintf(stderr, "planning analyze: --threshold-partial must not exceed --threshold-done\n");
        return 2;
    }
    if (!judge.url != !judge.model) {
        fprintf(stderr, "planning analyze: --judge and --judge-model go together\n");
        return 2;
    }
    if (judge.url) {
        const char *why = NULL;
        pl_url_t u;
        if (pl_url_parse(p, judge.url, &u, &why) != APR_SUCCESS) {
            fprintf(stderr, "planning analyze: --judge takes the model server's base URL "
                    "(http or https): %s\n", why ? why : judge.url);
            return 2;
        }
        if (pl_http_init() != APR_SUCCESS) {
            fprintf(stderr, "planning analyze: libcurl could not be set up\n");
            return 2;
        }
        o.judge = &judge;
    }
    if (strcmp(format, "json") && strcmp(format, "markdown") && strcmp(format, "text")) {
        fprintf(stderr, "planning analyze: --format is json, markdown or text, not %s\n", format);
        return 2;
    }
    root = g->argv[g->ind];
    {
        char *real = realpath(root, NULL);   /* paths in the report are relative to this */
        if (!real) {
            fprintf(stderr, "planning analyze: cannot open %s\n", root);
            return 2;
        }
        root = apr_pstrdup(p, real);
        free(real);
    }
    o.progress = on_progress;
    o.baton = &pr;
    rv = pl_analyze(p, root, &o, &a, &err);
    progress_clear(&pr);
    if (pr.timings)
        stage_time(&pr, NULL);
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "planning analyze: %s\n", err ? err : "the analysis failed");
        return 2;
    }
    if (!strcmp(format, "json")) {
        pl_jsonw_t *w = pl_jsonw_create(p, 64 * 1024);
        pl_analysis_write(w, a);
        fputs(pl_jsonw_text(w, NULL), stdout);
        fputc('\n', stdout);
    }
    else
        fputs(!strcmp(format, "markdown") ? pl_analysis_markdown(p, a) : pl_analysis_text(p, a), stdout);
    if (fflush(stdout) != 0) {
        perror("planning analyze: writing the report");
        return 2;
    }
    if (fail_under >= 0 && a->gap->observed_percent < fail_under) {
        fprintf(stderr, "planning analyze: observed completion %.1f%% is below %.1f%%\n",
                a->gap->observed_percent, fail_under);
        return 1;
    }
    return 0;
}
