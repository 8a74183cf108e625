/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_route.h"

int pl_route_match(apr_pool_t *p, const char *pattern, const char *path,
                   apr_table_t *params)
{
    const char *pt = pattern, *pa = path;

    while (*pt && *pa) {
        if (*pt == '{') {
            const char *close = strchr(pt, '}');
            const char *seg_end = strchr(pa, '/');
            apr_size_t seg_len = seg_end ? (apr_size_t)(seg_end - pa) : strlen(pa);
            int rest;

            if (!close)
                return 0;
            /* {name*} takes the rest of the path, slashes included */
            rest = close > pt + 1 && close[-1] == '*' && close[1] == '\0';
            if (rest)
                seg_len = strlen(pa);
            if (seg_len == 0)
                return 0;
            if (params)
                apr_table_setn(params, apr_pstrmemdup(p, pt + 1, close - pt - 1 - rest),
                               apr_pstrmemdup(p, pa, seg_len));
            pt = close + 1;
            pa += seg_len;
        }
        else if (*pt++ != *pa++)
            return 0;
    }
    return *pt == '\0' && *pa == '\0';
}
