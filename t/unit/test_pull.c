/* SPDX-License-Identifier: Apache-2.0 */
/* pl_pull: model names as Ollama checks them, and /api/pull's NDJSON
 * progress read into a job's progress (the status sequence of OLLAMA.md 5). */
#include "unit.h"
#include "chat/pl_pull.h"
#include "core/pl_status.h"

static void names(void **state)
{
    static const char *const good[] = {
        "llama3.2", "llama3.2:1b", "llama3.2:latest", "qwen3:0.6b", "library/llama3.2:3b",
        "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "registry.local:5000/team/model:v1",
        "nomic-embed-text", "_private:x", "a", NULL
    };
    static const char *const bad[] = {
        "", ":", "llama:", ":tag", "-llama", ".llama", "llama 3", "llama;rm", "llama/", "/llama",
        "a/b/c/d", "ns.dots/model", "model:tag:more", "model:ta g", "../../etc/passwd",
        "llama\n", "ll\xc3\xa9ma", "model@sha256:abc", NULL
    };
    const char *const *n;
    const char *why;
    char *long_part = apr_pcalloc(*state, 100);

    (void)state;
    for (n = good; *n; n++)
        if (!pl_pull_name_valid(*n, &why))
            fail_msg("refused %s", *n);
    for (n = bad; *n; n++)
        if (pl_pull_name_valid(*n, &why))
            fail_msg("accepted \"%s\"", *n);
    memset(long_part, 'a', 81);
    assert_false(pl_pull_name_valid(long_part, &why));
    long_part[80] = '\0';
    assert_true(pl_pull_name_valid(long_part, &why));
}

typedef struct {
    apr_pool_t *p;
    char log[8192];
    int stop_at;
    int n;
} seen_t;

static int on_change(void *baton, const pl_job_progress_t *pr)
{
    seen_t *s = baton;
    const char *add = apr_psprintf(s->p, "%s %d%%|", pr->message, pr->percent);

    apr_cpystrn(s->log + strlen(s->log), add, sizeof(s->log) - strlen(s->log));
    return s->stop_at && ++s->n >= s->stop_at;
}

static const char *const PULL =
    "{\"status\":\"pulling manifest\"}\n"
    "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff\",\"total\":2019377376}\n"
    "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff\",\"total\":2019377376,\"completed\":504844344}\n"
    "{\"status\":\"pulling dde5aa3fc5ff\",\"digest\":\"sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff\",\"total\":2019377376,\"completed\":2019377376}\n"
    "{\"status\":\"pulling 966de95ca8a6\",\"digest\":\"sha256:966de95ca8a62200913e3f8bfbf84c8494536f1b94b49166851e76644e966396\",\"total\":1429,\"completed\":1429}\n"
    "{\"status\":\"verifying sha256 digest\"}\n"
    "{\"status\":\"writing manifest\"}\n"
    "{\"status\":\"success\"}\n";

static void progress_sequence(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_pull_reader_t *r = pl_pull_reader_create(*state, on_change, &s);
    const pl_job_progress_t *pr;
    apr_size_t i, len = strlen(PULL);

    /* in pieces of 5 bytes: lines cut anywhere */
    for (i = 0; i < len; i += 5)
        assert_int_equal(pl_pull_reader_feed(r, PULL + i, len - i < 5 ? len - i : 5), APR_SUCCESS);
    /* one change per status, not per line */
    assert_string_equal(s.log, "pulling manifest 0%|pulling dde5aa3fc5ff 0%|pulling 966de95ca8a6 100%|"
                               "verifying sha256 digest 100%|writing manifest 100%|success 100%|");
    assert_true(pl_pull_reader_succeeded(r));
    assert_null(pl_pull_reader_error(r));
    pr = pl_pull_reader_progress(r);
    assert_null(pr->digest);   /* the last steps are not a layer's */
    assert_int_equal(pr->percent, 100);
}

static void layer_bytes(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_pull_reader_t *r = pl_pull_reader_create(*state, on_change, &s);
    const pl_job_progress_t *pr;

    assert_int_equal(pl_pull_reader_feed(r, PULL, strstr(PULL, "\"completed\":504844344}\n") - PULL
                                         + strlen("\"completed\":504844344}\n")), APR_SUCCESS);
    pr = pl_pull_reader_progress(r);
    assert_string_equal(pr->message, "pulling dde5aa3fc5ff");
    assert_string_equal(pr->digest, "sha256:dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff");
    assert_int_equal(pr->total, 2019377376);
    assert_int_equal(pr->completed, 504844344);
    assert_int_equal(pr->percent, 25);
    assert_false(pl_pull_reader_succeeded(r));
}

