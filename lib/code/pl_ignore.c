/* SPDX-License-Identifier: Apache-2.0 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "code/pl_ignore.h"

/* A pattern is kept split at its "**" components: an optional leading
 * "**" then parts joined by "**" then an optional trailing "**". Each part
 * is a plain fnmatch pattern whose component count is fixed (FNM_PATHNAME
 * keeps '*' and '?' within a component), so a part is tried once at each
 * candidate start instead of at every length. */
typedef struct {
    const char *base;           /* directory of the ignore file, "" at the root */
    apr_size_t base_len;
    const char **parts;
    int *part_slashes;
    int nparts;
    unsigned negate : 1, dir_only : 1, anchored : 1, lead : 1, trail : 1;
} rule_t;

struct pl_ignore_t {
    apr_pool_t *p;
    apr_array_header_t *rules;  /* rule_t */
};

pl_ignore_t *pl_ignore_create(apr_pool_t *p)
{
    pl_ignore_t *ign = apr_palloc(p, sizeof(*ign));

    ign->p = p;
    ign->rules = apr_array_make(p, 16, sizeof(rule_t));
    return ign;
}

int pl_ignore_mark(const pl_ignore_t *ign)
{
    return ign->rules->nelts;
}

void pl_ignore_pop(pl_ignore_t *ign, int mark)
{
    if (mark >= 0 && mark <= ign->rules->nelts)
        ign->rules->nelts = mark;
}

static int count_slashes(const char *s)
{
    int n = 0;

    for (; *s; s++)
        if (*s == '/')
            n++;
    return n;
}

/* Splits pat (modified in place) at components that are exactly "**". */
static void split_parts(apr_pool_t *p, rule_t *r, char *pat)
{
    apr_array_header_t *parts = apr_array_make(p, 2, sizeof(const char *));
    char *comp = pat, *seg = pat;
    int i;

    if (strcmp(pat, "**") == 0) {
        r->lead = r->trail = 1;
        r->nparts = 0;
        return;
    }
    for (;;) {
        char *slash = strchr(comp, '/');
        apr_size_t clen = slash ? (apr_size_t)(slash - comp) : strlen(comp);

        if (clen == 2 && comp[0] == '*' && comp[1] == '*') {
            if (comp == pat)
                r->lead = 1;
            else if (!slash)
                r->trail = 1;
            if (comp > seg) {
                comp[-1] = '\0';            /* ends the part before it */
                APR_ARRAY_PUSH(parts, const char *) = seg;
            }
            seg = slash ? slash + 1 : comp + clen;
        }
        if (!slash)
            break;
        comp = slash + 1;
    }
    /* A '/' after the last "**" (the line ended in two, one went to
     * dir_only) leaves an empty last part, which no component matches:
     * git ignores nothing with such a line. */
    if (*seg || seg[-1] == '/')
        APR_ARRAY_PUSH(parts, const char *) = seg;
    r->nparts = parts->nelts;
    r->parts = (const char **)parts->elts;
    r->part_slashes = apr_palloc(p, sizeof(int) * (parts->nelts ? parts->nelts : 1));
    for (i = 0; i < parts->nelts; i++)
        r->part_slashes[i] = count_slashes(r->parts[i]);
}

/* One line of an ignore file into a rule; 0 for blanks and comments. */
static int parse_line(apr_pool_t *p, const char *line, apr_size_t len, const char *base,
                      rule_t *r)
{
    char *pat;
    apr_size_t n = len;

    memset(r, 0, sizeof(*r));
    if (n && line[n - 1] == '\r')
        n--;
    /* Trailing spaces go unless escaped with a backslash. */
    while (n && line[n - 1] == ' ' && !(n >= 2 && line[n - 2] == '\\'))
        n--;
    if (n == 0 || line[0] == '#')
        return 0;
    if (line[0] == '!') {
        r->negate = 1;
        line++;
        n--;
    }
    if (n && line[n - 1] == '/') {
        r->dir_only = 1;
        n--;
    }
    if (n && line[0] == '/') {
        r->anchored = 1;
        line++;
        n--;
    }
    if (n == 0)
        return 0;
    pat = apr_pstrmemdup(p, line, n);
    if (memchr(pat, '/', n))
        r->anchored = 1;
    r->base = base;
    r->base_len = strlen(base);
    if (r->anchored)
        split_parts(p, r, pat);
    else {
        r->parts = apr_palloc(p, sizeof(const char *));
        r->parts[0] = pat;
        r->nparts = 1;
    }
    return 1;
}

