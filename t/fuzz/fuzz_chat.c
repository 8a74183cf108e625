/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the readers of a model server's reply (pl_chat):
 * Ollama's NDJSON and an OpenAI-compatible server's Server-Sent Events
 * arrive from the network in pieces of any size (SECURITY.md 22). Input: a
 * flags byte (bit 0: the kind; bits 1-3: stop after that many events; bits
 * 4-6: 7 adds a line just under and then over PL_CHAT_LINE_MAX, 6 data
 * lines past it), a count n (mod 16), n chunk sizes, then the stream.
 *
 * The stream is read three times: whole, in the chunks the input chose,
 * and one byte at a time, each piece in a malloc block of its own size so
 * that ASan sees a read past it. The three must give the same events, the
 * same relayed lines, the same status and the same done flag. Every event
 * keeps its promises (text valid UTF-8 and not empty, none after a stop),
 * a relayed line is one JSON object, and the caps hold: a line of
 * PL_CHAT_LINE_MAX - 1 bytes is read, one byte more ends the reading, and
 * data lines cannot gather more than PL_CHAT_LINE_MAX. t/fuzz/chat.t
 * seeds it with what Ollama and OpenAI send. */
#include <string.h>

#include <apr_strings.h>
#include <jansson.h>

#include "fuzz.h"
#include "chat/pl_chat.h"
#include "core/pl_status.h"

typedef struct {
    apr_pool_t *p;
    pl_chat_reader_t *r;
    char *log;                 /* one NUL-ended record per event or line */
    size_t log_len, log_cap;
    int stop_after, events, stopped;
} reading_t;

static void log_add(reading_t *rd, const char *record)
{
    size_t n = strlen(record) + 1;

    if (rd->log_len + n > rd->log_cap) {
        char *bigger;
        while (rd->log_len + n > rd->log_cap)
            rd->log_cap = rd->log_cap ? 2 * rd->log_cap : 256;
        bigger = apr_palloc(rd->p, rd->log_cap);
        if (rd->log_len)
            memcpy(bigger, rd->log, rd->log_len);
        rd->log = bigger;
    }
    memcpy(rd->log + rd->log_len, record, n);
    rd->log_len += n;
}

static void check_text(const char *text)
{
    size_t n;

    require(text && *text);
    n = strlen(text);
    require(n < PL_CHAT_LINE_MAX && fuzz_utf8((const unsigned char *)text, n));
}

static int on_event(void *baton, const pl_chat_event_t *ev)
{
    reading_t *rd = baton;

    require(!rd->stopped);
    switch (ev->type) {
    case PL_CHAT_TOKEN:
    case PL_CHAT_THINKING:
    case PL_CHAT_ERROR:
        check_text(ev->text);
        log_add(rd, apr_psprintf(rd->p, "%d:%s", (int)ev->type, ev->text));
        break;
    case PL_CHAT_DONE:
        require(pl_chat_reader_done(rd->r));
        if (ev->done_reason)
            require(fuzz_utf8((const unsigned char *)ev->done_reason, strlen(ev->done_reason)));
        log_add(rd, apr_psprintf(rd->p, "D:%" APR_INT64_T_FMT "/%" APR_INT64_T_FMT "/%"
                                 APR_INT64_T_FMT "/%" APR_INT64_T_FMT "/%s", ev->prompt_tokens,
                                 ev->completion_tokens, ev->total_ns, ev->eval_ns,
                                 ev->done_reason ? ev->done_reason : "(none)"));
        break;
    default:
        require(!"an event of no known type");
    }
    rd->stopped = rd->stop_after && ++rd->events >= rd->stop_after;
    return rd->stopped;
}

/* NDJSON only: each line that is a JSON object, as the server wrote it. */
static int on_line(void *baton, const char *line, apr_size_t len)
{
    reading_t *rd = baton;
    json_t *j;

    require(!rd->stopped && len < PL_CHAT_LINE_MAX && !memchr(line, '\n', len));
    j = json_loadb(line, len, 0, NULL);
    require(json_is_object(j));
    json_decref(j);
    log_add(rd, apr_psprintf(rd->p, "L:%s", apr_pstrmemdup(rd->p, line, len)));
    return 0;
}

/* A piece of the stream fed from a block of exactly its size. */
static apr_status_t feed(reading_t *rd, const uint8_t *data, size_t len)
{
    char *piece = malloc(len ? len : 1);
    apr_status_t rv;

    if (!piece)
        abort();
    memcpy(piece, data, len);
    rv = pl_chat_reader_feed(rd->r, piece, len);
    free(piece);
    require(rv == APR_SUCCESS || rv == PL_EUPSTREAM || rv == APR_EINTR);
    require(rd->stopped == (rv == APR_EINTR));
    return rv;
}

static void start(reading_t *rd, apr_pool_t *p, pl_server_kind_e kind, int stop_after)
{
    memset(rd, 0, sizeof(*rd));
    rd->p = p;
    rd->stop_after = stop_after;
    rd->r = pl_chat_reader_create_for(p, kind, on_event, rd);
    if (kind == PL_SERVER_OLLAMA)
        pl_chat_reader_on_line(rd->r, on_line, rd);
}

