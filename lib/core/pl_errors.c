/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "core/pl_errors.h"

/* "reply": the JSON error shape of a request; "SSE": the "error" event of
 * a stream; "message": the error_code of a reply left incomplete; "job":
 * the error.code of a failed job. */
const pl_error_code_t PL_ERROR_CODES[] = {
    { PL_ERR_INVALID_REQUEST, 400, "reply",
      "the request could not be read (a Content-Length that is not a number, a body cut short)" },
    { PL_ERR_INVALID_JSON, 400, "reply", "the body is not JSON, or not a JSON object" },
    { PL_ERR_VALIDATION, 400, "reply",
      "a field or query parameter is wrong; details.field names it" },
    { PL_ERR_URL_NOT_ALLOWED, 400, "reply, job",
      "a model server's base_url is not one the module may call (PlanningModelServerAllow)" },
    { PL_ERR_NOT_SUPPORTED, 400, "reply, job",
      "the model server's kind cannot do this (model management is Ollama's)" },
    { PL_ERR_UNAUTHORIZED, 401, "reply", "no valid session token or API key" },
    { PL_ERR_FORBIDDEN, 403, "reply",
      "the caller's role (or the API key's scope) does not allow this" },
    { PL_ERR_CSRF_FAILED, 403, "reply",
      "a cookie-authenticated write without the matching X-CSRF-Token header" },
    { PL_ERR_NOT_FOUND, 404, "reply", "no such resource, or one the caller may not see" },
    { PL_ERR_MODEL_NOT_FOUND, 404, "reply, SSE, message, job",
      "no enabled model server has the model (or none is configured)" },
    { PL_ERR_METHOD_NOT_ALLOWED, 405, "reply",
      "the resource does not take this method (see Allow)" },
    { PL_ERR_CONFLICT, 409, "reply",
      "the request clashes with the current state (a taken name, a wrong message kind)" },
    { PL_ERR_PAYLOAD_TOO_LARGE, 413, "reply", "the body is larger than PlanningMaxBodySize" },
    { PL_ERR_UNSUPPORTED_MEDIA_TYPE, 415, "reply", "the body is not application/json in UTF-8" },
    { PL_ERR_MISSING_VARIABLES, 422, "reply",
      "a prompt uses variables that were given no value; details.missing lists them" },
    { PL_ERR_INVALID_TEMPLATE, 422, "reply", "a prompt has a malformed placeholder" },
    { PL_ERR_PROMPT_TOO_LARGE, 422, "reply", "a rendered prompt would be too long" },
    { PL_ERR_RATE_LIMITED, 429, "reply", "too many requests or sign-in attempts; see Retry-After" },
    { PL_ERR_INTERNAL, 500, "reply", "an unexpected failure; the error log has the request_id" },
    { PL_ERR_UPSTREAM_ERROR, 502, "reply, SSE, message, job",
      "the model server answered with an error, or with something that is not its protocol" },
    { PL_ERR_UPSTREAM_UNREACHABLE, 502, "reply, SSE, message, job",
      "the model server could not be reached" },
    { PL_ERR_UPSTREAM_CLOSED, 502, "reply, SSE, message, job",
      "the model server ended its stream before it was done" },
    { PL_ERR_REPLY_TOO_LARGE, 502, "reply, SSE, message",
      "the model's reply grew past PlanningMaxReplySize" },
    { PL_ERR_DATABASE_BUSY, 503, "reply", "the database is locked for now; retry (Retry-After)" },
    { PL_ERR_DATABASE_UNAVAILABLE, 503, "reply, SSE",
      "no database connection, or a stream could no longer read its rows" },
    { PL_ERR_SCHEMA_OUTDATED, 503, "reply",
      "the database schema is older than the module: run planning migrate" },
    { PL_ERR_TOO_MANY_STREAMS, 503, "reply",
      "as many chats are running as PlanningMaxStreams or PlanningMaxStreamsPerUser allow" },
    { PL_ERR_BUSY, 503, "reply, SSE, message", "the model server answered 503 (busy)" },
    { PL_ERR_SERVER_BUSY, 503, "reply",
      "as many password hashes are running as PlanningPasswordHashes allows; retry (Retry-After)" },
    { PL_ERR_UNAVAILABLE, 503, "reply",
      "a stop could not be passed to the process streaming; retry" },
    { PL_ERR_UPSTREAM_TIMEOUT, 504, "reply, SSE, message, job", "the model server took too long" },
    { PL_ERR_STOPPED, 0, "SSE, message", "the reply was stopped on request (POST .../stop)" },
    { PL_ERR_CLIENT_GONE, 0, "message",
      "the client went away and nobody came back within PlanningStreamGrace" },
    { PL_ERR_INTERRUPTED, 0, "SSE, message", "the process generating the reply stopped" },
    { PL_ERR_INCOMPLETE, 0, "SSE", "a followed reply ended incomplete without a recorded reason" },
    { PL_ERR_DELETED, 0, "SSE", "the reply being followed was deleted" },
    { PL_ERR_WORKER_DIED, 0, "job", "the process running the job stopped too often" },
    { PL_ERR_UNKNOWN_KIND, 0, "job", "the job is of a kind this module does not run" },
    { PL_ERR_SERVER_GONE, 0, "job", "the job's model server was deleted" },
    { PL_ERR_INVALID_JOB, 0, "job", "the job's parameters are not valid" },
    { PL_ERR_JOB_GONE, 0, "SSE", "the job being followed was deleted" },
    { PL_ERR_NO_ANALYSIS, 404, "reply", "the project has no complete analysis yet: POST .../analyze" },
    { PL_ERR_ANALYSIS_NOT_COMPLETE, 409, "reply", "the analysis has not completed (see its status)" },
    { PL_ERR_ANALYSIS_ENDED, 0, "job", "the analysis had ended before its job ran" },
    { PL_ERR_PROJECT_GONE, 0, "analysis", "the project was deleted before the analysis ran" },
    { PL_ERR_PROJECT_PATH_INVALID, 0, "analysis",
      "the project's local_path no longer exists or has left PlanningProjectRoots" },
    { PL_ERR_PLAN_OUTSIDE_PROJECT, 0, "analysis", "options.plan leads outside the checkout" },
    { PL_ERR_ANALYZER_UNAVAILABLE, 0, "analysis", "the analyzer (PlanningAnalyzer) could not be started" },
    { PL_ERR_ANALYZER_CRASHED, 0, "analysis", "the analyzer died of a signal" },
    { PL_ERR_ANALYZER_KILLED, 0, "analysis",
      "the analyzer went past its CPU or memory limit (PlanningAnalysisCPU, PlanningAnalysisMemory)" },
    { PL_ERR_ANALYZER_FAILED, 0, "analysis", "the analyzer exited with an error; the message is its own" },
    { PL_ERR_TIMEOUT, 0, "analysis", "the analysis ran longer than PlanningAnalysisTimeout" },
    { PL_ERR_OUTPUT_TOO_LARGE, 0, "analysis", "the analyzer's report was larger than 64 MB" },
    { PL_ERR_BAD_OUTPUT, 0, "analysis", "the analyzer's report was not the JSON it should write" },
    { PL_ERR_NO_RESULTS, 0, "analysis", "the analysis's job ended without storing results" },
    { PL_ERR_PLAN_NOT_FOUND, 404, "reply",
      "the checkout has no MASTER_PLAN.md at its root (create one with PUT and If-None-Match: *)" },
    { PL_ERR_PLAN_TOO_LARGE, 413, "reply", "the plan is larger than 2 MB: nothing was written" },
    { PL_ERR_PLAN_UNSAFE, 403, "reply",
      "the plan file is a symlink leading outside the checkout: it is neither read nor written" },
    { PL_ERR_PLAN_UNREADABLE, 409, "reply", "the project's local_path has gone or left"
      " PlanningProjectRoots, or its plan file is not a regular file or is larger than 2 MB" },
    { PL_ERR_PLAN_NOT_WRITABLE, 409, "reply",
      "the server's user may not write the checkout's directory (or it is read-only): nothing was written" },
    { PL_ERR_PRECONDITION_FAILED, 412, "reply",
      "If-Match names another version of the plan than the one on disk: read it again" },
    { PL_ERR_PRECONDITION_REQUIRED, 428, "reply",
      "a change of the plan needs If-Match with its ETag (or If-None-Match: * to create it)" },
    { NULL, 0, NULL, NULL }
};

const pl_error_code_t *pl_error_code_find(const char *code)
{
    const pl_error_code_t *e;

    for (e = PL_ERROR_CODES; code && e->code; e++)
        if (!strcmp(e->code, code))
            return e;
    return NULL;
}
