/* SPDX-License-Identifier: Apache-2.0 */
/* One heading (or one objective written as a list item, or a task),
 * flattened to plain text by the walk, taken apart: "## [x] 1.2 AUTH-001:
 * Login ✅ (P1, WIP)" is the title "Login", the id AUTH-001, the status
 * done, the level primary and the label "P1" (a claim is no label). The
 * marks are peeled from both ends until nothing more comes off; what is
 * left is the title. Everything the plan claims (marks, status words,
 * percentages, struck-through text) comes off into the claim, so no claim
 * word stays in a title or a task. "Phase 1 -- AUTH-01: Sign-in" is the
 * phase "Phase 1" and the objective AUTH-01 "Sign-in". The claims come off
 * with pl_plan_claim.c. */
#include "plan/pl_plan_span.h"

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
        if (pl_plan_id_token(piece) == strlen(piece) && !id && !h->item)
            id = piece;
        else if (pl_plan_status_word(p, piece) || pl_plan_priority_level(p, piece)
                 || pl_plan_percent(piece, strlen(piece)) >= 0 || pl_plan_percent_words(p, piece) >= 0
                 || pl_plan_issue_ref_len(piece) == strlen(piece))
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
        int level = pl_plan_priority_level(p, label), percent;
        if (pl_plan_issue_ref_len(label) == strlen(label)) {
            if (!h->issue_ref)
                h->issue_ref = label;
            continue;
        }
        if ((percent = pl_plan_percent(label, strlen(label))) >= 0
            || (percent = pl_plan_percent_words(p, label)) >= 0)
            set_percent(h, percent);
        else if (level) {
            set_level(p, h, level, label);
            APR_ARRAY_PUSH(h->labels, const char *) = label;
        }
        else if ((status = pl_plan_status_word(p, label)))
            set_word_status(h, status);
    }
    return 1;
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

/* "P1: Login", "P0 Login". */
static int take_priority_front(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    if (t->e - t->s < 4 || t->s[0] != 'P' || !is_digit(t->s[1])
        || !(is_space(t->s[2]) || t->s[2] == ':'))
        return 0;
    set_level(p, h, pl_plan_priority_level(p, apr_pstrmemdup(p, t->s, 2)),
              apr_pstrmemdup(p, t->s, 2));
    add_label(p, h, t->s, 2);
    t->s += 2;
    return 1;
}

