/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for .gitignore rules (pl_ignore): the files come with a
 * project's checkout, from whoever pushed it, and every path of a walk is
 * matched against them, so matching must stay fast whatever the patterns
 * (a dozen "**" components against a path sixty deep) and never read past
 * a buffer. Input: "root rules\0rules of d/e\0path\0path...".
 *
 * Each path (and d/e/path) is matched as a file and as a directory, and
 * the answers are checked four ways: against a matcher written here from
 * gitignore(5), pattern component by path component, when the patterns have
 * no '[' or '\' (which fnmatch reads across components); the root rules
 * added twice answer as once; rules pushed after a mark and popped leave no
 * trace; the root rules read as the rules of d/e answer for d/e/path what
 * they answered for path. t/fuzz/ignore.t seeds it and gives it a short
 * time-out per input. */
#include <fnmatch.h>
#include <string.h>

#include <apr_strings.h>

#include "fuzz.h"
#include "code/pl_ignore.h"

#define BASE "d/e"
#define MAX_COMPONENTS 16
#define MAX_PARTS 64

/* One rule as gitignore(5) reads a line. */
typedef struct {
    const char *base;
    char *comps[MAX_PARTS];   /* the pattern's components, anchored ones only */
    int ncomps;
    const char *pattern;      /* the whole pattern, unanchored ones */
    int negate, dir_only, anchored;
} ref_rule_t;

typedef struct {
    ref_rule_t *rules;
    int n, cap;
    int usable;               /* 0 when a pattern is outside what this matcher reads */
} ref_t;

static void ref_add(apr_pool_t *p, ref_t *ref, const char *base, const char *text, size_t len)
{
    const char *end = text + len, *line = text;

    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        line += 3;
    for (; line < end; line++) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = (size_t)((nl ? nl : end) - line);
        ref_rule_t r;
        char *pat, *c;

        memset(&r, 0, sizeof(r));
        pat = apr_pstrmemdup(p, line, n);
        line += n;
        if (n && pat[n - 1] == '\r')
            pat[--n] = '\0';
        if (strpbrk(pat, "[\\")) {
            ref->usable = 0;
            continue;
        }
        while (n && pat[n - 1] == ' ')
            pat[--n] = '\0';
        if (!n || pat[0] == '#')
            continue;
        if (pat[0] == '!')
            r.negate = 1, pat++, n--;
        if (n && pat[n - 1] == '/')
            r.dir_only = 1, pat[--n] = '\0';
        if (n && pat[0] == '/')
            r.anchored = 1, pat++, n--;
        if (!n)
            continue;
        r.anchored |= strchr(pat, '/') != NULL;
        r.base = base;
        r.pattern = pat;
        if (r.anchored) {
            for (c = pat;; c++) {
                char *slash = strchr(c, '/');
                if (r.ncomps == MAX_PARTS) {
                    ref->usable = 0;
                    break;
                }
                r.comps[r.ncomps++] = c;
                if (!slash)
                    break;
                *slash = '\0';
                c = slash;
            }
        }
        if (ref->n == ref->cap) {
            ref_rule_t *bigger = apr_palloc(p, sizeof(*bigger) * (size_t)(ref->cap = 2 * ref->cap + 8));
            if (ref->n)
                memcpy(bigger, ref->rules, sizeof(*bigger) * (size_t)ref->n);
            ref->rules = bigger;
        }
        ref->rules[ref->n++] = r;
    }
}

/* Pattern components from k on against path components from s on. "**"
 * first or in the middle matches any number of components, "**" last one or
 * more; memo: 0 unknown, 1 no, 2 yes. */
static int comps_match(const ref_rule_t *r, int k, char **path, int s, int ns,
                       signed char memo[MAX_PARTS + 1][MAX_COMPONENTS + 1])
{
    int m = 0, t;

    if (memo[k][s])
        return memo[k][s] == 2;
    if (k == r->ncomps)
        m = s == ns;
    else if (!strcmp(r->comps[k], "**")) {
        if (k == r->ncomps - 1 && k > 0)
            m = ns - s >= 1;
        else
            for (t = s; t <= ns && !m; t++)
                m = comps_match(r, k + 1, path, t, ns, memo);
    }
    else
        m = s < ns && fnmatch(r->comps[k], path[s], FNM_PATHNAME) == 0
            && comps_match(r, k + 1, path, s + 1, ns, memo);
    memo[k][s] = m ? 2 : 1;
    return m;
}

