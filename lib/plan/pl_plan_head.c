/* SPDX-License-Identifier: Apache-2.0 */
/* One heading (or one objective written as a list item), flattened to plain
 * text by the walk, taken apart: "## [x] 1.2 AUTH-001: Login ✅ (P1, WIP)"
 * is the title "Login", the id AUTH-001, the status done, the level
 * primary and the labels "[x]", "✅", "P1", "WIP". The marks are peeled
 * from both ends until nothing more comes off; what is left is the title. */
#include <string.h>

#include <apr_strings.h>

#include "plan/pl_plan_int.h"

typedef struct {
    const char *s, *e;          /* the text not taken yet: [s, e) */
} span_t;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void trim(span_t *t)
{
    while (t->s < t->e && is_space(*t->s))
        t->s++;
    while (t->e > t->s && is_space(t->e[-1]))
        t->e--;
}

/* Separators left between an id or a label and the title. */
static void trim_separators(span_t *t)
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

static void add_label(apr_pool_t *p, pl_plan_head_t *h, const char *s, apr_size_t n)
{
    APR_ARRAY_PUSH(h->labels, const char *) = apr_pstrmemdup(p, s, n);
}

static void set_level(apr_pool_t *p, pl_plan_head_t *h, int level, const char *label)
{
    if (!h->level) {
        h->level = level;
        h->priority = label;
    }
}

/* A label group "(P1, WIP)" / "[done]": taken when every piece of it is a
 * status, a priority or an id. */
static int label_group(apr_pool_t *p, pl_plan_head_t *h, const char *s, apr_size_t n)
{
    char *inner = apr_pstrmemdup(p, s + 1, n - 2), *piece, *last;
    apr_array_header_t *found = apr_array_make(p, 2, sizeof(const char *));
    const char *id = NULL;
    int i;

    for (piece = apr_strtok(inner, ",;/|", &last); piece; piece = apr_strtok(NULL, ",;/|", &last)) {
        span_t t = { piece, piece + strlen(piece) };
        trim(&t);
        piece = apr_pstrmemdup(p, t.s, t.e - t.s);
        if (!*piece)
            return 0;
        if (pl_plan_id_token(piece) == strlen(piece) && !id)
            id = piece;
        else if (pl_plan_status_word(p, piece) || pl_plan_priority_level(p, piece))
            APR_ARRAY_PUSH(found, const char *) = piece;
        else
            return 0;
    }
    if (!id && !found->nelts)
        return 0;
    if (id && !h->id)
        h->id = id;
    for (i = 0; i < found->nelts; i++) {
        const char *label = APR_ARRAY_IDX(found, i, const char *), *status;
        int level = pl_plan_priority_level(p, label);
        if (level)
            set_level(p, h, level, label);
        else if ((status = pl_plan_status_word(p, label)) && !h->status)
            h->status = status;
        APR_ARRAY_PUSH(h->labels, const char *) = label;
    }
    return 1;
}

static int take_mark_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    apr_size_t n;
    const char *status = pl_plan_mark(t->s, &n);

    if (!status || t->s + n > t->e)
        return 0;
    if (!h->status)
        h->status = status;
    add_label(p, h, t->s, n);
    t->s += n;
    return 1;
}

/* A mark ending at t->e: scan the last few code points for one. */
static int take_mark_back(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    const char *q;

    for (q = t->e - 1; q >= t->s && q >= t->e - 8; q--) {
        apr_size_t n;
        const char *status = pl_plan_mark(q, &n);
        if (status && q + n == t->e) {
            if (!h->status)
                h->status = status;
            add_label(p, h, q, n);
            t->e = q;
            return 1;
        }
    }
    return 0;
}

static int take_group_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    char close = *t->s == '(' ? ')' : *t->s == '[' ? ']' : 0;
    const char *end;

    if (!close || !(end = memchr(t->s, close, t->e - t->s)))
        return 0;
    if (!label_group(p, h, t->s, end - t->s + 1))
        return 0;
    t->s = end + 1;
    return 1;
}

static int take_group_back(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    char open = t->e[-1] == ')' ? '(' : t->e[-1] == ']' ? '[' : 0;
    const char *q;

    if (!open)
        return 0;
    for (q = t->e - 2; q >= t->s && *q != open; q--)
        ;
    if (q < t->s || !label_group(p, h, q, t->e - q))
        return 0;
    t->e = q;
    return 1;
}

/* "1.", "1.2", "1.2.3)", "3)": section numbering, dropped. */
static int take_number(pl_plan_head_t *h, span_t *t)
{
    const char *q = t->s;

    while (q < t->e && ((*q >= '0' && *q <= '9') || *q == '.'))
        q++;
    if (q == t->s || !(t->s[0] >= '0' && t->s[0] <= '9'))
        return 0;
    if (q < t->e && *q == ')')
        q++;
    if (q < t->e && !is_space(*q) && *q != ':')
        return 0;
    h->numbered = 1;
    t->s = q;
    return 1;
}

/* An id first: "AUTH-001: Login", "AUTH-001 — Login", or "AUTH-01 Login"
 * with only a space when it has two digits or more (so that "UTF-8
 * support" stays a title). */
