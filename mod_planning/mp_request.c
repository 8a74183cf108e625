/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_lib.h>
#include <apr_strings.h>

#include "mp_request.h"
#include "chat/pl_proxy_openai.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define READ_CHUNK 8192

mp_req_t *mp_request_create(request_rec *r)
{
    mp_req_t *req = apr_pcalloc(r->pool, sizeof(*req));

    req->r = r;
    req->conf = mp_config_get(r->server);
    req->params = apr_table_make(r->pool, 2);
    return req;
}

/* mod_unique_id's id when it is loaded, so the access log can show it. */
const char *mp_request_id(mp_req_t *req)
{
    if (!req->request_id) {
        const char *id = apr_table_get(req->r->subprocess_env, "UNIQUE_ID");
        req->request_id = id ? id : pl_text_random_hex(req->r->pool, 12);
        if (!req->request_id)
            req->request_id = req->r->log_id ? req->r->log_id : "-";
    }
    return req->request_id;
}

/* In err_headers_out so that error replies carry them too. A JSON reply is
 * never a page: nothing in it may load, run or be framed. */
/* A handler may have set its own Cache-Control (the SVG pictures are
 * cacheable): it stays. */
static void common_headers(request_rec *r)
{
    if (!apr_table_get(r->err_headers_out, "Cache-Control"))
        apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->err_headers_out, "Content-Security-Policy",
                   "default-src 'none'; frame-ancestors 'none'");
}

pl_jsonw_t *mp_reply_writer(mp_req_t *req, apr_size_t size_hint)
{
    return pl_jsonw_create(req->r->pool, size_hint);
}

int mp_reply_json(mp_req_t *req, int status, pl_jsonw_t *w)
{
    apr_size_t len;
    const char *text = pl_jsonw_text(w, &len);

    return mp_reply_json_text(req, status, text, len);
}

int mp_reply_json_text(mp_req_t *req, int status, const char *text, apr_size_t len)
{
    return mp_reply_body(req, status, "application/json", text, len);
}

int mp_reply_body(mp_req_t *req, int status, const char *content_type, const char *text,
                  apr_size_t len)
{
    request_rec *r = req->r;

    r->status = status;
    common_headers(r);
    ap_set_content_type(r, content_type);
    ap_set_content_length(r, len);
    if (!r->header_only) {
        /* One bucket over the pool's buffer: no copy on the way out. */
        apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_pool_create(text, len, r->pool,
                                                           r->connection->bucket_alloc));
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
        if (ap_pass_brigade(r->output_filters, bb) != APR_SUCCESS)
            r->connection->keepalive = AP_CONN_CLOSE;
    }
    return OK;
}

int mp_request_param_id(mp_req_t *req, const char *name, const char *what, apr_int64_t *id)
{
    if (pl_text_int(apr_table_get(req->params, name), 1, APR_INT64_MAX, id) == APR_SUCCESS)
        return 1;
    mp_reply_status(req, PL_ENOTFOUND, what);
    return 0;
}

int mp_request_only_fields(mp_req_t *req, const char *const *known)
{
    const char *unknown = pl_json_unknown_key(req->body, known);

    if (!unknown)
        return 1;
    mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                   apr_pstrcat(req->r->pool, unknown, " is not a field here", NULL), unknown);
    return 0;
}

int mp_request_paging(mp_req_t *req, apr_table_t **args, int *limit, int *offset)
{
    const char *s;
    apr_int64_t v;

    *limit = MP_LIST_DEFAULT;
    *offset = 0;
    ap_args_to_table(req->r, args);
    if ((s = apr_table_get(*args, "limit"))) {
        if (pl_text_int(s, 1, MP_LIST_MAX, &v) != APR_SUCCESS) {
            mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                           "limit must be a whole number from 1 to 200", "limit");
            return 0;
        }
        *limit = (int)v;
    }
    if ((s = apr_table_get(*args, "offset"))) {
        if (pl_text_int(s, 0, 1000000000, &v) != APR_SUCCESS) {
            mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                           "offset must be a whole number of 0 or more", "offset");
            return 0;
        }
        *offset = (int)v;
    }
    return 1;
}

int mp_reply_empty(mp_req_t *req, int status)
{
    req->r->status = status;
    common_headers(req->r);
    return OK;
}

/* OpenAI's error: the type from the status, the module's code in lower
 * case ("model_not_found", "rate_limited"), the field as param. */