static void failures(void **state)
{
    seen_t s = { *state, "", 0, 0 };
    pl_pull_reader_t *r = pl_pull_reader_create(*state, on_change, &s);
    const char *unknown = "{\"status\":\"pulling manifest\"}\n"
                          "{\"error\":\"pull model manifest: file does not exist\"}\n";

    assert_int_equal(pl_pull_reader_feed(r, unknown, strlen(unknown)), APR_SUCCESS);
    assert_string_equal(pl_pull_reader_error(r), "pull model manifest: file does not exist");
    assert_false(pl_pull_reader_succeeded(r));

    r = pl_pull_reader_create(*state, on_change, &s);
    assert_int_equal(pl_pull_reader_feed(r, "{\"status\":\"pulling\n", 19), PL_EUPSTREAM);

    s.log[0] = '\0';
    s.stop_at = 2;
    r = pl_pull_reader_create(*state, on_change, &s);
    assert_int_equal(pl_pull_reader_feed(r, PULL, strlen(PULL)), APR_EINTR);
    assert_string_equal(s.log, "pulling manifest 0%|pulling dde5aa3fc5ff 0%|");
}

/* Feeds one line and returns the progress after it. */
static const pl_job_progress_t *line(pl_pull_reader_t *r, const char *text)
{
    assert_int_equal(pl_pull_reader_feed(r, text, strlen(text)), APR_SUCCESS);
    return pl_pull_reader_progress(r);
}

/* The overall figure: summed over the layers seen (by digest), never going
 * back when a new layer makes the sum of totals grow, below 100 until
 * "success". */
static void overall(void **state)
{
    pl_pull_reader_t *r = pl_pull_reader_create(*state, NULL, NULL);
    const pl_job_progress_t *pr = pl_pull_reader_progress(r);

    assert_int_equal(pr->overall_percent, 0);
    assert_true(pr->overall_total < 0 && pr->overall_completed < 0);   /* unknown yet */
    line(r, "{\"status\":\"pulling manifest\"}\n");
    line(r, "{\"status\":\"pulling aaaa\",\"digest\":\"sha256:aaaa\",\"total\":1000}\n");
    assert_int_equal(pr->overall_total, 1000);
    assert_int_equal(pr->overall_completed, 0);
    line(r, "{\"status\":\"pulling aaaa\",\"digest\":\"sha256:aaaa\",\"total\":1000,\"completed\":500}\n");
    assert_int_equal(pr->overall_percent, 50);
    assert_int_equal(pr->percent, 50);
    line(r, "{\"status\":\"pulling aaaa\",\"digest\":\"sha256:aaaa\",\"total\":1000,\"completed\":1000}\n");
    assert_int_equal(pr->percent, 100);            /* the layer is done */
    assert_int_equal(pr->overall_percent, 99);     /* the pull is not */
    /* a second layer: 1000 of 3000 bytes is 33 %, but the figure stays */
    line(r, "{\"status\":\"pulling bbbb\",\"digest\":\"sha256:bbbb\",\"total\":2000}\n");
    assert_int_equal(pr->overall_total, 3000);
    assert_int_equal(pr->overall_completed, 1000);
    assert_int_equal(pr->overall_percent, 99);
    assert_int_equal(pr->percent, 0);
    line(r, "{\"status\":\"pulling bbbb\",\"digest\":\"sha256:bbbb\",\"total\":2000,\"completed\":1500}\n");
    assert_int_equal(pr->overall_completed, 2500);
    /* a layer reported again (Ollama repeats a layer it has) is not added twice */
    line(r, "{\"status\":\"pulling aaaa\",\"digest\":\"sha256:aaaa\",\"total\":1000,\"completed\":1000}\n");
    assert_int_equal(pr->overall_total, 3000);
    assert_int_equal(pr->overall_completed, 2500);
    line(r, "{\"status\":\"verifying sha256 digest\"}\n");
    assert_int_equal(pr->overall_total, 3000);     /* kept past the layers */
    assert_int_equal(pr->overall_percent, 99);
    line(r, "{\"status\":\"success\"}\n");
    assert_int_equal(pr->overall_percent, 100);

    /* from a second layer on, the figure rises as the bytes do */
    r = pl_pull_reader_create(*state, NULL, NULL);
    pr = pl_pull_reader_progress(r);
    line(r, "{\"status\":\"pulling aaaa\",\"digest\":\"sha256:aaaa\",\"total\":100,\"completed\":10}\n");
    line(r, "{\"status\":\"pulling bbbb\",\"digest\":\"sha256:bbbb\",\"total\":900,\"completed\":890}\n");
    assert_int_equal(pr->overall_percent, 90);

    /* a resumed pull goes on from what the earlier attempt reached */
    r = pl_pull_reader_create(*state, NULL, NULL);
    pl_pull_reader_resume(r, 40);
    pr = pl_pull_reader_progress(r);
    line(r, "{\"status\":\"pulling aaaa\",\"digest\":\"sha256:aaaa\",\"total\":100,\"completed\":10}\n");
    assert_int_equal(pr->overall_percent, 40);
    line(r, "{\"status\":\"pulling aaaa\",\"digest\":\"sha256:aaaa\",\"total\":100,\"completed\":60}\n");
    assert_int_equal(pr->overall_percent, 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(names),
        UNIT_TEST(progress_sequence),
        UNIT_TEST(layer_bytes),
        UNIT_TEST(failures),
        UNIT_TEST(overall),
    };
    return UNIT_RUN(tests);
}
