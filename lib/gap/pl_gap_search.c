/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_status.h"
#include "gap/pl_gap_int.h"
#include "gap/pl_gap_search.h"

void pl_gap_evidence_from_hit(apr_pool_t *p, const pl_gap_index_t *ix, const pl_bm25_hit_t *h,
                              pl_gap_evidence_t *e)
{
    const pl_gap_doc_t *d = &APR_ARRAY_IDX(ix->docs, h->doc, pl_gap_doc_t);
    const pl_code_chunk_t *c = d->chunk;
    int i;

    memset(e, 0, sizeof(*e));
    e->path = d->file->path;
    e->line = c->start;
    e->end_line = c->end;
    e->symbol = c->name ? apr_pstrdup(p, c->name) : NULL;
    e->symbol_kind = c->kind ? apr_pstrdup(p, c->kind) : NULL;
    if (c->symbol >= 0 && d->file->symbols && c->symbol < d->file->symbols->nelts)
        e->complexity = APR_ARRAY_IDX(d->file->symbols, c->symbol, pl_symbol_t).complexity;
    e->score = h->score;
    e->matched = apr_array_make(p, h->matched ? h->matched->nelts : 0, sizeof(const char *));
    for (i = 0; h->matched && i < h->matched->nelts; i++)
        APR_ARRAY_PUSH(e->matched, const char *) =
            apr_pstrdup(p, APR_ARRAY_IDX(h->matched, i, const char *));
}

apr_status_t pl_gap_search(apr_pool_t *p, const pl_code_t *code, const char *text, int k,
                           apr_array_header_t **hits)
{
    pl_gap_index_t *ix;
    pl_gap_queries_t *q;
    apr_array_header_t *query, *found;
    apr_status_t rv;
    int words, i;

    if ((rv = pl_gap_index_build(p, code, 0, NULL, NULL, &ix)) != APR_SUCCESS)
        return rv;
    q = pl_gap_queries_create(p, ix->tokens, 1);
    query = pl_gap_query(q, p, &text, 1, &words);
    if (!words)
        return PL_EINVAL;
    (void)pl_gap_raw(ix->code, p, query, k, &found);
    *hits = apr_array_make(p, found->nelts + 1, sizeof(pl_gap_evidence_t));
    for (i = 0; i < found->nelts; i++)
        pl_gap_evidence_from_hit(p, ix, &APR_ARRAY_IDX(found, i, pl_bm25_hit_t),
                                 apr_array_push(*hits));
    return APR_SUCCESS;
}
