/* SPDX-License-Identifier: Apache-2.0 */
#include "analyses/pl_analysis_path.h"
#include "core/pl_path.h"
#include "core/pl_status.h"

apr_status_t pl_analysis_project_dir(apr_pool_t *p, const pl_project_t *proj,
                                     const apr_array_header_t *roots, const char **dir,
                                     const char **why)
{
    if (!proj->local_path || !roots || !roots->nelts) {
        *why = "the project has no path under the configured project roots";
        return PL_EINVAL;
    }
    return pl_path_confine_dir(p, proj->local_path, roots, dir, why);
}
