/* SPDX-License-Identifier: Apache-2.0 */
/* One API request as the handlers see it, and the replies they send. Every
 * reply function writes the whole response and returns OK for the hook. */
#ifndef MP_REQUEST_H
#define MP_REQUEST_H

#include "mp_auth.h"
#include "mp_config.h"
#include "core/pl_errors.h"
#include "db/pl_db.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"

typedef struct mp_req_t {
    request_rec *r;
    const mp_sconf_t *conf;
    apr_table_t *params;        /* from the path pattern */
    mp_caller_t caller;
    pl_role_e project_role;     /* the caller's role in {id}, for project routes */
    pl_json_t *body;            /* the parsed JSON body, when the route takes one */
    const char *body_text;      /* ... and its text as sent (NUL-terminated) */
    apr_size_t body_len;
    int ollama;                 /* the Ollama-compatible surface: errors are
                                   {"error":"..."}, any body type is read */
    int openai;                 /* its OpenAI side (/ollama/v1/): errors are
                                   {"error":{"message","type","param","code"}} */
    pl_db_t *db;                /* the request's database connection (NULL between saves
                                   of a stream: see mp_dbd_release) */
    void *db_lease;             /* mp_dbd.c: what gives db back to mod_dbd's pool */
    int db_rounds;              /* connections taken so far: the first gets the request's
                                   deadline, each later one (a save) its own */
    const char *request_id;
} mp_req_t;

#define MP_API_BASE "/api/v1"
#define MP_OLLAMA_BASE "/ollama"

mp_req_t *mp_request_create(request_rec *r);
const char *mp_request_id(mp_req_t *req);

/* Refuses a declared Content-Length over the limit before anything else is
 * done. Returns 1, or 0 after sending 413. */
int mp_request_check_length(mp_req_t *req);

/* Reads the body (a JSON type, within the limits) into req->body_text
 * without parsing it. The router calls it for public routes (login) before
 * it takes a database connection: a stranger who sends a body slowly then
 * holds a worker until mod_reqtimeout cuts it off, never one of the few
 * database connections every other request needs. Returns 1, or 0 after
 * sending the error reply. */
int mp_request_receive(mp_req_t *req);

/* Reads the body of any type as sent, at most limit bytes (a declared
 * Content-Length over it is refused before a byte is read, a chunked one
 * as soon as it passes it: 413), into req->body_text and req->body_len.
 * Returns 1, or 0 after sending the error reply. */
int mp_request_receive_raw(mp_req_t *req, apr_off_t limit);

/* Parses the body (read first if mp_request_receive was not called) into
 * req->body. Returns 1, or 0 after sending the error reply. */
int mp_request_read_json(mp_req_t *req);
/* Whether the request carries a body: a Content-Length other than 0, or
 * chunks. */
int mp_request_has_body(mp_req_t *req);
/* req->body as {} for a route whose fields are all optional, sent without
 * a body. Returns 1. */
int mp_request_empty_body(mp_req_t *req);

/* A writer for the reply body; size_hint is the expected length. */
pl_jsonw_t *mp_reply_writer(mp_req_t *req, apr_size_t size_hint);
/* The positive integer path parameter name into *id. Returns 1, or 0 after a
 * 404 naming what (a malformed id names nothing that exists). */
int mp_request_param_id(mp_req_t *req, const char *name, const char *what, apr_int64_t *id);

/* Refuses a body field outside known (NULL-terminated). Returns 1, or 0
 * after a 400 naming the field. */
int mp_request_only_fields(mp_req_t *req, const char *const *known);

#define MP_LIST_DEFAULT 50
#define MP_LIST_MAX     200

/* The query string into *args, and its limit (1..200, default 50) and
 * offset (default 0). Returns 1, or 0 after a 400 naming the parameter. */
int mp_request_paging(mp_req_t *req, apr_table_t **args, int *limit, int *offset);
/* The paging members of a list reply: total, limit, offset and, when path
 * is given, _links to this page and the next that keep the list's filters
 * (a query string of ours beginning with "&", or "" for none). */
void mp_reply_page(pl_jsonw_t *w, apr_pool_t *p, const char *path, const char *filters,
                   int limit, int offset, apr_int64_t total);

int mp_reply_json(mp_req_t *req, int status, pl_jsonw_t *w);
/* A JSON reply already rendered into text (allocated from the request pool). */
int mp_reply_json_text(mp_req_t *req, int status, const char *text, apr_size_t len);
/* A body of another type (a download): the same headers as a JSON reply. */
int mp_reply_body(mp_req_t *req, int status, const char *content_type, const char *text,
                  apr_size_t len);
int mp_reply_empty(mp_req_t *req, int status);
/* The error shape of DESIGN.md; field (may be NULL) goes into details. */
int mp_reply_error(mp_req_t *req, int status, const char *code, const char *message,
                   const char *field);
/* The same with details given as a JSON object text of ours. */
int mp_reply_error_details(mp_req_t *req, int status, const char *code, const char *message,
                           const char *details_json);
/* Maps a library status (PL_ENOTFOUND, PL_EBUSY, ...) to its error reply. */
int mp_reply_status(mp_req_t *req, apr_status_t rv, const char *what);

#endif
