/* SPDX-License-Identifier: Apache-2.0 */
/* The analyzer's JSON report (`planning analyze --format json`) mapped into
 * the rows of pl_analysis_results. The one place that knows the report's
 * field names: every lookup is tolerant (the report's names change as the
 * analysis does: "observed" or "observed_completion", "checked" or
 * "claimed"...), so a change of names is a change here only. */
#ifndef PL_ANALYSIS_IMPORT_H
#define PL_ANALYSIS_IMPORT_H

#include "analyses/pl_analysis_results.h"
#include "core/pl_json.h"

/* PL_EINVAL with *why when the report has no objectives array at all. */
apr_status_t pl_analysis_import(apr_pool_t *p, const pl_json_t *report,
                                pl_analysis_results_t **out, const char **why);

#endif
