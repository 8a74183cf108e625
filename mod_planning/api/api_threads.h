/* SPDX-License-Identifier: Apache-2.0 */
/* What the thread and message handlers share. */
#ifndef API_THREADS_H
#define API_THREADS_H

#include "mp_request.h"
#include "chat/pl_threads.h"

/* The caller's thread named by the route's {thread}; 0 after a 4xx reply. */
int api_threads_load(mp_req_t *req, pl_thread_t **t);
/* A thread may belong only to a project its user can see: any other is a
 * 404 reply and 0. Project 0 (none) is always fine. */
int api_threads_project_visible(mp_req_t *req, apr_int64_t project_id);

/* A new thread's model, system prompt and temperature where it names none:
 * its project's chat defaults (nothing without a project), then the
 * caller's settings. Each returns 1, or 0 after the error reply. */
int api_threads_fill_defaults(mp_req_t *req, pl_thread_t *t);
int api_threads_fill_settings(mp_req_t *req, pl_thread_t *t);

/* The enabled servers, and the one to ask first (0: none): t's project's
 * chat default, else the server the caller's settings name. */
apr_status_t api_threads_servers(mp_req_t *req, const pl_thread_t *t,
                                 apr_array_header_t **servers, apr_int64_t *preferred);

#endif
