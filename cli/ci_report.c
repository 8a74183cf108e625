/* SPDX-License-Identifier: Apache-2.0 */
/* The reports of planning ci analyze: text for a person, Markdown for a
 * pull request or $GITHUB_STEP_SUMMARY, JUnit XML (one test case per
 * objective) for GitLab, Jenkins and the like, and SARIF 2.1.0 (one result
 * per gap) for code scanning. All from the results the server sent (ci.h). */
#include <string.h>

#include <apr_strings.h>

#include "ci.h"
#include "core/pl_jsonw.h"
#include "core/pl_version.h"

#define OBJ(r, i) APR_ARRAY_IDX((r)->items, i, ci_objective_t *)

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static const char *pct(apr_pool_t *p, double v)
{
    return v < 0 ? "-" : apr_psprintf(p, "%.1f%%", v * 100);
}

static int is_done(const ci_objective_t *o)
{
    return !strcmp(o->classification, "done");
}

static const char *verdict_line(apr_pool_t *p, const ci_report_t *r)
{
    return apr_psprintf(p, "observed completion %s (claimed %s); %" APR_INT64_T_FMT " objectives: %"
                        APR_INT64_T_FMT " done, %" APR_INT64_T_FMT " partial, %" APR_INT64_T_FMT
                        " missing", pct(p, r->observed), pct(p, r->claimed), r->objectives, r->done,
                        r->partial, r->missing);
}

static const char *text(apr_pool_t *p, const ci_report_t *r)
{
    const char *out = apr_psprintf(p, "project %s (%" APR_INT64_T_FMT "), analysis %" APR_INT64_T_FMT
                                   ": %s\n%s\n\n%-16s %-8s %8s %8s  %s\n", or_empty(r->project_name),
                                   r->project_id, r->analysis_id, r->results_url, verdict_line(p, r),
                                   "OBJECTIVE", "VERDICT", "CLAIMED", "OBSERVED", "TITLE");
    int i;

    for (i = 0; i < r->items->nelts; i++)
        out = apr_psprintf(p, "%s%-16s %-8s %8s %8s  %s\n", out, OBJ(r, i)->id, OBJ(r, i)->classification,
                           pct(p, OBJ(r, i)->claimed), pct(p, OBJ(r, i)->observed), or_empty(OBJ(r, i)->title));
    for (i = 0; i < r->problems->nelts; i++)
        out = apr_pstrcat(p, out, i ? "" : "\n", APR_ARRAY_IDX(r->problems, i, const char *), "\n", NULL);
    return out;
}

/* Table cells: a '|' would end the cell, a newline the row; '<' would open
 * HTML in GitHub's renderer. */
static const char *md_cell(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, 5 * strlen(or_empty(s)) + 1), *o = out;

    for (s = or_empty(s); *s; s++) {
        if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_' || *s == '[' || *s == ']')
            *o++ = '\\', *o++ = *s;
        else if (*s == '<')
            memcpy(o, "&lt;", 4), o += 4;
        else if (*s == '\n' || *s == '\r')
            *o++ = ' ';
        else
            *o++ = *s;
    }
    *o = '\0';
    return out;
}

static const char *markdown(apr_pool_t *p, const ci_report_t *r)
{
    const char *bar = r->fail_under < 0 ? ""
                    : apr_psprintf(p, " The bar is %g%%.", r->fail_under);
    const char *out = apr_psprintf(p, "### Planning: %s\n\n%s: analysis [%" APR_INT64_T_FMT "](%s) finds %s.%s\n\n",
                                   md_cell(p, r->project_name), r->problems->nelts ? "❌ Not met" : "✅ Met",
                                   r->analysis_id, r->results_url, verdict_line(p, r), bar);
    int i;

    for (i = 0; i < r->problems->nelts; i++)
        out = apr_pstrcat(p, out, "- ", md_cell(p, APR_ARRAY_IDX(r->problems, i, const char *)), "\n",
                          i == r->problems->nelts - 1 ? "\n" : "", NULL);
    out = apr_pstrcat(p, out, "| Objective | Title | Verdict | Claimed | Observed |\n"
                              "|---|---|---|---:|---:|\n", NULL);
    for (i = 0; i < r->items->nelts; i++)
        out = apr_psprintf(p, "%s| %s | %s | %s | %s | %s |\n", out, md_cell(p, OBJ(r, i)->id),
                           md_cell(p, OBJ(r, i)->title), md_cell(p, OBJ(r, i)->classification),
                           pct(p, OBJ(r, i)->claimed), pct(p, OBJ(r, i)->observed));
    return apr_pstrcat(p, out, "\n", NULL);
}

