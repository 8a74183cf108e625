/* SPDX-License-Identifier: Apache-2.0 */
/* Every error code the API answers with, each written once: the "code" of
 * the JSON error shape, of an SSE "error" event, of a reply message left
 * incomplete (its error_code) and of a failed job (its error.code). All are
 * UPPER_SNAKE; the table below gives each its HTTP status and meaning, and
 * is what the README's table is made from. (The Ollama-compatible surface
 * keeps Ollama's own {"error":"..."} shape, without codes.) */
#ifndef PL_ERRORS_H
#define PL_ERRORS_H

/* The request */
#define PL_ERR_INVALID_REQUEST        "INVALID_REQUEST"
#define PL_ERR_INVALID_JSON           "INVALID_JSON"
#define PL_ERR_VALIDATION             "VALIDATION_ERROR"
#define PL_ERR_PAYLOAD_TOO_LARGE      "PAYLOAD_TOO_LARGE"
#define PL_ERR_UNSUPPORTED_MEDIA_TYPE "UNSUPPORTED_MEDIA_TYPE"
#define PL_ERR_METHOD_NOT_ALLOWED     "METHOD_NOT_ALLOWED"
#define PL_ERR_NOT_FOUND              "NOT_FOUND"
#define PL_ERR_CONFLICT               "CONFLICT"
#define PL_ERR_RATE_LIMITED           "RATE_LIMITED"
#define PL_ERR_INTERNAL               "INTERNAL_ERROR"
/* The caller */
#define PL_ERR_UNAUTHORIZED           "UNAUTHORIZED"
#define PL_ERR_FORBIDDEN              "FORBIDDEN"
#define PL_ERR_CSRF_FAILED            "CSRF_FAILED"
/* The database */
#define PL_ERR_DATABASE_BUSY          "DATABASE_BUSY"
#define PL_ERR_DATABASE_UNAVAILABLE   "DATABASE_UNAVAILABLE"
#define PL_ERR_SCHEMA_OUTDATED        "SCHEMA_OUTDATED"
#define PL_ERR_INSUFFICIENT_STORAGE   "INSUFFICIENT_STORAGE"
#define PL_ERR_DATABASE_MISCONFIGURED "DATABASE_MISCONFIGURED"
#define PL_ERR_STORAGE_FAILED         "STORAGE_FAILED"
/* Prompts */
#define PL_ERR_MISSING_VARIABLES      "MISSING_VARIABLES"
#define PL_ERR_INVALID_TEMPLATE       "INVALID_TEMPLATE"
#define PL_ERR_PROMPT_TOO_LARGE       "PROMPT_TOO_LARGE"
/* Model servers and model runs */
#define PL_ERR_URL_NOT_ALLOWED        "URL_NOT_ALLOWED"
#define PL_ERR_NOT_SUPPORTED          "NOT_SUPPORTED"
#define PL_ERR_MODEL_NOT_FOUND        "MODEL_NOT_FOUND"
#define PL_ERR_UPSTREAM_ERROR         "UPSTREAM_ERROR"
#define PL_ERR_UPSTREAM_UNREACHABLE   "UPSTREAM_UNREACHABLE"
#define PL_ERR_UPSTREAM_CLOSED        "UPSTREAM_CLOSED"
#define PL_ERR_UPSTREAM_TIMEOUT       "UPSTREAM_TIMEOUT"
#define PL_ERR_REPLY_TOO_LARGE        "REPLY_TOO_LARGE"
#define PL_ERR_BUSY                   "BUSY"
#define PL_ERR_TOO_MANY_STREAMS       "TOO_MANY_STREAMS"
#define PL_ERR_UNAVAILABLE            "UNAVAILABLE"
#define PL_ERR_SERVER_BUSY            "SERVER_BUSY"
/* How a reply ended without a model error (SSE and message only) */
#define PL_ERR_STOPPED                "STOPPED"
#define PL_ERR_CLIENT_GONE            "CLIENT_GONE"
#define PL_ERR_INTERRUPTED            "INTERRUPTED"
#define PL_ERR_INCOMPLETE             "INCOMPLETE"
#define PL_ERR_DELETED                "DELETED"
/* Jobs */
#define PL_ERR_WORKER_DIED            "WORKER_DIED"
#define PL_ERR_UNKNOWN_KIND           "UNKNOWN_KIND"
#define PL_ERR_SERVER_GONE            "SERVER_GONE"
#define PL_ERR_INVALID_JOB            "INVALID_JOB"
#define PL_ERR_JOB_GONE               "JOB_GONE"

