/* SPDX-License-Identifier: Apache-2.0 */
/* The handlers of the REST API, one file per resource. Each writes its whole
 * reply through mp_reply_* and returns OK. */
#ifndef MP_API_H
#define MP_API_H

#include "mp_request.h"
#include "db/pl_jobs.h"
#include "projects/pl_project.h"

int api_health_get(mp_req_t *req);
int api_openapi_get(mp_req_t *req);

int api_auth_setup(mp_req_t *req);
int api_auth_setup_status(mp_req_t *req);
int api_auth_login(mp_req_t *req);
int api_auth_refresh(mp_req_t *req);
int api_auth_logout(mp_req_t *req);
int api_auth_logout_all(mp_req_t *req);
int api_auth_me(mp_req_t *req);
int api_auth_password(mp_req_t *req);

int api_keys_create(mp_req_t *req);
int api_keys_list(mp_req_t *req);
int api_keys_revoke(mp_req_t *req);

int api_users_list(mp_req_t *req);
int api_users_create(mp_req_t *req);
int api_users_get(mp_req_t *req);
int api_users_patch(mp_req_t *req);
int api_users_delete(mp_req_t *req);
int api_settings_get(mp_req_t *req);
int api_settings_put(mp_req_t *req);
int api_audit_list(mp_req_t *req);

int api_servers_list(mp_req_t *req);
int api_servers_create(mp_req_t *req);
int api_servers_get(mp_req_t *req);
int api_servers_patch(mp_req_t *req);
int api_servers_delete(mp_req_t *req);
int api_servers_test(mp_req_t *req);
int api_servers_models(mp_req_t *req);
int api_servers_ps(mp_req_t *req);
int api_servers_model_delete(mp_req_t *req);
int api_models_list(mp_req_t *req);
int api_servers_pull(mp_req_t *req);

/* A job as the reply, with status (202 for one just queued). */
int api_jobs_reply(mp_req_t *req, int status, const pl_job_t *job);
int api_jobs_list(mp_req_t *req);
int api_jobs_get(mp_req_t *req);
int api_jobs_cancel(mp_req_t *req);
int api_jobs_events(mp_req_t *req);

int api_threads_create(mp_req_t *req);
int api_threads_list(mp_req_t *req);
int api_threads_get(mp_req_t *req);
int api_threads_patch(mp_req_t *req);
int api_threads_delete(mp_req_t *req);
int api_messages_list(mp_req_t *req);
int api_messages_post(mp_req_t *req);
int api_threads_stop(mp_req_t *req);
int api_messages_confirm(mp_req_t *req);
int api_stream_follow(mp_req_t *req);
int api_threads_assign(mp_req_t *req);
int api_threads_leaf(mp_req_t *req);
int api_threads_export(mp_req_t *req);
int api_threads_import(mp_req_t *req);
int api_messages_regenerate(mp_req_t *req);
int api_messages_edit(mp_req_t *req);
int api_messages_delete(mp_req_t *req);
int api_chat_defaults_get(mp_req_t *req);
int api_chat_defaults_put(mp_req_t *req);
int api_usage_list(mp_req_t *req);

int api_prompts_list(mp_req_t *req);
int api_prompts_create(mp_req_t *req);
int api_prompts_get(mp_req_t *req);
int api_prompts_patch(mp_req_t *req);
int api_prompts_delete(mp_req_t *req);
int api_prompt_versions_list(mp_req_t *req);
int api_prompt_versions_get(mp_req_t *req);
int api_prompt_versions_restore(mp_req_t *req);
int api_prompts_render(mp_req_t *req);
int api_prompts_test(mp_req_t *req);
/* /ollama/api/...: the Ollama-compatible proxy (api_ollama.c). */
int api_ollama_chat(mp_req_t *req);
int api_ollama_generate(mp_req_t *req);
int api_ollama_embed(mp_req_t *req);
int api_ollama_show(mp_req_t *req);
int api_ollama_tags(mp_req_t *req);
int api_ollama_ps(mp_req_t *req);
int api_ollama_version(mp_req_t *req);
/* /ollama/v1/...: OpenAI's API over the same servers (api_openai.c). */
int api_openai_chat(mp_req_t *req);
int api_openai_completions(mp_req_t *req);
int api_openai_embeddings(mp_req_t *req);
int api_openai_models(mp_req_t *req);
int api_openai_model(mp_req_t *req);
/* GET|HEAD /ollama/: "Ollama is running", no credentials needed. */
int api_ollama_root(mp_req_t *req);