int pl_ignore_add(pl_ignore_t *ign, const char *base, const char *text, apr_size_t len)
{
    const char *end = text + len, *line = text;
    const char *base_copy = apr_pstrdup(ign->p, base);
    int added = 0;

    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        line += 3;
    while (line < end) {
        const char *nl = memchr(line, '\n', (apr_size_t)(end - line));
        apr_size_t n = nl ? (apr_size_t)(nl - line) : (apr_size_t)(end - line);
        rule_t r;

        if (parse_line(ign->p, line, n, base_copy, &r)) {
            APR_ARRAY_PUSH(ign->rules, rule_t) = r;
            added++;
        }
        line += n + 1;
    }
    return added;
}

/* The end of the component count-th '/' from s, or NULL when s has fewer
 * components than that. */
static char *skip_components(char *s, int slashes)
{
    char *e = s;

    for (;;) {
        e = strchr(e, '/');
        if (slashes-- == 0)
            return e ? e : s + strlen(s);
        if (!e)
            return NULL;
        e++;
    }
}

/* Part k (and the ones after it) against s, which starts at a component;
 * floating: part k may start at any later component too (a "**" before it).
 * s is the caller's scratch copy: a NUL is put in and taken out again.
 * The first place where a part that is not the last matches is the only
 * one tried: a "**" follows it, so the parts after it can start anywhere
 * from its end on, and an earlier end leaves them every start a later one
 * would. Trying every place instead took hours for a dozen "**" against a
 * path sixty components deep (found by t/fuzz/fuzz_ignore.c). */
static int match_from(const rule_t *r, int k, char *s, int floating)
{
    int last = k == r->nparts - 1;

    for (;;) {
        char *e = skip_components(s, r->part_slashes[k]);

        if (e && (!last || (r->trail ? *e == '/' && e[1] : *e == '\0'))) {
            char saved = *e;
            int m;

            *e = '\0';
            m = fnmatch(r->parts[k], s, FNM_PATHNAME) == 0;
            *e = saved;
            if (m && last)
                return 1;
            if (m && *e == '/')
                return match_from(r, k + 1, e + 1, 1);
        }
        if (!floating || !(s = strchr(s, '/')))
            return 0;
        s++;
    }
}

static int rule_matches(const rule_t *r, const char *path, const char *name, char *scratch,
                        apr_size_t path_len, int is_dir)
{
    const char *rel = path;

    if (r->dir_only && !is_dir)
        return 0;
    if (r->base_len) {
        if (path_len <= r->base_len || path[r->base_len] != '/'
            || memcmp(path, r->base, r->base_len) != 0)
            return 0;
        rel = path + r->base_len + 1;
    }
    if (!r->anchored)
        return fnmatch(r->parts[0], name, FNM_PATHNAME) == 0;
    if (r->nparts == 0)
        return 1;
    memcpy(scratch, rel, path_len - (apr_size_t)(rel - path) + 1);
    return match_from(r, 0, scratch, r->lead);
}

int pl_ignore_match(const pl_ignore_t *ign, const char *path, int is_dir)
{
    const rule_t *rules = (const rule_t *)ign->rules->elts;
    apr_size_t len = strlen(path);
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    char stack[512], *scratch = len < sizeof(stack) ? stack : malloc(len + 1);
    int i, ignored = 0;

    if (!scratch)
        return 0;
    /* The last rule that matches decides; deeper files were pushed later. */
    for (i = ign->rules->nelts - 1; i >= 0; i--) {
        if (rule_matches(&rules[i], path, name, scratch, len, is_dir)) {
            ignored = !rules[i].negate;
            break;
        }
    }
    if (scratch != stack)
        free(scratch);
    return ignored;
}
