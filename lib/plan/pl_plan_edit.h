/* SPDX-License-Identifier: Apache-2.0 */
/* Edits of a plan's Markdown text that change only the lines they must, so
 * everything else in the file stays byte for byte: tick or untick a task,
 * add a task to an objective, add an objective, replace a section's body.
 * The tools that change the plan (lib/tools) make them; the objectives and
 * tasks are found through the plan's parse (pl_plan_parse gives their
 * lines). Each returns the new text in *out (*out_len bytes, pool p), or:
 *   PL_ENOTFOUND  no such objective, task or heading;
 *   PL_EINVAL     a title or task that is not one line, or a task line that
 *                 is not a list item (a table row);
 * with *why saying it in words a model can act on. */
#ifndef PL_PLAN_EDIT_H
#define PL_PLAN_EDIT_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "plan/pl_plan.h"

typedef struct {
    const char *text;   /* the plan as it is; NULL: no plan yet (add_objective makes one) */
    apr_size_t len;
    const pl_plan_t *plan;  /* its parse; NULL with no plan */
} pl_plan_edit_t;

/* The task of objective oid whose text is task (or begins with it, any
 * case) ticked (done) or unticked; a list item without a box gets one. */
apr_status_t pl_plan_edit_tick(apr_pool_t *p, const pl_plan_edit_t *e, const char *oid,
                               const char *task, int done, const char **out,
                               apr_size_t *out_len, const char **why);

/* "- [ ] task" after the objective's last task, indented as it is, or
 * after its heading and paragraphs. */
apr_status_t pl_plan_edit_add_task(apr_pool_t *p, const pl_plan_edit_t *e, const char *oid,
                                   const char *task, const char **out, apr_size_t *out_len,
                                   const char **why);

/* A heading at the level of the plan's last objective written as one (##
 * by default) at the end, with the description and the tasks (const char *)
 * under it. */
apr_status_t pl_plan_edit_add_objective(apr_pool_t *p, const pl_plan_edit_t *e,
                                        const char *title, const char *description,
                                        const apr_array_header_t *tasks, const char **out,
                                        apr_size_t *out_len, const char **why);

/* The body of the section whose heading text is heading (any case, without
 * its #s) replaced by markdown, up to the next heading of its level or
 * higher; fenced code does not count. */
apr_status_t pl_plan_edit_section(apr_pool_t *p, const pl_plan_edit_t *e, const char *heading,
                                  const char *markdown, const char **out, apr_size_t *out_len,
                                  const char **why);

#endif