int api_members_list(mp_req_t *req);
int api_members_put(mp_req_t *req);
int api_members_delete(mp_req_t *req);

/* The stored project {id} as its reply shows it (the router's field rules). */
int api_projects_current(mp_req_t *req, pl_json_t **current);
int api_projects_create(mp_req_t *req);
int api_projects_list(mp_req_t *req);
int api_projects_get(mp_req_t *req);
int api_projects_replace(mp_req_t *req);
int api_projects_patch(mp_req_t *req);
int api_projects_archive(mp_req_t *req);

int api_analyses_start(mp_req_t *req);
int api_analyses_get(mp_req_t *req);
int api_analyses_status(mp_req_t *req);
int api_analyses_results(mp_req_t *req);
int api_projects_analyses(mp_req_t *req);
int api_objectives_list(mp_req_t *req);
int api_snapshots_list(mp_req_t *req);
int api_trends_get(mp_req_t *req);
int api_badge_svg(mp_req_t *req);
int api_trends_svg(mp_req_t *req);
int api_schedule_get(mp_req_t *req);
int api_schedule_put(mp_req_t *req);
int api_badge_get(mp_req_t *req);
int api_badge_put(mp_req_t *req);
int api_objectives_get(mp_req_t *req);
int api_gaps_list(mp_req_t *req);
int api_recommendations_list(mp_req_t *req);

/* /projects/{id}/files...: a project's tree (api_files*.c). */
int api_files_get(mp_req_t *req);
int api_files_put(mp_req_t *req);
int api_files_delete(mp_req_t *req);
int api_files_mkdir(mp_req_t *req);
int api_files_move(mp_req_t *req);
int api_files_upload_raw(mp_req_t *req);
int api_files_upload_form(mp_req_t *req);
int api_files_zip(mp_req_t *req);
int api_files_search(mp_req_t *req);

/* Webhooks (api_hooks.c, api_hooks_receive.c): the project's secret and
 * its deliveries; the public delivery route checks its own proof. */
int api_webhooks_secret(mp_req_t *req);
int api_webhooks_get(mp_req_t *req);
int api_webhooks_deliveries(mp_req_t *req);
int api_hooks_receive(mp_req_t *req);
/* The branch the project's checkout is on (what a push must name), or
 * NULL when none (no repository of its own, detached or unborn HEAD). */
const char *api_hooks_tracked_branch(mp_req_t *req, const pl_project_t *proj);

/* /projects/{id}/git: local operations through libgit2 (api_git*.c). */
int api_git_status(mp_req_t *req);
int api_git_stage(mp_req_t *req);
int api_git_unstage(mp_req_t *req);
int api_git_commit(mp_req_t *req);
int api_git_log(mp_req_t *req);
int api_git_show(mp_req_t *req);
int api_git_diff(mp_req_t *req);
int api_git_branches_list(mp_req_t *req);
int api_git_branches_create(mp_req_t *req);
int api_git_checkout(mp_req_t *req);
int api_git_branches_delete(mp_req_t *req);
int api_git_commit_message(mp_req_t *req);
/* /projects/{id}/git: the remote, its deploy key and host keys, and the
 * network jobs (api_git_remote.c). */
int api_git_deploy_key_create(mp_req_t *req);
int api_git_deploy_key_get(mp_req_t *req);
int api_git_deploy_key_delete(mp_req_t *req);
int api_git_remote_get(mp_req_t *req);
int api_git_remote_put(mp_req_t *req);
int api_git_host_keys_list(mp_req_t *req);
int api_git_host_key_confirm(mp_req_t *req);
int api_git_host_key_delete(mp_req_t *req);
int api_git_fetch(mp_req_t *req);
int api_git_pull(mp_req_t *req);
int api_git_push(mp_req_t *req);
int api_git_clone(mp_req_t *req);
/* POST /projects with a repository_url: the URL becomes the project's
 * remote and a git.clone job is queued (NULL when either failed). */
pl_job_t *api_git_clone_on_create(mp_req_t *req, apr_int64_t id, const char *url);

/* /projects/{id}/plan...: the plan file with its versions (api_plan.c). */
int api_plan_get(mp_req_t *req);
int api_plan_put(mp_req_t *req);
int api_plan_versions_list(mp_req_t *req);
int api_plan_versions_get(mp_req_t *req);
int api_plan_versions_restore(mp_req_t *req);
int api_plan_diff(mp_req_t *req);
/* Records a change of the project's plan made on disk since its newest
 * version (as GET .../plan would); quiet about any trouble. */
void api_plan_notice(mp_req_t *req, apr_int64_t project);

#endif
