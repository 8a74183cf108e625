/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for prompt templates (pl_prompt_parse, pl_prompt_render,
 * pl_prompt_render_known):
 * a user writes the template and the values, and the text goes to a model.
 * Input: a mode byte, a size byte, then "template\0name\0value\0name\0...".
 * The mode may also give every name the template uses the value "{{name}}"
 * (or a long one), so that a value that looks like a placeholder is always
 * tried: it must come out as text, never expanded. Each verdict, the names
 * and the text are checked against a renderer written here from the header
 * alone; the text never passes the size limit. t/fuzz/prompt.t seeds it. */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "fuzz.h"
#include "chat/pl_prompt_render.h"
#include "core/pl_status.h"

static int alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int alnum(char c)
{
    return alpha(c) || (c >= '0' && c <= '9') || c == '-';
}

/* Dot-separated segments, each a letter or '_' then letters, digits, '_'
 * or '-'; 64 bytes at most. */
static int name_ok(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || n > PL_PROMPT_NAME_MAX)
        return 0;
    for (;;) {
        if (i >= n || !alpha(s[i]))
            return 0;
        for (i++; i < n && alnum(s[i]); i++)
            ;
        if (i == n)
            return 1;
        if (s[i] != '.')
            return 0;
        i++;
    }
}

typedef struct {
    apr_status_t rv;
    apr_array_header_t *names, *missing;   /* const char *, each once */
    char *out;
} rendered_t;

static void add_once(apr_array_header_t *list, const char *name)
{
    int i;

    for (i = 0; i < list->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(list, i, const char *), name))
            return;
    APR_ARRAY_PUSH(list, const char *) = name;
}

/* The header's rules, read one character at a time. */
static void reference(apr_pool_t *p, const char *t, apr_hash_t *values, apr_size_t max,
                      rendered_t *r)
{
    apr_size_t total = 0, at = 0;
    int pass;

    r->names = apr_array_make(p, 4, sizeof(const char *));
    r->missing = apr_array_make(p, 4, sizeof(const char *));
    r->out = NULL;
    /* pass 0 checks and measures, pass 1 writes */
    for (pass = 0; pass < 2; pass++) {
        const char *s = t;

        while (*s) {
            const char *name, *end, *value;

            if (strncmp(s, "{{", 2)) {
                if (pass)
                    r->out[at++] = *s;
                total += !pass;
                s++;
                continue;
            }
            if (!strncmp(s, "{{{{", 4)) {
                if (pass) {
                    memcpy(r->out + at, "{{", 2);
                    at += 2;
                }
                total += pass ? 0 : 2;
                s += 4;
                continue;
            }
            for (s += 2; *s == ' ' || *s == '\t'; s++)
                ;
            for (name = s; alnum(*s) || *s == '.'; s++)
                ;
            end = s;
            while (*s == ' ' || *s == '\t')
                s++;
            if (strncmp(s, "}}", 2) || !name_ok(name, (size_t)(end - name))) {
                r->rv = PL_EINVAL;
                return;
            }
            s += 2;
            name = apr_pstrmemdup(p, name, (apr_size_t)(end - name));
            value = apr_hash_get(values, name, APR_HASH_KEY_STRING);
            if (!pass) {
                add_once(r->names, name);
                if (value)
                    total += strlen(value);
                else
                    add_once(r->missing, name);
            }
            else {
                memcpy(r->out + at, value, strlen(value));
                at += strlen(value);
            }
        }
        if (!pass) {
            if (total > max) {
                r->rv = PL_ETOOBIG;
                return;
            }
            if (r->missing->nelts) {
                r->rv = PL_ENOTFOUND;
                return;
            }
            r->out = apr_palloc(p, total + 1);
        }
    }
    r->out[at] = '\0';
    r->rv = APR_SUCCESS;
}

static int same_names(const apr_array_header_t *a, const apr_array_header_t *b)
{
    int i;

    if (a->nelts != b->nelts)
        return 0;
    for (i = 0; i < a->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(a, i, const char *), APR_ARRAY_IDX(b, i, const char *)))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    apr_hash_t *values;
    apr_array_header_t *names = NULL, *missing = NULL;
    const char *tmpl, *out = NULL, *why = NULL, *end;
    const char *s;
    apr_size_t max;
    apr_status_t prv, rv;
    rendered_t want;
    int mode, i;

    if (size < 2)
        return 0;
    p = fuzz_pool();
    mode = data[0] % 4;
    max = data[1] == 255 ? (apr_size_t)1 << 20 : (apr_size_t)data[1] * 4;
    s = (const char *)data + 2;
    end = (const char *)data + size;
    tmpl = fuzz_copy(p, s, strnlen(s, (size_t)(end - s)), 1);
    s += strlen(tmpl) + 1;
    values = apr_hash_make(p);
    while (s < end) {
        const char *name = fuzz_copy(p, s, strnlen(s, (size_t)(end - s)), 1), *value;
        s += strlen(name) + 1;
        value = s < end ? fuzz_copy(p, s, strnlen(s, (size_t)(end - s)), 1) : "";
        s += s < end ? strlen(value) + 1 : 0;
        apr_hash_set(values, name, APR_HASH_KEY_STRING, value);
    }

    prv = pl_prompt_parse(p, tmpl, &names, &why);
    require(prv == APR_SUCCESS || (prv == PL_EINVAL && why && *why));
    if (prv == APR_SUCCESS && mode) {
        /* values that look like placeholders (mode 1, 2) or are long (3) */
        for (i = 0; i < names->nelts; i++) {
            const char *n = APR_ARRAY_IDX(names, i, const char *);
            if (apr_hash_get(values, n, APR_HASH_KEY_STRING) && mode != 2)
                continue;
            apr_hash_set(values, n, APR_HASH_KEY_STRING,
                         mode == 3 ? apr_psprintf(p, "%0*d", 100 + data[1], 0)
                                   : apr_pstrcat(p, "{{", n, "}} {{{{", NULL));
        }
    }

    reference(p, tmpl, values, max, &want);
    require((prv == PL_EINVAL) == (want.rv == PL_EINVAL));
    if (prv == APR_SUCCESS) {
        require(same_names(names, want.names));
        for (i = 0; i < names->nelts; i++)
            require(pl_prompt_name_valid(APR_ARRAY_IDX(names, i, const char *)));
    }

    rv = pl_prompt_render(p, tmpl, values, max, &out, &missing, &why);
    require(rv == want.rv);
    if (rv == APR_SUCCESS) {
        require(out && strlen(out) <= max && !strcmp(out, want.out));
        require(missing && missing->nelts == 0);
    }
    else if (rv == PL_ENOTFOUND)
        require(same_names(missing, want.missing) && why && *why);
    else
        require(why && *why);

    /* the lenient form: a malformed template comes back as written, one
     * whose every name has a value as the strict renderer writes it */
    out = pl_prompt_render_known(p, tmpl, values);
    require(out != NULL);
    if (prv == PL_EINVAL)
        require(!strcmp(out, tmpl));
    if (rv == APR_SUCCESS)
        require(!strcmp(out, want.out));
    apr_pool_destroy(p);
    return 0;
}
