/* SPDX-License-Identifier: Apache-2.0 */
/* Pulling a model onto an Ollama server, as a background job: the model
 * name checked the way Ollama checks it, the job's payload, and the run:
 * POST /api/pull read as NDJSON progress (pulling manifest, a line per
 * layer's bytes, verifying, writing manifest, success), written to the
 * job's row at most every 250 ms and at every change of status; a cancel
 * flag in the row, or the worker's process going away, aborts the
 * transfer (closing the connection is how Ollama cancels a pull). */
#ifndef PL_PULL_H
#define PL_PULL_H

#include "db/pl_jobs.h"
#include "chat/pl_servers.h"

/* [host/][namespace/]model[:tag]: each part 1 to 80 characters (the host
 * 350) of letters, digits, '_', '-' and '.' (not in a namespace; ':' only
 * for a host's port), starting with a letter, digit or '_'. 1 when valid;
 * otherwise 0 and *why. */
int pl_pull_name_valid(const char *name, const char **why);

/* The job's payload: {"model":...}. */
const char *pl_pull_payload(apr_pool_t *p, const char *model);

/* The NDJSON body of /api/pull read line by line into progress. */
typedef struct pl_pull_reader_t pl_pull_reader_t;
/* Called when the status text changes (a new step or layer); non-zero
 * stops the reading. */
typedef int pl_pull_change_fn(void *baton, const pl_job_progress_t *progress);

pl_pull_reader_t *pl_pull_reader_create(apr_pool_t *p, pl_pull_change_fn *fn, void *baton);
/* APR_SUCCESS, PL_EUPSTREAM for a line that is not a JSON object or too
 * long, APR_EINTR when fn asked to stop. */
apr_status_t pl_pull_reader_feed(pl_pull_reader_t *r, const char *data, apr_size_t len);
/* The overall percent an earlier attempt of the same pull reached: the
 * figure does not go back when a resumed pull reports again. */
void pl_pull_reader_resume(pl_pull_reader_t *r, int overall_percent);
/* The progress so far (the current layer's and the overall figures); the
 * error line's message, or NULL; whether "success" came. */
const pl_job_progress_t *pl_pull_reader_progress(const pl_pull_reader_t *r);
const char *pl_pull_reader_error(const pl_pull_reader_t *r);
int pl_pull_reader_succeeded(const pl_pull_reader_t *r);

/* Runs a claimed model.pull job on server s (allow: the subnets of
 * PlanningModelServerAllow) to its end, or hands it back when the worker
 * stops. The outcome is in the row; the status is that of the database. */
apr_status_t pl_pull_run(apr_pool_t *p, const pl_job_worker_t *worker, const pl_job_t *job,
                         const pl_server_t *s, const apr_array_header_t *allow);

#endif