/* Analyses */
#define PL_ERR_NO_ANALYSIS            "NO_ANALYSIS"
#define PL_ERR_ANALYSIS_NOT_COMPLETE  "ANALYSIS_NOT_COMPLETE"
#define PL_ERR_ANALYSIS_ENDED         "ANALYSIS_ENDED"
#define PL_ERR_PROJECT_GONE           "PROJECT_GONE"
#define PL_ERR_PROJECT_PATH_INVALID   "PROJECT_PATH_INVALID"
#define PL_ERR_PLAN_OUTSIDE_PROJECT   "PLAN_OUTSIDE_PROJECT"
#define PL_ERR_ANALYZER_UNAVAILABLE   "ANALYZER_UNAVAILABLE"
#define PL_ERR_ANALYZER_CRASHED       "ANALYZER_CRASHED"
#define PL_ERR_ANALYZER_KILLED        "ANALYZER_KILLED"
#define PL_ERR_ANALYZER_FAILED        "ANALYZER_FAILED"
#define PL_ERR_TIMEOUT                "TIMEOUT"
#define PL_ERR_OUTPUT_TOO_LARGE       "OUTPUT_TOO_LARGE"
#define PL_ERR_BAD_OUTPUT             "BAD_OUTPUT"
#define PL_ERR_NO_RESULTS             "NO_RESULTS"
/* Files */
#define PL_ERR_INVALID_PATH           "INVALID_PATH"
#define PL_ERR_PATH_FORBIDDEN         "PATH_FORBIDDEN"
#define PL_ERR_PROJECT_DIR_UNAVAILABLE "PROJECT_DIR_UNAVAILABLE"
#define PL_ERR_BINARY_FILE            "BINARY_FILE"
#define PL_ERR_FILE_TOO_LARGE         "FILE_TOO_LARGE"
#define PL_ERR_PRECONDITION_FAILED    "PRECONDITION_FAILED"
#define PL_ERR_PRECONDITION_REQUIRED  "PRECONDITION_REQUIRED"
#define PL_ERR_INVALID_MULTIPART      "INVALID_MULTIPART"
#define PL_ERR_TOO_MANY_ENTRIES       "TOO_MANY_ENTRIES"

/* Git (local operations) */
#define PL_ERR_NOT_A_REPOSITORY       "NOT_A_REPOSITORY"
#define PL_ERR_NOTHING_TO_COMMIT      "NOTHING_TO_COMMIT"
#define PL_ERR_UNKNOWN_REVISION       "UNKNOWN_REVISION"
#define PL_ERR_COMMIT_NOT_FOUND       "COMMIT_NOT_FOUND"
#define PL_ERR_BRANCH_NOT_FOUND       "BRANCH_NOT_FOUND"
#define PL_ERR_BRANCH_EXISTS          "BRANCH_EXISTS"
#define PL_ERR_BRANCH_IS_CURRENT      "BRANCH_IS_CURRENT"
#define PL_ERR_BRANCH_NOT_MERGED      "BRANCH_NOT_MERGED"
#define PL_ERR_CHECKOUT_CONFLICT      "CHECKOUT_CONFLICT"
#define PL_ERR_REPOSITORY_LOCKED      "REPOSITORY_LOCKED"
#define PL_ERR_WEBHOOK_SIGNATURE      "WEBHOOK_SIGNATURE_INVALID"
/* Git (remotes: fetch, pull, push, clone) */
#define PL_ERR_NO_REMOTE              "NO_REMOTE"
#define PL_ERR_NO_DEPLOY_KEY          "NO_DEPLOY_KEY"
#define PL_ERR_HOST_KEY_UNCONFIRMED   "HOST_KEY_UNCONFIRMED"
#define PL_ERR_HOST_KEY_CHANGED       "HOST_KEY_CHANGED"
#define PL_ERR_REMOTE_UNREACHABLE     "REMOTE_UNREACHABLE"
#define PL_ERR_REMOTE_TIMEOUT         "REMOTE_TIMEOUT"
#define PL_ERR_REMOTE_FAILED          "REMOTE_FAILED"
#define PL_ERR_AUTH_FAILED            "AUTH_FAILED"
#define PL_ERR_PUSH_REJECTED          "PUSH_REJECTED"
#define PL_ERR_PULL_CONFLICT          "PULL_CONFLICT"
#define PL_ERR_CLONE_TARGET_NOT_EMPTY "CLONE_TARGET_NOT_EMPTY"
#define PL_ERR_KEY_UNAVAILABLE        "KEY_UNAVAILABLE"

/* The plan on the server */
#define PL_ERR_PLAN_NOT_FOUND         "PLAN_NOT_FOUND"
#define PL_ERR_PLAN_TOO_LARGE         "PLAN_TOO_LARGE"
#define PL_ERR_PLAN_UNSAFE            "PLAN_UNSAFE"
#define PL_ERR_PLAN_UNREADABLE        "PLAN_UNREADABLE"
#define PL_ERR_PLAN_NOT_WRITABLE      "PLAN_NOT_WRITABLE"

/* Tools (the chat's tool calls, MCP's tools/call): results, not replies */
#define PL_ERR_TOOL_UNKNOWN           "TOOL_UNKNOWN"
#define PL_ERR_TOOL_ARGUMENTS         "TOOL_ARGUMENTS"
#define PL_ERR_TOOL_FORBIDDEN         "TOOL_FORBIDDEN"
#define PL_ERR_TOOL_FAILED            "TOOL_FAILED"
#define PL_ERR_TOOL_REJECTED          "TOOL_REJECTED"
#define PL_ERR_TOOL_LIMIT             "TOOL_LIMIT"

typedef struct {
    const char *code;
    int status;               /* the HTTP status; 0: only in an SSE event, a message or a job */
    const char *where;        /* "reply", "reply, SSE, message", "job" ... */
    const char *meaning;
} pl_error_code_t;

/* Every code above, once, ending with a NULL code. */
extern const pl_error_code_t PL_ERROR_CODES[];

/* The entry of code, or NULL. */
const pl_error_code_t *pl_error_code_find(const char *code);

#endif
