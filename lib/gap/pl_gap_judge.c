/* SPDX-License-Identifier: Apache-2.0 */
/* The optional second opinion: lexical matching cannot tell a distractor
 * (the concept's words in code that does something else) from the real
 * thing, a model reading the code can. Only the tasks whose calibrated
 * score sits within a band of a threshold are asked about, in plan order,
 * so a budget of calls and seconds goes where a verdict could turn. The
 * model sees the task, its objective and the top chunks of code with line
 * numbers, and answers yes, no or unclear on its first line, then the line
 * it relies on. Nothing else of the analysis depends on it: without
 * --judge the verdicts are the lexical ones. */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_network_io.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "chat/pl_chat_oneshot.h"
#include "code/pl_code.h"
#include "core/pl_http.h"
#include "core/pl_url.h"
#include "gap/pl_gap_int.h"

#define CHUNKS 3                /* chunks quoted per task */
#define CHUNK_LINES 60          /* lines quoted per chunk, from its start */
#define MAX_FILE (4 * 1024 * 1024)
#define REPLY_TOKENS 120
#define MAX_REPLY (64 * 1024)
#define LINE_CHARS 200          /* of the quoted line kept */

static const char SYSTEM[] =
    "You review source code. You are given a task from a project plan and excerpts of the "
    "project's code with line numbers. Say whether the code shown does the task. Answer on the "
    "first line with one word: yes, no or unclear. On the second line quote the one line of "
    "code your answer relies on.";

/* Lines start..end (at most CHUNK_LINES) of a file, numbered. */
static const char *quote(apr_pool_t *p, const char *root, const pl_gap_evidence_t *e)
{
    apr_size_t len, at = 0;
    char *text = pl_code_read_file(p, apr_pstrcat(p, root, "/", e->path, NULL), MAX_FILE, &len);
    apr_array_header_t *out = apr_array_make(p, CHUNK_LINES, sizeof(const char *));
    int line = 1, last = e->end_line < e->line + CHUNK_LINES - 1 ? e->end_line
                                                                 : e->line + CHUNK_LINES - 1;

    if (!text)
        return NULL;
    while (at < len && line <= last) {
        const char *eol = memchr(text + at, '\n', len - at);
        apr_size_t end = eol ? (apr_size_t)(eol - text) : len;
        if (line >= e->line)
            APR_ARRAY_PUSH(out, const char *) =
                apr_psprintf(p, "%d: %.*s\n", line, (int)(end - at), text + at);
        at = end + 1;
        line++;
    }
    free(text);
    return apr_pstrcat(p, e->path, " lines ", apr_itoa(p, e->line), "-", apr_itoa(p, last),
                       ":\n```\n", apr_array_pstrcat(p, out, 0), "```\n", NULL);
}

static const char *question(apr_pool_t *p, const char *root, const pl_gap_objective_t *go,
                            const pl_gap_task_t *t)
{
    apr_array_header_t *parts = apr_array_make(p, CHUNKS + 2, sizeof(const char *));
    int i;

    APR_ARRAY_PUSH(parts, const char *) =
        apr_psprintf(p, "Task: %s\nPart of: %s\n\nCode:\n", t->text, go->objective->title);
    for (i = 0; i < t->evidence->nelts && i < CHUNKS; i++) {
        const char *q = quote(p, root, &APR_ARRAY_IDX(t->evidence, i, pl_gap_evidence_t));
        if (q)
            APR_ARRAY_PUSH(parts, const char *) = q;
    }
    APR_ARRAY_PUSH(parts, const char *) =
        "\nDoes this code do the task? Answer yes, no or unclear, then quote the line.";
    return apr_array_pstrcat(p, parts, 0);
}

pl_gap_answer_e pl_gap_judge_parse(apr_pool_t *p, const char *reply, const char **line)
{
    static const struct { const char *word; pl_gap_answer_e a; } words[] = {
        { "yes", PL_JUDGE_YES }, { "no", PL_JUDGE_NO }, { "unclear", PL_JUDGE_UNCLEAR },
    };
    const char *s = reply, *rest;
    pl_gap_answer_e a = PL_JUDGE_UNCLEAR;
    apr_size_t i, n;

    *line = NULL;
    if (!s)
        return PL_JUDGE_FAILED;
    while (*s && !apr_isalpha(*s))
        s++;
    for (n = 0; apr_isalpha(s[n]); n++)
        ;
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (n == strlen(words[i].word) && strncasecmp(s, words[i].word, n) == 0)
            a = words[i].a;
    for (rest = s + n; *rest; ) {
        const char *eol = strchr(rest, '\n');
        apr_size_t len = eol ? (apr_size_t)(eol - rest) : strlen(rest);
        const char *b = rest;
        while (len && (apr_isspace(*b) || strchr("*_.,:;-`\"'", *b))) {
            b++;
            len--;
        }
        while (len && (apr_isspace(b[len - 1]) || strchr("*_`\"'", b[len - 1])))
            len--;
        if (len)
            *line = apr_pstrmemdup(p, b, len < LINE_CHARS ? len : LINE_CHARS);
        if (*line || !eol)
            break;
        rest = eol + 1;
    }
    return a;
}

