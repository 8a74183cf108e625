/* SPDX-License-Identifier: Apache-2.0 */
/* A unified diff of two versions of a plan, by libgit2's git_diff_buffers
 * (xdiff's Myers diff with its cost limit, so two 2 MB plans that share
 * nothing still take bounded time): "--- a/NAME", "+++ b/NAME", hunks with
 * three lines of context, and "\ No newline at end of file" where git
 * writes it. Plans are text: the diff never calls them binary. */
#ifndef PL_PLAN_DIFF_H
#define PL_PLAN_DIFF_H

#include <apr_pools.h>

/* *out is "" when the texts are the same. old_name / new_name are the
 * names after a/ and b/. */
apr_status_t pl_plan_diff(apr_pool_t *p, const char *old_text, apr_size_t old_len,
                          const char *new_text, apr_size_t new_len, const char *old_name,
                          const char *new_name, const char **out, apr_size_t *out_len);

#endif
