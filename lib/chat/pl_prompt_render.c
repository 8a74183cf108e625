/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "chat/pl_prompt_render.h"
#include "core/pl_jsonw.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

static const char *const BUILTINS[] = {
    "date", "datetime", "user", "project.name", "project.description", NULL
};

/* One stretch of the output: literal text, or the placeholder name (text
 * NULL) and the placeholder as written. */
typedef struct {
    const char *text;
    apr_size_t len;
    const char *name;
    const char *raw;
    apr_size_t raw_len;
} segment_t;

static int name_char(char c)
{
    return apr_isalnum(c) || c == '_' || c == '-' || c == '.';
}

int pl_prompt_name_valid(const char *name)
{
    const char *s = name;

    if (!name || !*name || strlen(name) > PL_PROMPT_NAME_MAX)
        return 0;
    while (*s) {
        /* a segment: a letter or '_', then letters, digits, '_' or '-' */
        if (!apr_isalpha(*s) && *s != '_')
            return 0;
        for (s++; apr_isalnum(*s) || *s == '_' || *s == '-'; s++)
            ;
        if (*s == '.' && s[1])
            s++;
        else if (*s)
            return 0;
    }
    return 1;
}

static apr_status_t malformed(apr_pool_t *p, const char *tmpl, const char *at, const char **why)
{
    *why = apr_psprintf(p, "has a malformed placeholder at character %" APR_SIZE_T_FMT
                        ": write {{name}}, or {{{{ for a literal {{",
                        pl_text_utf8_chars(apr_pstrmemdup(p, tmpl, (apr_size_t)(at - tmpl))) + 1);
    return PL_EINVAL;
}

/* tmpl cut into literal text and placeholders, in order. */
static apr_status_t scan(apr_pool_t *p, const char *tmpl, apr_array_header_t **segments,
                         const char **why)
{
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(segment_t));
    const char *s = tmpl, *open;
    segment_t *seg;

    while ((open = strstr(s, "{{"))) {
        const char *q, *name, *end;

        if (open > s) {
            seg = apr_array_push(out);
            seg->text = s;
            seg->len = (apr_size_t)(open - s);
            seg->name = NULL;
        }
        seg = apr_array_push(out);
        seg->text = open;
        seg->len = 2;
        seg->name = NULL;
        if (open[2] == '{' && open[3] == '{') {   /* "{{{{": a literal "{{" */
            s = open + 4;
            continue;
        }
        for (q = open + 2; *q == ' ' || *q == '\t'; q++)
            ;
        for (name = q; name_char(*q); q++)
            ;
        end = q;
        while (*q == ' ' || *q == '\t')
            q++;
        if (end == name || q[0] != '}' || q[1] != '}')
            return malformed(p, tmpl, open, why);
        seg->name = apr_pstrmemdup(p, name, (apr_size_t)(end - name));
        seg->text = NULL;
        seg->len = 0;
        seg->raw = open;
        seg->raw_len = (apr_size_t)(q + 2 - open);
        if (!pl_prompt_name_valid(seg->name))
            return malformed(p, tmpl, open, why);
        s = q + 2;
    }
    if (*s) {
        seg = apr_array_push(out);
        seg->text = s;
        seg->len = strlen(s);
        seg->name = NULL;
    }
    *segments = out;
    return APR_SUCCESS;
}

/* Adds name to names unless seen holds it already. */
static void add_once(apr_array_header_t *names, apr_hash_t *seen, const char *name)
{
    if (apr_hash_get(seen, name, APR_HASH_KEY_STRING))
        return;
    apr_hash_set(seen, name, APR_HASH_KEY_STRING, name);
    APR_ARRAY_PUSH(names, const char *) = name;
}

