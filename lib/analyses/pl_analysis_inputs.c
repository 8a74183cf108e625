/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <strings.h>

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_sha1.h>
#include <apr_strings.h>

#include "analyses/pl_analysis_inputs.h"
#include "code/pl_walk.h"
#include "gap/pl_analyze.h"

#define PLAN_READ_MAX (8 * 1024 * 1024)   /* the plan parser refuses far less */

/* The plan's bytes into the hash; a missing plan hashes as nothing (its
 * appearing later changes the walk's part anyway). */
static void hash_plan(apr_sha1_ctx_t *ctx, apr_pool_t *p, const char *path)
{
    apr_file_t *f;
    char buf[8192];
    apr_size_t n, total = 0;

    if (apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, p) != APR_SUCCESS)
        return;
    apr_sha1_update(ctx, "plan\n", 5);
    while (total < PLAN_READ_MAX && (n = sizeof(buf),
           apr_file_read(f, buf, &n) == APR_SUCCESS) && n) {
        apr_sha1_update_binary(ctx, (const unsigned char *)buf, (unsigned int)n);
        total += n;
    }
    apr_file_close(f);
}

apr_status_t pl_analysis_input_hash(apr_pool_t *p, const char *dir, const char *plan,
                                    const char **hex, const char **err)
{
    unsigned char digest[APR_SHA1_DIGESTSIZE];
    const char *plan_path = plan ? apr_pstrcat(p, dir, "/", plan, NULL) : NULL;
    apr_sha1_ctx_t ctx;
    pl_walk_t *walk;
    apr_status_t rv;
    char *out;
    int i;

    if ((rv = pl_walk(p, dir, 0, NULL, NULL, &walk, err)) != APR_SUCCESS)
        return rv;
    apr_sha1_init(&ctx);
    for (i = 0; i < walk->files->nelts; i++) {
        const pl_walk_file_t *f = &APR_ARRAY_IDX(walk->files, i, pl_walk_file_t);
        apr_finfo_t fi;
        const char *line;

        if (apr_stat(&fi, apr_pstrcat(p, dir, "/", f->path, NULL),
                     APR_FINFO_SIZE | APR_FINFO_MTIME, p) != APR_SUCCESS)
            fi.size = -1, fi.mtime = 0;
        line = apr_psprintf(p, "%s\t%" APR_OFF_T_FMT "\t%" APR_TIME_T_FMT "\n", f->path, fi.size,
                            fi.mtime);
        apr_sha1_update(&ctx, line, (unsigned int)strlen(line));
        if (!plan_path && !strchr(f->path, '/') && !strcasecmp(f->path, PL_ANALYZE_PLAN_NAME))
            plan_path = apr_pstrcat(p, dir, "/", f->path, NULL);
    }
    if (plan_path)
        hash_plan(&ctx, p, plan_path);
    apr_sha1_final(digest, &ctx);
    out = apr_palloc(p, 2 * APR_SHA1_DIGESTSIZE + 1);
    for (i = 0; i < APR_SHA1_DIGESTSIZE; i++)
        apr_snprintf(out + 2 * i, 3, "%02x", digest[i]);
    *hex = out;
    return APR_SUCCESS;
}
