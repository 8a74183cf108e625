/* SPDX-License-Identifier: Apache-2.0 */
/* What a plan claims, taken off either end of a heading or an item: status
 * marks (✅, [x]), status words after a separator ("-- done", ": in
 * Arbeit"), in capitals ("DONE") or before a colon ("WIP: ..."),
 * percentages ("-- 40%", "40% done"), struck-through text, and issue
 * references ("#142", "GH-7"), which are no claim but no title either.
 * pl_plan_head.c peels with these until nothing more comes off. */
#include "plan/pl_plan_span.h"

/* "40% done", "40 % complete", "80% erledigt": the percentage, else -1. */
int pl_plan_percent_words(apr_pool_t *p, const char *s)
{
    const char *pc = strchr(s, '%');
    int v;

    if (!pc || (v = pl_plan_percent(s, pc - s + 1)) < 0)
        return -1;
    for (pc++; *pc == ' '; pc++)
        ;
    if (!*pc)
        return v;
    {
        const char *st = pl_plan_status_word(p, pc);
        return st && strcmp(st, "done") == 0 ? v : -1;
    }
}

/* An issue reference at s: "#142", "GH-142", "gh-142", "owner/repo#142".
 * Its length, or 0. */
apr_size_t pl_plan_issue_ref_len(const char *s)
{
    apr_size_t n = 0, d = 0;

    if ((s[0] == 'G' || s[0] == 'g') && (s[1] == 'H' || s[1] == 'h') && s[2] == '-')
        n = 3;
    else if (s[0] != '#') {
        int slash = 0;
        while (is_word_char(s[n]) || s[n] == '-' || s[n] == '.' || (s[n] == '/' && !slash++))
            n++;
        if (!slash || !n || s[n] != '#' || s[n - 1] == '/' || s[0] == '/')
            return 0;
        n++;
    }
    else
        n = 1;
    while (is_digit(s[n + d]))
        d++;
    if (!d || d > 9 || is_word_char(s[n + d]))
        return 0;
    return n + d;
}

int pl_plan_take_mark_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    apr_size_t n;
    const char *status = pl_plan_mark(t->s, &n);

    if (!status || t->s + n > t->e)
        return 0;
    set_mark_status(h, status);
    t->s += n;
    return 1;
}

/* A mark ending at t->e: scan the last few code points for one. */
int pl_plan_take_mark_back(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    const char *q;

    for (q = t->e - 1; q >= t->s && q >= t->e - 8; q--) {
        apr_size_t n;
        const char *status = pl_plan_mark(q, &n);
        if (status && q + n == t->e) {
            set_mark_status(h, status);
            t->e = q;
            return 1;
        }
    }
    return 0;
}

/* "Login - done", "Login — WIP": a status word after a separator near the
 * end. */
int pl_plan_take_status_tail(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    const char *q;

    for (q = t->e - 1; q > t->s && t->e - q <= 24; q--) {
        apr_size_t sep = (*q == '-' || *q == ':' || *q == '|') ? 1
                       : ((unsigned char)q[0] == 0xE2 && (unsigned char)q[1] == 0x80
                          && ((unsigned char)q[2] == 0x93 || (unsigned char)q[2] == 0x94)) ? 3 : 0;
        span_t w = { q + sep, t->e };
        const char *status;

        if (!sep)
            continue;
        trim(&w);
        if (w.s >= w.e || !(status = pl_plan_status_word(p, apr_pstrmemdup(p, w.s, w.e - w.s))))
            return 0;
        set_word_status(h, status);
        t->e = q;
        return 1;
    }
    return 0;
}

/* "Export to CSV DONE", "Sync WIP": a status word in capitals at the end
 * needs no separator (one or two words). */