static int uncertain(const pl_gap_task_t *t, double band, double done_at, double partial_at)
{
    return t->evidence->nelts
        && ((t->lexical >= done_at - band && t->lexical < done_at + band)
            || (t->lexical >= partial_at - band && t->lexical < partial_at + band));
}

/* Every address may be asked: the person running the analysis chose the
 * server (a model on loopback or the LAN is the usual case). */
static const apr_array_header_t *anywhere(apr_pool_t *p)
{
    /* two halves each: APR takes no subnet of 0 bits */
    static const char *const halves[][2] = {
        { "0.0.0.0", "1" }, { "128.0.0.0", "1" }, { "::", "1" }, { "8000::", "1" },
    };
    apr_array_header_t *all = apr_array_make(p, 4, sizeof(apr_ipsubnet_t *));
    apr_ipsubnet_t *net;
    apr_size_t i;

    for (i = 0; i < sizeof(halves) / sizeof(halves[0]); i++)
        if (apr_ipsubnet_create(&net, halves[i][0], halves[i][1], p) == APR_SUCCESS)
            APR_ARRAY_PUSH(all, apr_ipsubnet_t *) = net;
    return all;
}

void pl_gap_judge(apr_pool_t *p, const pl_gap_judge_options_t *o, const char *root,
                  double done_at, double partial_at, pl_gap_t *g)
{
    pl_server_kind_e kind = o->openai ? PL_SERVER_OPENAI : PL_SERVER_OLLAMA;
    int calls = o->max_calls > 0 ? o->max_calls : PL_GAP_JUDGE_CALLS, i, j;
    apr_time_t start = apr_time_now();
    apr_time_t budget = apr_time_from_sec(o->max_seconds > 0 ? o->max_seconds
                                                             : PL_GAP_JUDGE_SECONDS);
    double band = o->band > 0 ? o->band : PL_GAP_JUDGE_BAND;
    const char *why = NULL;
    pl_url_t url;
    apr_pool_t *rp;

    g->judge_model = o->model;
    if (pl_url_check(p, o->url, anywhere(p), &url, &why) != APR_SUCCESS) {
        g->judge_error = apr_psprintf(p, "the model server %s cannot be used: %s", o->url,
                                      why ? why : "bad URL");
        return;
    }
    apr_pool_create(&rp, p);
    for (i = 0; i < g->objectives->nelts; i++) {
        pl_gap_objective_t *go = &APR_ARRAY_IDX(g->objectives, i, pl_gap_objective_t);
        for (j = 0; j < go->tasks->nelts; j++) {
            pl_gap_task_t *t = &APR_ARRAY_IDX(go->tasks, j, pl_gap_task_t);
            apr_time_t left = budget - (apr_time_now() - start);
            pl_http_req_t req;
            pl_http_resp_t resp;

            if (!uncertain(t, band, done_at, partial_at))
                continue;
            if (g->judge_calls >= calls || left <= 0) {
                g->judge_stopped++;
                continue;
            }
            memset(&req, 0, sizeof(req));
            req.method = "POST";
            req.base = &url;
            req.path = pl_chat_oneshot_path(kind);
            req.body = pl_chat_oneshot_request(rp, kind, o->model, SYSTEM,
                                               question(rp, root, go, t), 0.0, REPLY_TOKENS);
            req.connect_timeout_ms = 5000;
            req.timeout_ms = (long)apr_time_as_msec(left);
            req.max_response = MAX_REPLY;
            g->judge_calls++;
            if (pl_http_do(rp, &req, &resp) != APR_SUCCESS || resp.status != 200) {
                t->answer = PL_JUDGE_FAILED;
                g->judge_error = resp.error ? apr_pstrdup(p, resp.error)
                               : apr_psprintf(p, "the model server answered HTTP %ld", resp.status);
            }
            else
                t->answer = pl_gap_judge_parse(p, pl_chat_oneshot_content(rp, kind, resp.body,
                                                                          resp.len),
                                               &t->answer_line);
            apr_pool_clear(rp);
        }
    }
    apr_pool_destroy(rp);
    g->judge_seconds = (double)(apr_time_now() - start) / APR_USEC_PER_SEC;
}