apr_status_t pl_prompt_parse(apr_pool_t *p, const char *tmpl, apr_array_header_t **names,
                             const char **why)
{
    apr_array_header_t *segments;
    apr_hash_t *seen = apr_hash_make(p);
    apr_status_t rv;
    int i;

    *names = apr_array_make(p, 4, sizeof(const char *));
    if ((rv = scan(p, tmpl, &segments, why)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < segments->nelts; i++) {
        const segment_t *seg = &APR_ARRAY_IDX(segments, i, segment_t);
        if (seg->name)
            add_once(*names, seen, seg->name);
    }
    return APR_SUCCESS;
}

apr_status_t pl_prompt_render(apr_pool_t *p, const char *tmpl, apr_hash_t *values, apr_size_t max,
                              const char **out, apr_array_header_t **missing, const char **why)
{
    apr_array_header_t *segments;
    apr_hash_t *seen = apr_hash_make(p);
    apr_size_t total = 0;
    apr_status_t rv;
    char *text, *at;
    int i;

    *missing = apr_array_make(p, 2, sizeof(const char *));
    if ((rv = scan(p, tmpl, &segments, why)) != APR_SUCCESS)
        return rv;
    /* First the values and the length, so the text is allocated once. */
    for (i = 0; i < segments->nelts; i++) {
        segment_t *seg = &APR_ARRAY_IDX(segments, i, segment_t);
        if (seg->name) {
            seg->text = apr_hash_get(values, seg->name, APR_HASH_KEY_STRING);
            if (!seg->text) {
                add_once(*missing, seen, seg->name);
                continue;
            }
            seg->len = strlen(seg->text);
        }
        total += seg->len;
        if (total > max) {
            *why = apr_psprintf(p, "would be longer than %" APR_SIZE_T_FMT " bytes", max);
            return PL_ETOOBIG;
        }
    }
    if ((*missing)->nelts) {
        *why = "uses variables that have no value";
        return PL_ENOTFOUND;
    }
    at = text = apr_palloc(p, total + 1);
    for (i = 0; i < segments->nelts; i++) {
        const segment_t *seg = &APR_ARRAY_IDX(segments, i, segment_t);
        memcpy(at, seg->text, seg->len);
        at += seg->len;
    }
    *at = '\0';
    *out = text;
    return APR_SUCCESS;
}

const char *pl_prompt_render_known(apr_pool_t *p, const char *tmpl, apr_hash_t *values)
{
    apr_array_header_t *segments, *parts;
    const char *why;
    int i;

    if (scan(p, tmpl, &segments, &why) != APR_SUCCESS)
        return tmpl;
    parts = apr_array_make(p, segments->nelts + 1, sizeof(const char *));
    for (i = 0; i < segments->nelts; i++) {
        const segment_t *seg = &APR_ARRAY_IDX(segments, i, segment_t);
        const char *v = seg->name ? apr_hash_get(values, seg->name, APR_HASH_KEY_STRING) : NULL;
        APR_ARRAY_PUSH(parts, const char *) = v ? v
            : seg->name ? apr_pstrmemdup(p, seg->raw, seg->raw_len)
            : apr_pstrmemdup(p, seg->text, seg->len);
    }
    return apr_array_pstrcat(p, parts, 0);
}

int pl_prompt_builtin(const char *name)
{
    const char *const *b;

    for (b = BUILTINS; *b; b++)
        if (!strcmp(*b, name))
            return 1;
    return 0;
}

void pl_prompt_builtins(apr_hash_t *values, apr_pool_t *p, apr_time_t now, const char *user,
                        const char *project_name, const char *project_description)
{
    apr_time_exp_t t;

    apr_time_exp_gmt(&t, now);
    apr_hash_set(values, "date", APR_HASH_KEY_STRING,
                 apr_psprintf(p, "%04d-%02d-%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday));
    apr_hash_set(values, "datetime", APR_HASH_KEY_STRING,
                 apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.tm_year + 1900, t.tm_mon + 1,
                              t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec));
    if (user)
        apr_hash_set(values, "user", APR_HASH_KEY_STRING, user);
    if (project_name) {
        apr_hash_set(values, "project.name", APR_HASH_KEY_STRING, project_name);
        apr_hash_set(values, "project.description", APR_HASH_KEY_STRING,
                     project_description ? project_description : "");
    }
}

const char *pl_prompt_missing_json(apr_pool_t *p, const apr_array_header_t *missing)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 256);
    int i;

    pl_jsonw_object(w, NULL);
    pl_jsonw_array(w, "missing");
    for (i = 0; i < missing->nelts; i++)
        pl_jsonw_str(w, NULL, APR_ARRAY_IDX(missing, i, const char *));
    pl_jsonw_end(w);
    pl_jsonw_end(w);
    return pl_jsonw_text(w, NULL);
}
