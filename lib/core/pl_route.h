/* SPDX-License-Identifier: Apache-2.0 */
/* Path patterns of the REST API: "/api/v1/projects/{id}" matches
 * "/api/v1/projects/42" and captures id=42. A parameter matches one
 * non-empty segment, or with a '*' at the end of a pattern ({name*}) the
 * non-empty rest of the path; everything else must match exactly. */
#ifndef PL_ROUTE_H
#define PL_ROUTE_H

#include <apr_tables.h>

/* True when path matches pattern; captured parameters go into params
 * (which may be NULL when only the match matters). */
int pl_route_match(apr_pool_t *p, const char *pattern, const char *path,
                   apr_table_t *params);

#endif