static void write_openai_error(pl_jsonw_t *w, int status, const char *code,
                               const char *message, const char *field)
{
    char lower[64];
    apr_size_t i;

    for (i = 0; code && code[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)apr_tolower(code[i]);
    lower[i] = '\0';
    pl_jsonw_object(w, "error");
    pl_jsonw_str(w, "message", message);
    pl_jsonw_str(w, "type", pl_proxy_openai_error_type(status));
    if (field)
        pl_jsonw_str(w, "param", field);
    else
        pl_jsonw_raw(w, "param", "null");
    pl_jsonw_str(w, "code", lower);
    pl_jsonw_end(w);
}

static int error_reply(mp_req_t *req, int status, const char *code, const char *message,
                       const char *field, const char *details_json)
{
    request_rec *r = req->r;
    pl_jsonw_t *w = mp_reply_writer(req, 256);
    const char *id = mp_request_id(req);

    pl_jsonw_object(w, NULL);
    if (req->openai)    /* OpenAI's clients raise their error classes from this */
        write_openai_error(w, status, code, message, field);
    else if (req->ollama)    /* Ollama's clients read this and nothing else */
        pl_jsonw_str(w, "error", message);
    else {
        pl_jsonw_object(w, "error");
        pl_jsonw_str(w, "code", code);
        pl_jsonw_str(w, "message", message);
        if (field) {
            pl_jsonw_object(w, "details");
            pl_jsonw_str(w, "field", field);
            pl_jsonw_end(w);
        }
        else if (details_json)
            pl_jsonw_raw(w, "details", details_json);
        pl_jsonw_str(w, "request_id", id);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    apr_table_setn(r->headers_out, "X-Request-Id", id);
    if (status == HTTP_SERVICE_UNAVAILABLE)
        apr_table_setn(r->headers_out, "Retry-After", "5");
    return mp_reply_json(req, status, w);
}

int mp_reply_error(mp_req_t *req, int status, const char *code, const char *message,
                   const char *field)
{
    return error_reply(req, status, code, message, field, NULL);
}

int mp_reply_error_details(mp_req_t *req, int status, const char *code, const char *message,
                           const char *details_json)
{
    return error_reply(req, status, code, message, NULL, details_json);
}

int mp_reply_status(mp_req_t *req, apr_status_t rv, const char *what)
{
    switch (rv) {
    case PL_ENOTFOUND:
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND,
                              apr_pstrcat(req->r->pool, what, " not found", NULL), NULL);
    case PL_ECONFLICT:
        return mp_reply_error(req, HTTP_CONFLICT, PL_ERR_CONFLICT,
                              apr_pstrcat(req->r->pool, what, " with that name already exists",
                                          NULL), "name");
    case PL_EBUSY:
        return mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_DATABASE_BUSY,
                              "the database is busy; retry shortly", NULL);
    case PL_EUNAVAILABLE:
        return mp_reply_error(req, HTTP_SERVICE_UNAVAILABLE, PL_ERR_DATABASE_UNAVAILABLE,
                              "the connection to the database was lost; retry shortly", NULL);
    case PL_EFULL:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r,
                      "PLN01506: request %s could not store %s: the database's disk is full;"
                      " free space on it", mp_request_id(req), what);
        return mp_reply_error(req, HTTP_INSUFFICIENT_STORAGE, PL_ERR_INSUFFICIENT_STORAGE,
                              "the server's storage is full; nothing was changed", NULL);
    default:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r,
                      "PLN00401: request %s failed on %s with status %d (see the database"
                      " message above)", mp_request_id(req), what, (int)rv);
        return mp_reply_error(req, HTTP_INTERNAL_SERVER_ERROR, PL_ERR_INTERNAL,
                              "the server could not complete the request", NULL);
    }
}

/* application/json, optionally with charset=utf-8; PATCH also takes
 * application/merge-patch+json. */
static int json_content_type(request_rec *r)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    const char *semi, *param;
    apr_size_t n;

    if (!ct)
        return 0;
    semi = strchr(ct, ';');
    n = semi ? (apr_size_t)(semi - ct) : strlen(ct);
    while (n && apr_isspace(ct[n - 1]))
        n--;
    if (!((n == 16 && !strncasecmp(ct, "application/json", 16))
          || (r->method_number == M_PATCH && n == 28
              && !strncasecmp(ct, "application/merge-patch+json", 28))))
        return 0;
    if (!semi)
        return 1;
    param = semi + 1;
    while (apr_isspace(*param))
        param++;
    return !strcasecmp(param, "charset=utf-8") || !strcasecmp(param, "charset=\"utf-8\"");
}

/* Sends an error reply and returns 0, the "refused" result of the readers. */
static int refuse(mp_req_t *req, int status, const char *code, const char *message,
                  const char *field)
{
    mp_reply_error(req, status, code, message, field);
    return 0;
}

static int too_large(mp_req_t *req, apr_off_t limit)
{
    /* Stop reading: httpd closes the connection after a 413. */
    req->r->connection->keepalive = AP_CONN_CLOSE;
    return refuse(req, HTTP_REQUEST_ENTITY_TOO_LARGE, PL_ERR_PAYLOAD_TOO_LARGE,
                          apr_psprintf(req->r->pool, "the body is larger than %" APR_OFF_T_FMT
                                       " bytes", limit), NULL);
}

int mp_request_check_length(mp_req_t *req)
{
    const char *clen = apr_table_get(req->r->headers_in, "Content-Length");
    apr_off_t expected;
    char *end;

    if (!clen)
        return 1;
    if (apr_strtoff(&expected, clen, &end, 10) != APR_SUCCESS || *end || expected < 0) {
        mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_REQUEST,
                       "Content-Length is not a number", NULL);
        return 0;
    }
    return expected > req->conf->max_body ? too_large(req, req->conf->max_body) : 1;
}

