/* SPDX-License-Identifier: Apache-2.0 */
/* A heading or an item being taken apart (pl_plan_head.c, pl_plan_claim.c):
 * the span of text not taken yet and the small helpers both peel with.
 * Not for use outside lib/plan. */
#ifndef PL_PLAN_SPAN_H
#define PL_PLAN_SPAN_H

#include <string.h>

#include <apr_strings.h>

#include "plan/pl_plan_int.h"

typedef struct {
    const char *s, *e;          /* the text not taken yet: [s, e) */
} span_t;

static inline int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline void trim(span_t *t)
{
    while (t->s < t->e && is_space(*t->s))
        t->s++;
    while (t->e > t->s && is_space(t->e[-1]))
        t->e--;
}

/* Separators left between an id or a label and the title. */
static inline void trim_separators(span_t *t)
{
    static const char *const seps[] = { ":", "-", "|", ".", "\xE2\x80\x94", "\xE2\x80\x93",
                                        "\xC2\xB7", "\xEF\xBC\x9A", NULL };
    const char *const *sep;
    int again = 1;

    while (again) {
        again = 0;
        trim(t);
        for (sep = seps; *sep; sep++) {
            apr_size_t n = strlen(*sep);
            if ((apr_size_t)(t->e - t->s) >= n && memcmp(t->s, *sep, n) == 0) {
                t->s += n;
                again = 1;
            }
            if ((apr_size_t)(t->e - t->s) >= n && memcmp(t->e - n, *sep, n) == 0) {
                t->e -= n;
                again = 1;
            }
        }
    }
}

static inline void add_label(apr_pool_t *p, pl_plan_head_t *h, const char *s, apr_size_t n)
{
    APR_ARRAY_PUSH(h->labels, const char *) = apr_pstrmemdup(p, s, n);
}

static inline void set_word_status(pl_plan_head_t *h, const char *status)
{
    if (!h->word_status)
        h->word_status = status;
    if (!h->status)
        h->status = status;
}

static inline void set_mark_status(pl_plan_head_t *h, const char *status)
{
    if (!h->mark_status)
        h->mark_status = status;
    if (!h->status)
        h->status = status;
}

static inline void set_percent(pl_plan_head_t *h, int percent)
{
    if (h->percent < 0)
        h->percent = percent;
}

static inline int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_'
        || (unsigned char)c >= 0x80;
}

/* ---- claims at either end (pl_plan_claim.c); each returns 1 when it took
 * something off t ---- */

/* "40% done", "40 % complete": the percentage, else -1. */
int pl_plan_percent_words(apr_pool_t *p, const char *s);
/* An issue reference at s ("#142", "GH-142", "owner/repo#142"): its
 * length, or 0. */
apr_size_t pl_plan_issue_ref_len(const char *s);
int pl_plan_take_mark_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t);
int pl_plan_take_mark_back(apr_pool_t *p, pl_plan_head_t *h, span_t *t);
int pl_plan_take_status_tail(apr_pool_t *p, pl_plan_head_t *h, span_t *t);
int pl_plan_take_status_caps(apr_pool_t *p, pl_plan_head_t *h, span_t *t);
int pl_plan_take_status_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t);
int pl_plan_take_percent_back(apr_pool_t *p, pl_plan_head_t *h, span_t *t);
int pl_plan_take_issue_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t);
int pl_plan_take_issue_back(apr_pool_t *p, pl_plan_head_t *h, span_t *t);
int pl_plan_take_strike(apr_pool_t *p, pl_plan_head_t *h, span_t *t);

#endif
