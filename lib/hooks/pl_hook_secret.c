/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_seal.h"
#include "core/pl_text.h"
#include "hooks/pl_hook_secret.h"

#define INFO "mod_planning webhook secret v1"

apr_status_t pl_hook_secret_seal(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                                 apr_int64_t project_id, const char *secret,
                                 const char **sealed)
{
    return pl_seal(p, key, key_len, INFO, pl_text_i64(p, project_id), secret, strlen(secret),
                   sealed);
}

apr_status_t pl_hook_secret_open(apr_pool_t *p, const unsigned char *key, apr_size_t key_len,
                                 apr_int64_t project_id, const char *sealed,
                                 const char **secret)
{
    char *plain;
    apr_status_t rv = pl_seal_open(p, key, key_len, INFO, pl_text_i64(p, project_id), sealed,
                                   &plain, NULL);

    if (rv == APR_SUCCESS)
        *secret = plain;
    return rv;
}