static int take_id_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    apr_size_t n = pl_plan_id_token(t->s);
    const char *after, *dash;

    if (!n || h->id || t->s + n > t->e)
        return 0;
    after = t->s + n;
    dash = memchr(t->s, '-', n);
    if (after < t->e && is_space(*after) && after - dash <= 2) {
        span_t rest = { after, t->e };
        trim(&rest);
        if (rest.s < rest.e && !strchr(":-|.", *rest.s) && (unsigned char)*rest.s != 0xE2)
            return 0;
    }
    h->id = apr_pstrmemdup(p, t->s, n);
    t->s = after;
    return 1;
}

/* "Login - done", "Login — WIP": a status word after a separator near the
 * end. */
static int take_status_tail(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
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
        if (!h->status)
            h->status = status;
        add_label(p, h, w.s, w.e - w.s);
        t->e = q;
        return 1;
    }
    return 0;
}

/* "Login P1" (inline code `P1` flattens to this). */
static int take_priority_tail(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    const char *q = t->e;

    while (q > t->s && !is_space(q[-1]))
        q--;
    if (q == t->s || t->e - q != 2 || q[0] != 'P' || q[1] < '0' || q[1] > '9')
        return 0;
    set_level(p, h, pl_plan_priority_level(p, apr_pstrmemdup(p, q, 2)),
              apr_pstrmemdup(p, q, 2));
    add_label(p, h, q, 2);
    t->e = q;
    return 1;
}

static const char *const phase_words[] = {
    "phase", "stage", "milestone", "step", "sprint", "iteration", "part", "release", "objective",
    "goal", "epic", "feature", "etape", "fase", "etapa", "meilenstein", "schritt", "jalon", "hito",
    "teil", "parte", "partie", "objectif", "ziel", "objetivo", NULL
};

/* "Phase 2: Payments" -> "Payments" (also "Milestone 3", "Epic 4", ...),
 * so an id does not change when phases are renumbered; "Phase 2" alone is
 * kept. */
static const char *without_phase(apr_pool_t *p, pl_plan_head_t *h, const char *title)
{
    const char *space = strchr(title, ' '), *const *w;
    span_t rest;

    if (!space)
        return title;
    for (w = phase_words; *w; w++)
        if (strcmp(pl_plan_fold(p, title, space - title, ' '), *w) == 0)
            break;
    if (!*w)
        return title;
    rest.s = space + 1;
    rest.e = title + strlen(title);
    trim(&rest);
    while (rest.s < rest.e && ((*rest.s >= '0' && *rest.s <= '9') || *rest.s == '.'
                               || (*rest.s >= 'A' && *rest.s <= 'Z' && rest.s + 1 < rest.e
                                   && !((rest.s[1] | 0x20) >= 'a' && (rest.s[1] | 0x20) <= 'z'))))
        rest.s++;
    if (rest.s == space + 1)
        return title;
    h->numbered = 1;
    trim_separators(&rest);
    return rest.s < rest.e ? apr_pstrmemdup(p, rest.s, rest.e - rest.s) : title;
}

/* Real headings carry a few marks; the bound keeps a heading of a million
 * emoji from costing a scan of itself per mark. */
#define MAX_PEELS 16

void pl_plan_head_parse(apr_pool_t *p, const char *text, pl_plan_head_t *h)
{
    span_t t = { text, text + strlen(text) };
    int taken = 1, peels = 0;

    memset(h, 0, sizeof(*h));
    h->labels = apr_array_make(p, 2, sizeof(const char *));
    while (taken && peels++ < MAX_PEELS) {
        trim(&t);
        if (t.s >= t.e)
            break;
        taken = take_mark_front(p, h, &t) || take_group_front(p, h, &t) || take_number(h, &t)
             || take_id_front(p, h, &t) || take_mark_back(p, h, &t)
             || take_group_back(p, h, &t) || take_priority_tail(p, h, &t)
             || take_status_tail(p, h, &t);
        if (taken)
            trim_separators(&t);
    }
    h->title = t.s < t.e ? apr_pstrmemdup(p, t.s, t.e - t.s) : NULL;
    if (!h->title) {
        /* Nothing but marks: keep the id, else the text as written. */
        span_t all = { text, text + strlen(text) };
        trim(&all);
        h->title = h->id ? h->id : apr_pstrmemdup(p, all.s, all.e - all.s);
    }
    h->slug_text = without_phase(p, h, h->title);
}

void pl_plan_head_label(apr_pool_t *p, pl_plan_head_t *h, pl_plan_key_e key,
                        const char *line, const char *value)
{
    const char *status;
    int level;

    switch (key) {
    case PL_KEY_STATUS:
        if ((status = pl_plan_status_word(p, value)))
            h->status = status;
        break;
    case PL_KEY_PRIORITY:
    case PL_KEY_LEVEL:
        if ((level = pl_plan_priority_level(p, value))
            || (level = pl_plan_priority_level(p, apr_pstrcat(p, "priority ", value, NULL)))) {
            h->level = level;
            h->priority = value;
        }
        break;
    default:
        return;
    }
    APR_ARRAY_PUSH(h->labels, const char *) = line;
}