/* Reads the body into one buffer, counting as it goes, so a chunked body
 * over the limit is refused before it is all in memory. */
static int read_body(mp_req_t *req, apr_off_t limit, char **pdata, apr_size_t *plen)
{
    request_rec *r = req->r;
    const char *clen = apr_table_get(r->headers_in, "Content-Length");
    apr_off_t expected = 0;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_size_t cap, len = 0;
    char *buf;
    int seen_eos = 0;

    if (clen && apr_strtoff(&expected, clen, NULL, 10) != APR_SUCCESS)
        expected = 0;   /* mp_request_check_length refused a malformed one already */
    if (expected > limit)
        return too_large(req, limit);
    cap = expected > 0 ? (apr_size_t)expected + 1 : READ_CHUNK;
    buf = apr_palloc(r->pool, cap);
    while (!seen_eos) {
        apr_bucket *b;
        apr_status_t rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                                         APR_BLOCK_READ, READ_CHUNK);
        if (rv != APR_SUCCESS) {
            int st = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
            if (st == HTTP_REQUEST_ENTITY_TOO_LARGE)
                return too_large(req, limit);
            r->connection->keepalive = AP_CONN_CLOSE;
            return refuse(req, st, PL_ERR_INVALID_REQUEST,
                                  "the request body could not be read", NULL);
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t n;

            if (APR_BUCKET_IS_EOS(b)) {
                seen_eos = 1;
                break;
            }
            if (apr_bucket_read(b, &data, &n, APR_BLOCK_READ) != APR_SUCCESS)
                return refuse(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_REQUEST,
                                      "the request body could not be read", NULL);
            if ((apr_off_t)(len + n) > limit)
                return too_large(req, limit);
            if (len + n + 1 > cap) {
                char *bigger;
                while (len + n + 1 > cap)
                    cap *= 2;
                bigger = apr_palloc(r->pool, cap);
                memcpy(bigger, buf, len);
                buf = bigger;
            }
            memcpy(buf + len, data, n);
            len += n;
        }
        apr_brigade_cleanup(bb);
    }
    buf[len] = '\0';
    *pdata = buf;
    *plen = len;
    return 1;
}

int mp_request_receive(mp_req_t *req)
{
    char *data;

    if (req->body_text)
        return 1;
    /* Ollama reads any body as JSON, and its clients (curl -d) rely on it;
     * a form posted across sites still needs the CSRF header of cookies. */
    if (!req->ollama && !json_content_type(req->r))
        return refuse(req, HTTP_UNSUPPORTED_MEDIA_TYPE, PL_ERR_UNSUPPORTED_MEDIA_TYPE,
                              "the body must be application/json in UTF-8", NULL);
    if (!read_body(req, req->conf->max_body, &data, &req->body_len))
        return 0;
    req->body_text = data;
    return 1;
}

int mp_request_receive_raw(mp_req_t *req, apr_off_t limit)
{
    char *data;

    if (!read_body(req, limit, &data, &req->body_len))
        return 0;
    req->body_text = data;
    return 1;
}

int mp_request_read_json(mp_req_t *req)
{
    const char *err;

    if (!mp_request_receive(req))
        return 0;
    if (pl_json_parse(&req->body, req->r->pool, req->body_text, req->body_len,
                      req->conf->json_depth, &err)
        != APR_SUCCESS)
        return refuse(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_JSON,
                              apr_pstrcat(req->r->pool, "the body is not valid JSON: ", err, NULL),
                              NULL);
    if (pl_json_type(req->body) != PL_JSON_OBJECT)
        return refuse(req, HTTP_BAD_REQUEST, PL_ERR_INVALID_JSON,
                              "the body must be a JSON object", NULL);
    return 1;
}

int mp_request_has_body(mp_req_t *req)
{
    const char *clen = apr_table_get(req->r->headers_in, "Content-Length");

    return (clen && strcmp(clen, "0")) || apr_table_get(req->r->headers_in, "Transfer-Encoding");
}

int mp_request_empty_body(mp_req_t *req)
{
    req->body = pl_json_object_new(req->r->pool);
    req->body_text = "{}";
    return 1;
}

void mp_reply_page(pl_jsonw_t *w, apr_pool_t *p, const char *path, const char *filters,
                   int limit, int offset, apr_int64_t total)
{
    pl_jsonw_int(w, "total", total);
    pl_jsonw_int(w, "limit", limit);
    pl_jsonw_int(w, "offset", offset);
    if (!path)
        return;
    pl_jsonw_object(w, "_links");
    pl_jsonw_link(w, "self", apr_psprintf(p, "%s?limit=%d&offset=%d", path, limit, offset), filters);
    if ((apr_int64_t)offset + limit < total)
        pl_jsonw_link(w, "next", apr_psprintf(p, "%s?limit=%d&offset=%d", path, limit, offset + limit),
                      filters);
    pl_jsonw_end(w);
}