int pl_plan_take_status_caps(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    const char *q = t->e, *status;
    int words = 0;

    while (words < 2) {
        const char *w = q;
        while (w > t->s && w[-1] >= 'A' && w[-1] <= 'Z')
            w--;
        if (w == q || (w > t->s && !is_space(w[-1])) || q - w < 2)
            break;
        words++;
        q = w;
        {
            span_t rest = { t->s, q };
            const char *word = apr_pstrmemdup(p, q, t->e - q);
            trim(&rest);
            if (rest.s < rest.e && (status = pl_plan_status_word(p, word))
                && strcmp(status, "todo") && !strstr(" REVIEW ACTIVE LIVE FIXED ", word)) {
                set_word_status(h, status);
                t->e = rest.e;
                return 1;
            }
        }
        while (q > t->s && is_space(q[-1]))
            q--;
    }
    return 0;
}

/* "Done: Export", "WIP - Sync": a status word then a separator, at the
 * start. */
int pl_plan_take_status_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    const char *q, *status;

    for (q = t->s; q < t->e && q - t->s <= 24; q++) {
        apr_size_t sep = (*q == ':' || *q == '|') ? 1
                       : (*q == '-' && q > t->s && is_space(q[-1])) ? 1
                       : ((unsigned char)q[0] == 0xE2 && (unsigned char)q[1] == 0x80
                          && ((unsigned char)q[2] == 0x93 || (unsigned char)q[2] == 0x94)) ? 3 : 0;
        span_t w = { t->s, q };

        if (!sep)
            continue;
        trim(&w);
        if (w.s >= w.e || q + sep >= t->e
            || !(status = pl_plan_status_word(p, apr_pstrmemdup(p, w.s, w.e - w.s))))
            return 0;
        set_word_status(h, status);
        t->s = q + sep;
        return 1;
    }
    return 0;
}

/* "Sync -- 40%", "Sync 40% done": a percentage at the end. */
int pl_plan_take_percent_back(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    const char *q, *pc = NULL;
    int v;

    for (q = t->e - 1; q >= t->s && t->e - q <= 24; q--)
        if (*q == '%') {
            pc = q;
            break;
        }
    if (!pc)
        return 0;
    for (q = pc; q > t->s && (is_digit(q[-1]) || q[-1] == '.' || q[-1] == ',' || q[-1] == ' ');
         q--)
        ;
    while (q < pc && *q == ' ')
        q++;
    if (q == pc || (q > t->s && !is_space(q[-1])))
        return 0;
    if (pc + 1 == t->e && q > t->s) {
        /* "Reduce latency by 40%" is a goal, "Sync -- 40%" a claim */
        span_t before = { t->s, q };
        trim(&before);
        if (before.e > before.s && !strchr(":-|,", before.e[-1])
            && (unsigned char)before.e[-1] != 0x94 && (unsigned char)before.e[-1] != 0x93)
            return 0;
    }
    if ((v = pl_plan_percent(q, pc - q + 1)) < 0)
        return 0;
    if (pc + 1 < t->e && pl_plan_percent_words(p, apr_pstrmemdup(p, q, t->e - q)) < 0)
        return 0;
    set_percent(h, v);
    t->e = q;
    return 1;
}

/* "#142 Export", "GH-7: Export", "owner/repo#9 Export". */
int pl_plan_take_issue_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    apr_size_t n = pl_plan_issue_ref_len(t->s);

    if (!n || t->s + n > t->e || (t->s + n < t->e && !is_space(t->s[n]) && t->s[n] != ':'))
        return 0;
    if (!h->issue_ref)
        h->issue_ref = apr_pstrmemdup(p, t->s, n);
    t->s += n;
    return 1;
}

/* "Export #142", "Export -- GH-7". */
int pl_plan_take_issue_back(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    const char *q = t->e;
    apr_size_t n;

    while (q > t->s && !is_space(q[-1]))
        q--;
    if (q == t->s || (n = pl_plan_issue_ref_len(q)) != (apr_size_t)(t->e - q))
        return 0;
    if (!h->issue_ref)
        h->issue_ref = apr_pstrmemdup(p, q, n);
    t->e = q;
    return 1;
}

/* "~~Export~~": struck through is done. */
int pl_plan_take_strike(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    if (t->e - t->s < 5 || memcmp(t->s, "~~", 2) || memcmp(t->e - 2, "~~", 2))
        return 0;
    set_mark_status(h, "done");
    t->s += 2;
    t->e -= 2;
    return 1;
}
