/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_strings.h>
#include <apr_tables.h>

#include "mp_cookie.h"

void mp_cookie_set(request_rec *r, const char *name, const char *value, const char *attrs,
                   long maxage)
{
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   apr_psprintf(r->pool, "%s=%s;Max-Age=%ld;%s", name, value, maxage, attrs));
}

void mp_cookie_clear(request_rec *r, const char *name, const char *attrs)
{
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   apr_pstrcat(r->pool, name, "=;Max-Age=0;", attrs, NULL));
}

typedef struct {
    apr_pool_t *pool;
    const char *name;
    const char *value;
    int seen;
} lookup_t;

/* One Cookie header: "a=1; b=2". */
static int scan(void *baton, const char *key, const char *header)
{
    lookup_t *l = baton;
    apr_size_t n = strlen(l->name);
    const char *s = header;

    (void)key;
    while (*s) {
        const char *end;

        while (*s == ' ' || *s == '\t' || *s == ';')
            s++;
        end = s + strcspn(s, ";");
        if (!strncmp(s, l->name, n) && s[n] == '=') {
            const char *v = s + n + 1, *e = end;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            l->value = apr_pstrmemdup(l->pool, v, (apr_size_t)(e - v));
            l->seen++;
        }
        s = end;
    }
    return 1;
}

const char *mp_cookie_get(request_rec *r, const char *name)
{
    lookup_t l = { r->pool, name, NULL, 0 };

    apr_table_do(scan, &l, r->headers_in, "Cookie", NULL);
    if (l.seen > 1) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "PLN01401: cookie %s sent more than once; none of them is used (the"
                      " browser keeps stale copies: clear the site's cookies)", name);
        return NULL;
    }
    return l.value;
}