/* XML 1.0 text and attribute values: the five specials escaped, control
 * characters it cannot hold at all dropped (the server's JSON is valid
 * UTF-8 already). */
static const char *xml(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, 6 * strlen(or_empty(s)) + 1), *o = out;

    for (s = or_empty(s); *s; s++) {
        switch (*s) {
        case '&': memcpy(o, "&amp;", 5); o += 5; break;
        case '<': memcpy(o, "&lt;", 4); o += 4; break;
        case '>': memcpy(o, "&gt;", 4); o += 4; break;
        case '"': memcpy(o, "&quot;", 6); o += 6; break;
        case '\'': memcpy(o, "&apos;", 6); o += 6; break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n' || *s == '\r')
                *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static const char *gap_message(apr_pool_t *p, const ci_report_t *r, const ci_objective_t *o)
{
    return apr_psprintf(p, "%s %s is %s: observed %s, claimed %s in %s", o->id, or_empty(o->title),
                        o->classification, pct(p, o->observed), pct(p, o->claimed), r->plan_file);
}

/* One test case per objective, in a suite named after the project: a
 * missing objective fails, a partial one too unless --junit-partial=pass. */
static const char *junit(apr_pool_t *p, const ci_report_t *r)
{
    const char *cases = "", *suite = xml(p, r->project_name);
    int i, failures = 0;

    for (i = 0; i < r->items->nelts; i++) {
        const ci_objective_t *o = OBJ(r, i);
        int fails = !is_done(o) && (strcmp(o->classification, "partial") || r->junit_partial_fails);
        const char *tc = apr_psprintf(p, "    <testcase classname=\"%s.%s\" name=\"%s %s\" file=\"%s\"",
                                      suite, xml(p, o->level ? o->level : "objective"), xml(p, o->id),
                                      xml(p, o->title), xml(p, r->plan_file));
        failures += fails;
        if (fails)
            tc = apr_psprintf(p, "%s>\n      <failure type=\"%s\" message=\"%s\">%s</failure>\n    </testcase>\n",
                              tc, xml(p, o->classification), xml(p, gap_message(p, r, o)),
                              xml(p, apr_psprintf(p, "%s:%" APR_INT64_T_FMT ": severity %s", r->plan_file,
                                                  o->line, or_empty(o->severity))));
        else
            tc = apr_pstrcat(p, tc, "/>\n", NULL);
        cases = apr_pstrcat(p, cases, tc, NULL);
    }
    return apr_psprintf(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<testsuites name=\"planning\" tests=\"%d\" failures=\"%d\" errors=\"0\">\n"
                        "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"0\">\n"
                        "    <properties>\n"
                        "      <property name=\"analysis\" value=\"%s\"/>\n"
                        "      <property name=\"observed_completion\" value=\"%s\"/>\n"
                        "    </properties>\n%s  </testsuite>\n</testsuites>\n",
                        r->items->nelts, failures, suite, r->items->nelts, failures, xml(p, r->results_url),
                        pct(p, r->observed), cases);
}

/* SARIF's levels for the gap severities of lib/gap. */
static const char *sarif_level(const char *severity)
{
    severity = or_empty(severity);
    return !strcmp(severity, "high") ? "error" : !strcmp(severity, "medium") ? "warning" : "note";
}

/* One rule per kind of gap (the objective's classification), one result
 * per objective not done, located at its heading in the plan file. */
static const char *sarif(apr_pool_t *p, const ci_report_t *r)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 1024 + 512 * (apr_size_t)r->items->nelts);
    apr_array_header_t *rules = apr_array_make(p, 4, sizeof(const char *));
    int i, k;

    for (i = 0; i < r->items->nelts; i++) {
        for (k = 0; k < rules->nelts && strcmp(APR_ARRAY_IDX(rules, k, const char *), OBJ(r, i)->classification); k++)
            ;
        if (!is_done(OBJ(r, i)) && k == rules->nelts)
            APR_ARRAY_PUSH(rules, const char *) = OBJ(r, i)->classification;
    }
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    pl_jsonw_str(w, "version", "2.1.0");
    pl_jsonw_array(w, "runs");
    pl_jsonw_object(w, NULL);
    pl_jsonw_object(w, "tool");
    pl_jsonw_object(w, "driver");
    pl_jsonw_str(w, "name", "planning");
    pl_jsonw_str(w, "version", PL_VERSION);
    pl_jsonw_array(w, "rules");
    for (k = 0; k < rules->nelts; k++) {
        const char *cls = APR_ARRAY_IDX(rules, k, const char *);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "id", apr_pstrcat(p, "objective-", cls, NULL));
        pl_jsonw_object(w, "shortDescription");
        pl_jsonw_str(w, "text", apr_pstrcat(p, "An objective of the plan is ", cls, " in the code", NULL));
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_jsonw_object(w, "automationDetails");
    pl_jsonw_str(w, "id", apr_psprintf(p, "planning/%s/%" APR_INT64_T_FMT, or_empty(r->project_name), r->analysis_id));
    pl_jsonw_end(w);
    pl_jsonw_array(w, "results");
    for (i = 0; i < r->items->nelts; i++) {
        const ci_objective_t *o = OBJ(r, i);
        if (is_done(o))
            continue;
        for (k = 0; strcmp(APR_ARRAY_IDX(rules, k, const char *), o->classification); k++)
            ;
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "ruleId", apr_pstrcat(p, "objective-", o->classification, NULL));
        pl_jsonw_int(w, "ruleIndex", k);
        pl_jsonw_str(w, "level", sarif_level(o->severity));
        pl_jsonw_object(w, "message");
        pl_jsonw_str(w, "text", gap_message(p, r, o));
        pl_jsonw_end(w);
        pl_jsonw_array(w, "locations");
        pl_jsonw_object(w, NULL);
        pl_jsonw_object(w, "physicalLocation");
        pl_jsonw_object(w, "artifactLocation");
        pl_jsonw_str(w, "uri", r->plan_file);
        pl_jsonw_str(w, "uriBaseId", "%SRCROOT%");
        pl_jsonw_end(w);
        pl_jsonw_object(w, "region");
        pl_jsonw_int(w, "startLine", o->line > 0 ? o->line : 1);
        pl_jsonw_end(w);
        pl_jsonw_end(w);
        pl_jsonw_end(w);
        pl_jsonw_end(w);
        /* the plan's id is stable across analyses: code scanning tracks the gap by it */
        pl_jsonw_object(w, "partialFingerprints");
        pl_jsonw_str(w, "objectiveId/v1", o->id);
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return apr_pstrcat(p, pl_jsonw_text(w, NULL), "\n", NULL);
}

const char *ci_render(apr_pool_t *p, const ci_report_t *r, const char *format)
{
    return !strcmp(format, "text") ? text(p, r)
         : !strcmp(format, "markdown") ? markdown(p, r)
         : !strcmp(format, "junit") ? junit(p, r)
         : !strcmp(format, "sarif") ? sarif(p, r) : NULL;
}
