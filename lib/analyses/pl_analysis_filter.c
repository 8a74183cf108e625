/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "analyses/pl_analysis_filter.h"

/* Case-insensitive substring, ASCII only (ids and code words). */
static int contains(apr_pool_t *p, const char *hay, const char *needle)
{
    char *h, *n, *c;

    if (!hay)
        return 0;
    h = apr_pstrdup(p, hay);
    n = apr_pstrdup(p, needle);
    for (c = h; *c; c++)
        *c = (char)apr_tolower(*c);
    for (c = n; *c; c++)
        *c = (char)apr_tolower(*c);
    return strstr(h, n) != NULL;
}

static int keep(apr_pool_t *p, const pl_analysis_filter_t *f, const pl_analysis_objective_t *o)
{
    if (f->level && (!o->level || strcmp(o->level, f->level)))
        return 0;
    if (f->classification && strcmp(o->classification, f->classification))
        return 0;
    if (f->not_done && !strcmp(o->classification, PL_VERDICT_DONE))
        return 0;
    return !f->q || contains(p, o->id, f->q) || contains(p, o->title, f->q)
        || contains(p, o->description, f->q);
}

apr_array_header_t *pl_analysis_objectives_filter(apr_pool_t *p, const apr_array_header_t *all,
                                                  const pl_analysis_filter_t *f)
{
    apr_array_header_t *out = apr_array_make(p, all->nelts + 1, sizeof(pl_analysis_objective_t *));
    int i;

    for (i = 0; i < all->nelts; i++)
        if (keep(p, f, APR_ARRAY_IDX(all, i, pl_analysis_objective_t *)))
            APR_ARRAY_PUSH(out, pl_analysis_objective_t *) = APR_ARRAY_IDX(all, i,
                                                                        pl_analysis_objective_t *);
    return out;
}
