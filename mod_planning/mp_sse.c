/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE 1   /* POLLRDHUP */
#include <poll.h>

#include <apr_portable.h>
#include <apr_strings.h>

#include "mp_sse.h"

mp_sse_t *mp_sse_watch(request_rec *r)
{
    mp_sse_t *s = apr_pcalloc(r->pool, sizeof(*s));
    apr_socket_t *sock = ap_get_conn_socket(r->connection);

    s->r = r;
    s->bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    s->seq = 1;
    s->last_write = apr_time_now();
    s->fd = -1;
    /* Under HTTP/2 the connection's socket is not this client's stream. */
    if (sock && !r->connection->master && apr_os_sock_get(&s->fd, sock) != APR_SUCCESS)
        s->fd = -1;
    return s;
}

void mp_sse_begin(mp_sse_t *s, const char *content_type)
{
    request_rec *r = s->r;

    r->status = HTTP_OK;
    ap_set_content_type(r, content_type);
    apr_table_setn(r->headers_out, "Cache-Control", "no-cache, no-store");
    apr_table_setn(r->headers_out, "X-Accel-Buffering", "no");
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->err_headers_out, "Content-Security-Policy",
                   "default-src 'none'; frame-ancestors 'none'");
    /* mod_deflate would hold the events back to compress them */
    apr_table_setn(r->subprocess_env, "no-gzip", "1");
}

mp_sse_t *mp_sse_open(request_rec *r)
{
    mp_sse_t *s = mp_sse_watch(r);

    mp_sse_begin(s, "text/event-stream; charset=utf-8");
    return s;
}

mp_sse_t *mp_sse_open_reply(request_rec *r)
{
    mp_sse_t *s = mp_sse_open(r);

    s->reply = 1;
    return s;
}

static int pass(mp_sse_t *s)
{
    request_rec *r = s->r;
    apr_status_t rv;

    APR_BRIGADE_INSERT_TAIL(s->bb, apr_bucket_flush_create(r->connection->bucket_alloc));
    rv = ap_pass_brigade(r->output_filters, s->bb);
    apr_brigade_cleanup(s->bb);
    if (rv != APR_SUCCESS || r->connection->aborted)
        s->gone = 1;
    s->last_write = apr_time_now();
    return !s->gone;
}

int mp_sse_comment(mp_sse_t *s, const char *text)
{
    if (s->gone)
        return 0;
    apr_brigade_printf(s->bb, NULL, NULL, ": %s\n\n", text);
    return pass(s);
}

int mp_sse_heartbeat(mp_sse_t *s, apr_interval_time_t interval)
{
    if (apr_time_now() - s->last_write < interval)
        return !s->gone;
    return mp_sse_comment(s, "keep-alive");
}

int mp_sse_send(mp_sse_t *s, const char *event, const char *json)
{
    char id[PL_STREAM_ID_MAX];

    if (s->gone)
        return 0;
    if (s->reply) {
        s->pos.end = !strcmp(event, "done") || !strcmp(event, "error");
        pl_stream_id(id, &s->pos);
    }
    else
        apr_snprintf(id, sizeof(id), "%" APR_INT64_T_FMT, s->seq++);
    apr_brigade_printf(s->bb, NULL, NULL, "id: %s\nevent: %s\ndata: %s\n\n", id, event, json);
    return pass(s);
}

int mp_sse_write_line(mp_sse_t *s, const char *data, apr_size_t len)
{
    if (s->gone)
        return 0;
    apr_brigade_write(s->bb, NULL, NULL, data, len);
    apr_brigade_putc(s->bb, NULL, NULL, '\n');
    return pass(s);
}

int mp_sse_write_data(mp_sse_t *s, const char *data, apr_size_t len)
{
    if (s->gone)
        return 0;
    apr_brigade_write(s->bb, NULL, NULL, "data: ", 6);
    apr_brigade_write(s->bb, NULL, NULL, data, len);
    apr_brigade_write(s->bb, NULL, NULL, "\n\n", 2);
    return pass(s);
}

int mp_sse_client_gone(mp_sse_t *s)
{
    struct pollfd pfd;

    if (s->gone || s->r->connection->aborted)
        return s->gone = 1;
    if (s->fd < 0)
        return 0;
    pfd.fd = s->fd;
    pfd.events = POLLRDHUP;
    pfd.revents = 0;
    if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)))
        s->gone = 1;
    return s->gone;
}
