/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the tools: the handlers the registry (pl_tools.c) names, one file
 * per kind (reads of the plan and analysis, code and files, plan edits). */
#ifndef PL_TOOLS_INT_H
#define PL_TOOLS_INT_H

#include "core/pl_jsonw.h"
#include "tools/pl_tools.h"

pl_tools_fn pl_tool_list_projects, pl_tool_get_plan, pl_tool_list_objectives,
    pl_tool_get_objective, pl_tool_list_recommendations, pl_tool_run_analysis,
    pl_tool_search_code, pl_tool_read_file, pl_tool_git_status, pl_tool_git_log,
    pl_tool_update_task, pl_tool_add_task, pl_tool_add_objective, pl_tool_edit_plan_section;

/* The writer's text as the result. */
void pl_tools_ok_writer(pl_tools_result_t *res, apr_pool_t *p, pl_jsonw_t *w);
/* An optional integer argument, def when absent (validated already). */
apr_int64_t pl_tools_int_arg(const pl_json_t *args, const char *key, apr_int64_t def);

#endif