/* -1 when the path is too deep for this matcher, else 1 or 0 as git. */
static int ref_match(apr_pool_t *p, const ref_t *ref, const char *path, int is_dir)
{
    char *comps[MAX_COMPONENTS], *copy;
    int ns = 0, i;
    const char *name = strrchr(path, '/');

    name = name ? name + 1 : path;
    for (i = ref->n - 1; i >= 0; i--) {
        const ref_rule_t *r = &ref->rules[i];
        size_t blen = strlen(r->base);
        const char *rel = path;
        signed char memo[MAX_PARTS + 1][MAX_COMPONENTS + 1];
        char *c;

        if (r->dir_only && !is_dir)
            continue;
        if (blen) {
            if (strncmp(path, r->base, blen) || path[blen] != '/')
                continue;
            rel = path + blen + 1;
        }
        if (!r->anchored) {
            if (fnmatch(r->pattern, name, FNM_PATHNAME) == 0)
                return !r->negate;
            continue;
        }
        copy = apr_pstrdup(p, rel);
        for (ns = 0, c = copy;; c++) {
            char *slash = strchr(c, '/');
            if (ns == MAX_COMPONENTS)
                return -1;
            comps[ns++] = c;
            if (!slash)
                break;
            *slash = '\0';
            c = slash;
        }
        memset(memo, 0, sizeof(memo));
        if (comps_match(r, 0, comps, 0, ns, memo))
            return !r->negate;
    }
    return 0;
}

/* Relative, '/' separated, no empty component: what a walk hands over. */
static int path_ok(const char *s)
{
    size_t n = strlen(s);

    return n && s[0] != '/' && s[n - 1] != '/' && !strstr(s, "//");
}

/* A rules file in a block of its own size, with no NUL after it. */
static int add(apr_pool_t *p, pl_ignore_t *ign, const char *base, const char *text, size_t len)
{
    return pl_ignore_add(ign, base, fuzz_copy(p, text, len, 0), len);
}

static int match(apr_pool_t *p, const pl_ignore_t *ign, const char *path, int is_dir)
{
    int m = pl_ignore_match(ign, fuzz_copy(p, path, strlen(path), 1), is_dir);

    require(m == 0 || m == 1);
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *s = (const char *)data, *end = s + size;
    const char *root_text, *base_text;
    size_t root_len, base_len;
    pl_ignore_t *one, *twice, *pushed, *moved;
    ref_t ref = { NULL, 0, 0, 1 }, ref_pushed = { NULL, 0, 0, 1 };
    apr_array_header_t *paths = apr_array_make(p, 8, sizeof(const char *));
    int mark, is_dir, i, added;

    root_text = s;
    root_len = strnlen(s, (size_t)(end - s));
    s += root_len + (s + root_len < end);
    base_text = s;
    base_len = strnlen(s, (size_t)(end - s));
    s += base_len + (s + base_len < end);
    while (s < end) {
        const char *path = apr_pstrmemdup(p, s, strnlen(s, (size_t)(end - s)));
        s += strlen(path) + 1;
        if (path_ok(path))
            APR_ARRAY_PUSH(paths, const char *) = path;
    }

    one = pl_ignore_create(p);
    twice = pl_ignore_create(p);
    pushed = pl_ignore_create(p);
    moved = pl_ignore_create(p);
    added = add(p, one, "", root_text, root_len);
    require(added >= 0 && add(p, twice, "", root_text, root_len) == added);
    require(add(p, twice, "", root_text, root_len) == added);
    require(add(p, pushed, "", root_text, root_len) == added);
    mark = pl_ignore_mark(pushed);
    require(mark == added);
    added = add(p, pushed, BASE, base_text, base_len);
    require(pl_ignore_mark(pushed) == mark + added);
    require(add(p, moved, BASE, root_text, root_len) == mark);
    ref_add(p, &ref, "", root_text, root_len);
    ref_add(p, &ref_pushed, "", root_text, root_len);
    ref_add(p, &ref_pushed, BASE, base_text, base_len);
    require(!ref.usable || ref.n == mark);

    for (i = 0; i < paths->nelts; i++) {
        const char *path = APR_ARRAY_IDX(paths, i, const char *);
        const char *deeper = apr_pstrcat(p, BASE "/", path, NULL);

        for (is_dir = 0; is_dir < 2; is_dir++) {
            int m = match(p, one, path, is_dir), want;

            require(match(p, twice, path, is_dir) == m);
            require(match(p, moved, deeper, is_dir) == m);
            if (ref.usable && (want = ref_match(p, &ref, path, is_dir)) >= 0)
                require(m == want);
            m = match(p, pushed, deeper, is_dir);
            if (ref_pushed.usable && (want = ref_match(p, &ref_pushed, deeper, is_dir)) >= 0)
                require(m == want);
        }
    }
    /* popping the rules of d/e leaves the root's as they were */
    pl_ignore_pop(pushed, mark);
    require(pl_ignore_mark(pushed) == mark);
    for (i = 0; i < paths->nelts; i++) {
        const char *path = APR_ARRAY_IDX(paths, i, const char *);
        const char *deeper = apr_pstrcat(p, BASE "/", path, NULL);

        for (is_dir = 0; is_dir < 2; is_dir++) {
            require(match(p, pushed, path, is_dir) == match(p, one, path, is_dir));
            require(match(p, pushed, deeper, is_dir) == match(p, one, deeper, is_dir));
        }
    }
    apr_pool_destroy(p);
    return 0;
}