/* Feeds len bytes in pieces of the sizes given (0 allowed), then the rest;
 * step > 0 instead cuts every step bytes. Stops at the first failure. */
static apr_status_t feed_all(reading_t *rd, const uint8_t *data, size_t len,
                             const uint8_t *sizes, size_t nsizes, size_t step)
{
    apr_status_t rv = APR_SUCCESS;
    size_t at = 0, i = 0;

    while (rv == APR_SUCCESS && (at < len || i < nsizes)) {
        size_t n = step ? step : i < nsizes ? sizes[i++] : len - at;
        if (n > len - at)
            n = len - at;
        rv = feed(rd, data + at, n);
        at += n;
    }
    return rv;
}

#define FILLER_LEN (64 * 1024)

/* A line just under the cap is still read; one byte more ends the reading.
 * No event comes out of either: the line never ended. */
static void line_cap(reading_t *rd, const uint8_t *stream, size_t len)
{
    size_t pending = len, left, n;
    const uint8_t *nl;
    size_t events = rd->log_len;
    static char x[FILLER_LEN];

    if (!x[0])
        memset(x, 'x', sizeof(x));
    for (nl = stream; (nl = memchr(nl, '\n', (size_t)(stream + len - nl))); nl++)
        pending = len - (size_t)(nl + 1 - stream);
    for (left = PL_CHAT_LINE_MAX - 1 - pending; left; left -= n) {
        n = left < sizeof(x) ? left : sizeof(x);
        require(feed(rd, (const uint8_t *)x, n) == APR_SUCCESS);
    }
    require(rd->log_len == events);
    require(feed(rd, (const uint8_t *)"x", 1) == PL_EUPSTREAM);
    require(rd->log_len == events);
}

/* SSE: data lines gather into one event until a blank line; however many
 * come, the reading ends before they pass the cap, and no event escapes. */
static void data_cap(reading_t *rd)
{
    static char line[FILLER_LEN];
    const size_t data = sizeof(line) - 7;   /* "data: " and "\n" */
    size_t gathered = 0, events;
    int k;
    apr_status_t rv;

    if (!line[0]) {
        memcpy(line, "data: ", 6);
        memset(line + 6, 'x', data);
        line[sizeof(line) - 1] = '\n';
    }
    if (feed(rd, (const uint8_t *)"\n", 1) != APR_SUCCESS)
        return;
    events = rd->log_len;
    for (k = 0; k < 2 * (PL_CHAT_LINE_MAX / (int)data + 1); k++) {
        rv = feed(rd, (const uint8_t *)line, sizeof(line));
        require(rd->log_len == events);
        if (rv != APR_SUCCESS) {
            require(rv == PL_EUPSTREAM);
            return;
        }
        gathered += data + (gathered ? 1 : 0);
        require(gathered <= PL_CHAT_LINE_MAX);
    }
    require(!"data lines gathered past the cap");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    pl_server_kind_e kind;
    int stop_after, cap;
    size_t nsizes, len;
    const uint8_t *sizes, *stream;
    reading_t whole, chunked, bytes;
    apr_status_t rv_whole, rv_chunked, rv_bytes;

    if (size < 2)
        return 0;
    kind = data[0] & 1 ? PL_SERVER_OPENAI : PL_SERVER_OLLAMA;
    stop_after = (data[0] >> 1) & 7;
    cap = (data[0] >> 4) & 7;
    nsizes = data[1] % 16;
    if (size < 2 + nsizes)
        return 0;
    sizes = data + 2;
    stream = sizes + nsizes;
    len = size - 2 - nsizes;

    p = fuzz_pool();
    start(&whole, p, kind, stop_after);
    start(&chunked, p, kind, stop_after);
    start(&bytes, p, kind, stop_after);
    rv_whole = feed_all(&whole, stream, len, NULL, 0, 0);
    rv_chunked = feed_all(&chunked, stream, len, sizes, nsizes, 0);
    rv_bytes = feed_all(&bytes, stream, len, NULL, 0, 1);

    require(rv_whole == rv_chunked && rv_whole == rv_bytes);
    require(whole.log_len == chunked.log_len && whole.log_len == bytes.log_len);
    require(!whole.log_len || (!memcmp(whole.log, chunked.log, whole.log_len)
                               && !memcmp(whole.log, bytes.log, whole.log_len)));
    require(pl_chat_reader_done(whole.r) == pl_chat_reader_done(chunked.r)
            && pl_chat_reader_done(whole.r) == pl_chat_reader_done(bytes.r));

    if (rv_chunked == APR_SUCCESS && cap == 7)
        line_cap(&chunked, stream, len);
    else if (rv_chunked == APR_SUCCESS && cap == 6 && kind == PL_SERVER_OPENAI)
        data_cap(&chunked);
    apr_pool_destroy(p);
    return 0;
}