/* "Sign-in -- AUTH-01": an id after a separator at the end. */
static int take_id_back(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    const char *q = t->e;
    apr_size_t n;
    span_t before;

    if (h->id || h->item)
        return 0;
    while (q > t->s && !is_space(q[-1]))
        q--;
    if (q == t->s || (n = pl_plan_id_token(q)) != (apr_size_t)(t->e - q))
        return 0;
    before.s = t->s;
    before.e = q;
    trim(&before);
    if (before.e <= before.s || !(strchr(":-|", before.e[-1]) || (unsigned char)before.e[-1] == 0x94
                                  || (unsigned char)before.e[-1] == 0x93))
        return 0;
    h->id = apr_pstrmemdup(p, q, n);
    t->e = q;
    return 1;
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

/* A phase prefix at s: "Phase 1", "Milestone 3", "Epic:", "Release
 * 2.0", "Sprint 4", "Q3 2025", "2025-Q3", "H2", "v1.2", "M1". Its length
 * (up to the separator or the end), *kind its kind, or 0. A container word
 * followed by other words ("Release notes", "Group chat") is no prefix. */
static apr_size_t phase_prefix(apr_pool_t *p, const char *s, const char *e, const char **kind)
{
    const char *q = s, *w;
    int quarter = 0;

    while (q < e && is_word_char(*q) && !is_digit(*q))
        q++;
    if (q > s && q - s <= 16 && (*kind = pl_plan_container_kind(pl_plan_fold(p, s, q - s, ' ')))) {
        const char *word_end = q;
        while (q < e && is_space(*q))
            q++;
        w = q;
        if (q < e && (*q == 'v' || *q == 'V' || *q == 'M' || *q == '#') && q + 1 < e
            && is_digit(q[1]))
            q++;
        while (q < e && (is_digit(*q) || (*q == '.' && q + 1 < e && is_digit(q[1]))))
            q++;
        if (q == w) {
            /* a roman numeral or one capital: "Phase II", "Group A" */
            while (q < e && strchr("IVX", *q))
                q++;
            if (q == w && q < e && *q >= 'A' && *q <= 'Z')
                q++;
            if (q < e && is_word_char(*q))
                q = w;
        }
        if (q == w) {
            /* no number: "Epic: Accounts", "Milestone -- Beta" */
            q = word_end;
            while (q < e && is_space(*q))
                q++;
            if (q < e && (*q == ':' || *q == '|' || (unsigned char)*q == 0xE2))
                return word_end - s;
            return 0;
        }
        /* "Q3 2025" after "Quarter"? no: the number ends it */
        w = q;
        while (q < e && is_space(*q))
            q++;
        if (q == e || strchr(":-|.(", *q) || (unsigned char)*q == 0xE2)
            return w - s;
        return 0;
    }
    /* quarters and halves: "Q3", "Q3 2025", "2025 Q3", "2025-Q3", "H2 2025" */
    q = s;
    if (e - q >= 4 && is_digit(q[0]) && is_digit(q[1]) && is_digit(q[2]) && is_digit(q[3])
        && e - q >= 7 && (q[4] == ' ' || q[4] == '-' || q[4] == '/'))
        q += 5;
    if (e - q >= 2 && (*q == 'Q' || *q == 'H') && q[1] >= '1' && q[1] <= (*q == 'Q' ? '4' : '2')
        && (e - q == 2 || !is_word_char(q[2]))) {
        quarter = 1;
        q += 2;
        if (q == s + 2 && e - q >= 5 && (*q == ' ' || *q == '/' || *q == '-') && is_digit(q[1])
            && is_digit(q[2]) && is_digit(q[3]) && is_digit(q[4]) && (e - q == 5 || !is_word_char(q[5])))
            q += 5;
    }
    else if (q == s && e - q >= 2 && (*q == 'v' || *q == 'V' || *q == 'M') && is_digit(q[1])) {
        for (q++; q < e && (is_digit(*q) || (*q == '.' && q + 1 < e && is_digit(q[1]))); q++)
            ;
        if (q < e && is_word_char(*q))
            return 0;
        *kind = *s == 'M' ? "milestone" : "release";
    }
    else
        return 0;
    if (quarter)
        *kind = "quarter";
    w = q;
    while (q < e && is_space(*q))
        q++;
    if (q == e || strchr(":-|.(", *q) || (unsigned char)*q == 0xE2)
        return w - s;
    return 0;
}

/* "Story US-1: As a visitor ...", "Feature F-2 -- Export": a word that
 * says what the objective is, then its id. */
static void story_id(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    static const char *const words[] = {
        "story", "user story", "feature", "objective", "goal", "requirement", "req", "item",
        "ticket", "issue", "task", "epic story", "objectif", "ziel", "objetivo", "historia",
        "exigence", "anforderung", "requisito", NULL
    };
    const char *q = t->s, *const *w;
    span_t rest;

    while (q < t->e && !is_digit(*q) && !(*q >= 'A' && *q <= 'Z' && q > t->s && is_space(q[-1])))
        q++;
    if (q >= t->e || q == t->s || !pl_plan_id_token(q))
        return;
    for (w = words; *w; w++)
        if (strcmp(pl_plan_fold(p, t->s, q - t->s, ' '), *w) == 0)
            break;
    if (!*w)
        return;
    rest.s = q;
    rest.e = t->e;
    if (take_id_front(p, h, &rest)) {
        trim_separators(&rest);
        if (rest.s < rest.e)
            *t = rest;
    }
}

/* Real headings carry a few marks; the bound keeps a heading of a million
 * emoji from costing a scan of itself per mark. */
#define MAX_PEELS 16

static void peel(apr_pool_t *p, pl_plan_head_t *h, span_t *t)
{
    int taken = 1, peels = 0;

    while (taken && peels++ < MAX_PEELS) {
        trim(t);
        if (t->s >= t->e)
            break;
        taken = pl_plan_take_strike(p, h, t) || pl_plan_take_mark_front(p, h, t) || take_group_front(p, h, t)
             || take_number(h, t) || (!h->item && take_id_front(p, h, t))
             || pl_plan_take_issue_front(p, h, t) || take_priority_front(p, h, t)
             || pl_plan_take_status_front(p, h, t)
             || pl_plan_take_mark_back(p, h, t) || take_group_back(p, h, t)
             || pl_plan_take_percent_back(p, h, t) || pl_plan_take_issue_back(p, h, t)
             || take_priority_tail(p, h, t) || pl_plan_take_status_tail(p, h, t)
             || pl_plan_take_status_caps(p, h, t) || take_id_back(p, h, t);
        if (taken)
            trim_separators(t);
    }
}

static void parse(apr_pool_t *p, const char *text, pl_plan_head_t *h, int item)
{
    span_t t = { text, text + strlen(text) };
    apr_size_t n;

    memset(h, 0, sizeof(*h));
    h->labels = apr_array_make(p, 2, sizeof(const char *));
    h->percent = -1;
    h->item = item;
    peel(p, h, &t);
    if (!item && !h->id && t.s < t.e)
        story_id(p, h, &t);
    if (!item && t.s < t.e && (n = phase_prefix(p, t.s, t.e, &h->phase_kind))) {
        span_t rest = { t.s + n, t.e };
        h->phase = apr_pstrmemdup(p, t.s, n);
        h->full_title = apr_pstrmemdup(p, t.s, t.e - t.s);
        h->numbered = 1;
        trim_separators(&rest);
        if (rest.s < rest.e) {
            peel(p, h, &rest);
            if (h->id && rest.s < rest.e)
                t = rest;
        }
    }
    else if (!item && h->id) {
        /* "EPIC-3: Sharing", "MS-2 -- Beta": the id names a container */
        const char *dash = strchr(h->id, '-');
        const char *kind = pl_plan_container_kind(pl_plan_fold(p, h->id, dash - h->id, ' '));
        if (kind) {
            h->phase = h->id;
            h->phase_kind = kind;
            h->full_title = t.s < t.e ? apr_pstrcat(p, h->id, ": ",
                                                    apr_pstrmemdup(p, t.s, t.e - t.s), NULL)
                                      : h->id;
        }
    }
    h->title = t.s < t.e ? apr_pstrmemdup(p, t.s, t.e - t.s) : NULL;
    if (!h->title) {
        /* Nothing but marks: keep the id, else the text as written. */
        span_t all = { text, text + strlen(text) };
        trim(&all);
        h->title = h->id ? h->id : apr_pstrmemdup(p, all.s, all.e - all.s);
    }
    if (!h->full_title)
        h->full_title = h->title;
    h->slug_text = item ? h->title : without_phase(p, h, h->title);
    if (h->percent >= 0 && !h->status)
        h->status = pl_plan_percent_status(h->percent);
}

void pl_plan_head_parse(apr_pool_t *p, const char *text, pl_plan_head_t *h)
{
    parse(p, text, h, 0);
}

void pl_plan_item_parse(apr_pool_t *p, const char *text, pl_plan_head_t *h)
{
    parse(p, text, h, 1);
}

apr_size_t pl_plan_outline(const char *s, int *depth)
{
    apr_size_t n = 0;
    int parts = 0;

    for (;;) {
        apr_size_t d = 0;
        while (is_digit(s[n + d]) && d < 4)
            d++;
        if (!d || is_digit(s[n + d]))
            return 0;
        n += d;
        parts++;
        if (s[n] != '.' || !is_digit(s[n + 1]))
            break;
        n++;
    }
    if (s[n] == '.' || s[n] == ')')
        n++;
    if (parts < 2 || s[n] != ' ')
        return 0;
    while (s[n] == ' ')
        n++;
    *depth = parts;
    return s[n] ? n : 0;
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
        else if ((level = pl_plan_percent(value, strlen(value))) >= 0) {
            h->percent = level;
            h->status = pl_plan_percent_status(level);
        }
        break;
    case PL_KEY_PROGRESS:
        if ((level = pl_plan_percent(value, strlen(value))) < 0
            && (level = pl_plan_percent_words(p, value)) < 0)
            return;
        h->percent = level;
        if (!h->status || level == 100)
            h->status = pl_plan_percent_status(level);
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
    if (key == PL_KEY_PRIORITY || key == PL_KEY_LEVEL)
        APR_ARRAY_PUSH(h->labels, const char *) = line;   /* a claim is no label */
}
