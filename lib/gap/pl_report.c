/* SPDX-License-Identifier: Apache-2.0 */
/* The analysis as reports for people: Markdown for a CI summary or a pull
 * request, plain text for a terminal. The JSON (pl_analysis_write) stays the
 * complete record; these show what a reader acts on: completion, each
 * objective's verdict with its best evidence, what to do next, and the
 * plan's own problems. */
#include <apr_strings.h>

#include "gap/pl_analyze.h"

typedef struct {
    apr_pool_t *p;
    apr_array_header_t *parts;
    int markdown;
} report_t;

static void add(report_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(report_t *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    APR_ARRAY_PUSH(r->parts, const char *) = apr_pvsprintf(r->p, fmt, ap);
    va_end(ap);
}

/* Plan text on one line: control characters become spaces and, in
 * Markdown, the characters that would open markup or end a table cell are
 * escaped, so a title cannot reshape the report. */
static const char *inline_text(report_t *r, const char *s)
{
    char *out, *o;

    if (!s)
        return "";
    out = o = apr_palloc(r->p, strlen(s) * 2 + 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            c = ' ';
        else if (r->markdown && strchr("|*_`[]<>#\\", c))
            *o++ = '\\';
        *o++ = (char)c;
    }
    *o = '\0';
    return out;
}

static int percent(double share)
{
    return (int)(share * 100.0 + 0.5);
}

static const char *where(report_t *r, const pl_gap_evidence_t *e)
{
    if (e->symbol)
        return apr_psprintf(r->p, "%s:%d %s", inline_text(r, e->path), e->line,
                            inline_text(r, e->symbol));
    return apr_psprintf(r->p, "%s:%d", inline_text(r, e->path), e->line);
}

static const char *matched(report_t *r, const pl_gap_evidence_t *e)
{
    apr_array_header_t *words = apr_array_make(r->p, 4, sizeof(const char *));
    int i;

    for (i = 0; e->matched && i < e->matched->nelts; i++)
        APR_ARRAY_PUSH(words, const char *) = inline_text(r, APR_ARRAY_IDX(e->matched, i, const char *));
    return apr_array_pstrcat(r->p, words, ',');
}

static void summary(report_t *r, const pl_analysis_t *a)
{
    const pl_gap_t *g = a->gap;
    const char *b = r->markdown ? "**" : "";

    if (r->markdown)
        add(r, "# Plan against code: %s\n\n",
            inline_text(r, a->plan->title ? a->plan->title : a->root));
    else
        add(r, "Plan against code: %s\n\n", a->plan->title ? inline_text(r, a->plan->title) : a->root);
    add(r, "%sVerdicts%s: %d done, %d partial, %d missing (%d claimed without evidence)%s\n", b, b,
        g->counts[PL_GAP_DONE], g->counts[PL_GAP_PARTIAL], g->counts[PL_GAP_MISSING],
        g->claimed_without_evidence, r->markdown ? "  " : "");
    add(r, "%sCompletion%s: claimed %d%%, observed %d%% (%d of %d tasks found in the code)%s\n",
        b, b, (int)(g->claimed_percent + 0.5), (int)(g->observed_percent + 0.5),
        g->units_observed, g->units, r->markdown ? "  " : "");
    add(r, "%sCode%s: %d files, %d lines of code, %d chunks indexed; thresholds done %.2f, "
        "partial %.2f; plan %s\n\n", b, b, a->code->files->nelts, a->code->code_lines,
        g->documents, g->threshold_done, g->threshold_partial, inline_text(r, a->plan_path));
    if (g->judge_model)
        add(r, "%sSecond opinion%s: %s, %d calls in %.1f s, %d verdicts changed%s%s%s\n\n", b, b,
            inline_text(r, g->judge_model), g->judge_calls, g->judge_seconds, g->judge_changed,
            g->judge_stopped ? apr_psprintf(r->p, ", %d uncertain tasks left unasked (budget)",
                                            g->judge_stopped) : "",
            g->judge_error ? "; last error: " : "",
            g->judge_error ? inline_text(r, g->judge_error) : "");
}

static const char *verdict(report_t *r, const pl_gap_objective_t *go)
{
    return apr_psprintf(r->p, "%s%s%s%s", pl_gap_class_name(go->classification),
                        go->claimed_without_evidence ? ", claimed without evidence" : "",
                        go->judged && go->lexical != go->classification
                            ? ", changed by the model from " : "",
                        go->judged && go->lexical != go->classification
                            ? pl_gap_class_name(go->lexical) : "");
}

/* The model's answer for a task, when it was asked. */
static const char *answer(report_t *r, const pl_gap_task_t *t)
{
    if (t->answer == PL_JUDGE_NONE)
        return "";
    return apr_psprintf(r->p, " [model: %s%s%s]", pl_gap_answer_name(t->answer),
                        t->answer_line ? ", " : "",
                        t->answer_line ? inline_text(r, t->answer_line) : "");
}

/* One line per task: the claim, the calibrated score, the best chunk and
 * the words it holds. */
static void tasks(report_t *r, const pl_gap_objective_t *go, const char *indent)
{
    int i;

    for (i = 0; i < go->tasks->nelts; i++) {
        const pl_gap_task_t *t = &APR_ARRAY_IDX(go->tasks, i, pl_gap_task_t);
        const pl_gap_evidence_t *e = t->evidence->nelts
            ? &APR_ARRAY_IDX(t->evidence, 0, pl_gap_evidence_t) : NULL;
        /* the plan's claim: [x] claimed done, [ ] claimed not done, [-] no claim */
        const char *mark = t->claim == PL_CLAIM_DONE ? "[x]"
                         : t->claim == PL_CLAIM_NOT_DONE ? "[ ]" : "[-]";

        add(r, "%s%s%s %.2f %s %s%s%s%s%s%s%s\n", indent, mark,
            t->task ? "" : t->criterion ? " (criterion)" : " (objective)",
            t->score, t->observed ? "found  " : "unclear", inline_text(r, t->text),
            e ? " <- " : "", e ? where(r, e) : "", e ? " (" : "", e ? matched(r, e) : "",
            e ? ")" : "", answer(r, t));
    }
}

static void objectives(report_t *r, const pl_analysis_t *a)
{
    int i;

    add(r, r->markdown ? "## Objectives\n\n| id | objective | level | verdict | score | claimed | observed | confidence | tested |\n|---|---|---|---|---|---|---|---|---|\n"
                       : "Objectives\n");
    for (i = 0; i < a->gap->objectives->nelts; i++) {
        const pl_gap_objective_t *go = &APR_ARRAY_IDX(a->gap->objectives, i, pl_gap_objective_t);
        const pl_plan_objective_t *o = go->objective;

        if (r->markdown) {
            add(r, "| %s | %s | %s | %s | %.2f | %d%% | %d%% | %.2f | %s |\n", inline_text(r, o->id),
                inline_text(r, o->title), pl_plan_level_name(o->level), verdict(r, go), go->score,
                percent(go->claimed), percent(go->observed), go->confidence,
                go->tested ? "yes" : "no");
            continue;
        }
        add(r, "  %-8s %s: %s [%s]\n", verdict(r, go), inline_text(r, o->id),
            inline_text(r, o->title), pl_plan_level_name(o->level));
        add(r, "      score %.2f, claimed %d%%%s%s, observed %d%%, confidence %.2f, %s\n",
            go->score, percent(go->claimed), o->status ? " " : "", o->status ? o->status : "",
            percent(go->observed), go->confidence, go->tested ? "tested" : "not tested");
        tasks(r, go, "      ");
    }
    add(r, "\n");
    if (!r->markdown)
        return;
    /* the tasks behind each verdict, folded so the table stays readable */
    for (i = 0; i < a->gap->objectives->nelts; i++) {
        const pl_gap_objective_t *go = &APR_ARRAY_IDX(a->gap->objectives, i, pl_gap_objective_t);
        add(r, "<details><summary>%s: %s, score %.2f</summary>\n\n",
            inline_text(r, go->objective->id), verdict(r, go), go->score);
        tasks(r, go, "- ");
        add(r, "\n</details>\n\n");
    }
}

static void recommendations(report_t *r, const pl_analysis_t *a)
{
    const pl_recommend_t *rec = a->recommendations;
    int i;

    if (!rec->items->nelts)
        return;
    add(r, r->markdown ? "## Next steps\n\n" : "Next steps, in order\n");
    for (i = 0; i < rec->items->nelts; i++) {
        const pl_recommendation_t *it = &APR_ARRAY_IDX(rec->items, i, pl_recommendation_t);
        const pl_plan_objective_t *o = it->gap->objective;
        add(r, r->markdown ? "%d. **%s** %s (priority %d, effort %s, impact %s): %s\n"
                           : "  %2d. %s %s (priority %d, effort %s, impact %s)\n      %s\n",
            i + 1, inline_text(r, o->id), inline_text(r, o->title), it->priority,
            pl_effort_name(it->effort), pl_impact_name(it->impact), inline_text(r, it->rationale));
    }
    for (i = 0; i < rec->cycles->nelts; i++) {
        const apr_array_header_t *cycle = APR_ARRAY_IDX(rec->cycles, i, apr_array_header_t *);
        apr_array_header_t *ids = apr_array_make(r->p, cycle->nelts, sizeof(const char *));
        int j;
        for (j = 0; j < cycle->nelts; j++)
            APR_ARRAY_PUSH(ids, const char *) = apr_pstrcat(r->p, j ? " -> " : "",
                inline_text(r, APR_ARRAY_IDX(cycle, j, const char *)), NULL);
        add(r, "%sdependency cycle: %s\n", r->markdown ? "- " : "  ",
            apr_array_pstrcat(r->p, ids, '\0'));
    }
    add(r, "\n");
}

static void issues(report_t *r, const pl_analysis_t *a)
{
    int i;

    if (!a->plan->issues->nelts)
        return;
    add(r, r->markdown ? "## Problems in the plan\n\n" : "Problems in the plan\n");
    for (i = 0; i < a->plan->issues->nelts; i++) {
        const pl_plan_issue_t *is = &APR_ARRAY_IDX(a->plan->issues, i, pl_plan_issue_t);
        add(r, "%sline %d: %s (%s)\n", r->markdown ? "- " : "  ", is->line,
            inline_text(r, is->message), is->code);
    }
    add(r, "\n");
}

static const char *report(apr_pool_t *p, const pl_analysis_t *a, int markdown)
{
    report_t r;

    r.p = p;
    r.parts = apr_array_make(p, 64, sizeof(const char *));
    r.markdown = markdown;
    summary(&r, a);
    objectives(&r, a);
    recommendations(&r, a);
    issues(&r, a);
    return apr_array_pstrcat(p, r.parts, '\0');
}

const char *pl_analysis_markdown(apr_pool_t *p, const pl_analysis_t *a)
{
    return report(p, a, 1);
}

const char *pl_analysis_text(apr_pool_t *p, const pl_analysis_t *a)
{
    return report(p, a, 0);
}
