/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the plan's edits (pl_plan_edit.h): the text is a
 * project's MASTER_PLAN.md and the arguments come from a model or an agent
 * (the tools update_task, add_task, add_objective, edit_plan_section), so
 * any of them must edit without a crash, a leak or UB. The input is
 * "ARGUMENT\0PLAN": the argument is the task, title, heading or Markdown
 * each edit takes. The contracts: an edit that succeeds gives text that
 * parses again; a tick changes one line only (its box), every other line
 * byte for byte; adding a task or an objective keeps every line that was
 * there, in order; a refusal says why. t/fuzz/plan_edit.t seeds it with the
 * unit tests' fixture plans. */
#include <string.h>

#include <apr_strings.h>

#include "fuzz.h"
#include "core/pl_status.h"
#include "plan/pl_plan.h"
#include "plan/pl_plan_edit.h"

static int count_lines(const char *s, apr_size_t len)
{
    int n = 0;
    apr_size_t i;

    for (i = 0; i < len; i++)
        n += s[i] == '\n';
    return n + (len && s[len - 1] != '\n');
}

/* Lines of a that differ from b's, both with as many lines. */
static int lines_changed(const char *a, apr_size_t alen, const char *b, apr_size_t blen)
{
    const char *ae = a + alen, *be = b + blen;
    int changed = 0;

    while (a < ae && b < be) {
        const char *an = memchr(a, '\n', (apr_size_t)(ae - a)), *bn = memchr(b, '\n', (apr_size_t)(be - b));
        apr_size_t al = (apr_size_t)((an ? an : ae) - a), bl = (apr_size_t)((bn ? bn : be) - b);
        changed += al != bl || memcmp(a, b, al) != 0;
        a = an ? an + 1 : ae;
        b = bn ? bn + 1 : be;
    }
    return changed;
}

/* Whether every line of the original is in out, in order (insertions only). */
static int kept_in_order(const char *orig, apr_size_t olen, const char *out, apr_size_t len)
{
    const char *o = orig, *oe = orig + olen, *s = out, *se = out + len;

    while (o < oe) {
        const char *on = memchr(o, '\n', (apr_size_t)(oe - o));
        apr_size_t ol = (apr_size_t)((on ? on : oe) - o);
        for (;;) {
            const char *sn;
            apr_size_t sl;
            if (s >= se)
                return 0;
            sn = memchr(s, '\n', (apr_size_t)(se - s));
            sl = (apr_size_t)((sn ? sn : se) - s);
            s = sn ? sn + 1 : se;
            if (sl == ol && !memcmp(s - sl - (sn ? 1 : 0), o, ol))
                break;
        }
        o = on ? on + 1 : oe;
    }
    return 1;
}

static void reparse(apr_pool_t *p, apr_status_t rv, const char *out, apr_size_t len, const char *why)
{
    pl_plan_t *again;

    if (rv != APR_SUCCESS) {
        require((rv == PL_ENOTFOUND || rv == PL_EINVAL) && why && *why);
        return;
    }
    require(out && strlen(out) == len);
    require(pl_plan_parse(p, out, len, &again) == APR_SUCCESS || len > PL_PLAN_MAX_BYTES);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *arg, *text, *out, *why;
    apr_size_t len, out_len;
    const uint8_t *nul = memchr(data, 0, size);
    pl_plan_t *plan;
    pl_plan_edit_t e;
    apr_status_t rv;
    int i;

    if (!nul)
        return 0;
    apr_pool_create(&p, fuzz_root);
    arg = apr_pstrmemdup(p, (const char *)data, (apr_size_t)(nul - data));
    len = size - (size_t)(nul - data) - 1;
    text = apr_pstrmemdup(p, (const char *)nul + 1, len);
    if (memchr(text, 0, len) || pl_plan_parse(p, text, len, &plan) != APR_SUCCESS) {
        apr_pool_destroy(p);
        return 0;
    }
    e.text = text;
    e.len = len;
    e.plan = plan;
    for (i = 0; i < plan->objectives->nelts && i < 4; i++) {
        const pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i, pl_plan_objective_t *);
        int t;
        for (t = 0; t < o->tasks->nelts && t < 4; t++) {
            const char *task = APR_ARRAY_IDX(o->tasks, t, pl_plan_task_t).text;
            why = NULL;
            rv = pl_plan_edit_tick(p, &e, o->id, task, t % 2, &out, &out_len, &why);
            reparse(p, rv, out, out_len, why);
            if (rv == APR_SUCCESS) {
                require(count_lines(out, out_len) == count_lines(text, len));
                require(lines_changed(text, len, out, out_len) <= 1);
            }
        }
        why = NULL;
        rv = pl_plan_edit_tick(p, &e, o->id, arg, 1, &out, &out_len, &why);
        reparse(p, rv, out, out_len, why);
        why = NULL;
        rv = pl_plan_edit_add_task(p, &e, o->id, arg, &out, &out_len, &why);
        reparse(p, rv, out, out_len, why);
        if (rv == APR_SUCCESS)
            require(kept_in_order(text, len, out, out_len));
    }
    why = NULL;
    rv = pl_plan_edit_add_objective(p, &e, arg, arg, NULL, &out, &out_len, &why);
    reparse(p, rv, out, out_len, why);
    if (rv == APR_SUCCESS)
        require(kept_in_order(text, len, out, out_len));
    why = NULL;
    rv = pl_plan_edit_section(p, &e, arg, arg, &out, &out_len, &why);
    reparse(p, rv, out, out_len, why);
    why = NULL;
    rv = pl_plan_edit_tick(p, &e, arg, arg, 0, &out, &out_len, &why);
    reparse(p, rv, out, out_len, why);
    apr_pool_destroy(p);
    return 0;
}
