/* SPDX-License-Identifier: Apache-2.0 */
/* Tables in a plan: a task table under an objective ("| Task | Owner |
 * Status |") or a status table of objectives under a phase, a bucket or the
 * title ("| ID | Feature | Status | Progress | Depends on |"). The header
 * says which column is which (pl_plan_column); a row becomes a
 * pl_plan_row_t and the walk (pl_plan_md.c) makes it a task or an
 * objective. A cell's claim is read here, once, for both. */
#include <string.h>

#include <apr_strings.h>
#include <cmark-gfm.h>

#include "plan/pl_plan_int.h"

/* The claim of a status cell: a status word or mark ("✅ Done", "in
 * Arbeit"), a yes ("x", "ja"), a percentage; an empty cell says nothing;
 * anything else is unknown (*unknown set) and says nothing. */
static const char *cell_claim(apr_pool_t *p, const char *cell, int *percent, int *unknown)
{
    const char *status;
    apr_size_t n;
    int v;

    *unknown = 0;
    while (*cell == ' ')
        cell++;
    n = strlen(cell);
    while (n && cell[n - 1] == ' ')
        n--;
    cell = apr_pstrmemdup(p, cell, n);
    if ((v = pl_plan_percent(cell, n)) >= 0) {
        if (*percent < 0)
            *percent = v;
        return pl_plan_percent_status(v);
    }
    if ((status = pl_plan_status_word(p, cell)))
        return status;
    if (pl_plan_cell_done(p, cell))
        return "done";
    if (*pl_plan_fold(p, cell, n, ' '))
        *unknown = 1;
    return NULL;
}

static const char *text_of(apr_pool_t *p, struct cmark_node *cell)
{
    const char *t = pl_plan_md_text(p, cell);

    while (*t == ' ')
        t++;
    return t;
}

apr_array_header_t *pl_plan_table_rows(apr_pool_t *p, struct cmark_node *table, int line_offset,
                                       int objectives, int tasks_section)
{
    cmark_node *row = cmark_node_first_child(table), *cell;
    int col, cols[PL_COL_PHASE + 1], i;
    apr_array_header_t *rows;

    if (!row || strcmp(cmark_node_get_type_string(row), "table_header") != 0)
        return NULL;
    for (i = 0; i <= PL_COL_PHASE; i++)
        cols[i] = -1;
    for (cell = cmark_node_first_child(row), col = 0; cell; cell = cmark_node_next(cell), col++) {
        pl_plan_column_e kind = pl_plan_column(p, text_of(p, cell));
        if (kind != PL_COL_OTHER && cols[kind] < 0)
            cols[kind] = col;
    }
    if (objectives) {
        /* objectives need a name and something a plan says about them */
        if (cols[PL_COL_TASK] < 0 || (cols[PL_COL_STATUS] < 0 && cols[PL_COL_PERCENT] < 0
                                      && cols[PL_COL_ID] < 0))
            return NULL;
    }
    else if (cols[PL_COL_STATUS] < 0 && cols[PL_COL_PERCENT] < 0 && !tasks_section)
        return NULL;
    if (cols[PL_COL_TASK] < 0)
        cols[PL_COL_TASK] = cols[PL_COL_STATUS] == 0 ? 1 : 0;
    rows = apr_array_make(p, 8, sizeof(pl_plan_row_t));
    for (row = cmark_node_next(row); row; row = cmark_node_next(row)) {
        pl_plan_row_t *r = apr_array_push(rows);
        const char *status = NULL, *percent_status = NULL;
        int unknown = 0, unknown_percent = 0;

        memset(r, 0, sizeof(*r));
        r->percent = -1;
        r->line = cmark_node_get_start_line(row) + line_offset;
        for (cell = cmark_node_first_child(row), col = 0; cell;
             cell = cmark_node_next(cell), col++) {
            const char *t;
            if (col == cols[PL_COL_TASK])
                r->text = text_of(p, cell);
            else if (col == cols[PL_COL_STATUS]) {
                t = text_of(p, cell);
                status = cell_claim(p, t, &r->percent, &unknown);
                if (unknown)
                    r->unknown = t;
            }
            else if (col == cols[PL_COL_PERCENT]) {
                t = text_of(p, cell);
                percent_status = cell_claim(p, t, &r->percent, &unknown_percent);
                if (unknown_percent && !r->unknown)
                    r->unknown = t;
            }
            else if (col == cols[PL_COL_ID])
                r->id = text_of(p, cell);
            else if (col == cols[PL_COL_PRIORITY])
                r->priority = text_of(p, cell);
            else if (col == cols[PL_COL_DEPENDS])
                r->depends = text_of(p, cell);
            else if (col == cols[PL_COL_PHASE])
                r->phase = text_of(p, cell);
        }
        r->status = status ? status : percent_status;
        if (!r->text)
            rows->nelts--;
    }
    return rows;
}
