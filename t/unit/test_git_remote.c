/* SPDX-License-Identifier: Apache-2.0 */
/* lib/git's network side without a network: the remote URLs and branch
 * names refused before anything starts (SECURITY.md item 28), the OpenSSH
 * container of the deploy key (checked against ssh-keygen, which reads it
 * as libssh2 does), and the seal it is kept under (labels and bindings). */
#include <sys/stat.h>

#include "unit.h"
#include "core/pl_seal.h"
#include "core/pl_status.h"
#include "git/pl_git_netjob.h"
#include "git/pl_git_netproc.h"
#include "git/pl_git_ref.h"
#include "git/pl_git_sshkey.h"
#include "git/pl_git_url.h"

static void test_urls_accepted(void **state)
{
    apr_pool_t *p = *state;
    pl_git_url_t *u;
    const char *why;

    assert_true(pl_git_url_parse(p, "https://git.example.com/team/shop.git", &u, &why));
    assert_false(u->ssh);
    assert_string_equal(u->host_id, "git.example.com:443");
    assert_true(pl_git_url_parse(p, "ssh://git@127.0.0.1:2222/srv/repo.git", &u, &why));
    assert_true(u->ssh);
    assert_string_equal(u->user, "git");
    assert_string_equal(u->host_id, "127.0.0.1:2222");
    assert_string_equal(u->path, "srv/repo.git");
    assert_true(pl_git_url_parse(p, "git@github.com:team/shop.git", &u, &why));
    assert_true(u->ssh);
    assert_string_equal(u->host_id, "github.com:22");
    assert_string_equal(u->path, "team/shop.git");
    assert_true(pl_git_url_parse(p, "ssh://root@[::1]:22/x.git", &u, &why));
    assert_string_equal(u->host_id, "[::1]:22");
}

static void test_urls_refused(void **state)
{
    static const char *const BAD[] = {
        "", "-oProxyCommand=touch /tmp/x", "--upload-pack=touch /tmp/x",
        "file:///etc", "file://localhost/srv/repo", "ext::sh -c touch% /tmp/x",
        "/srv/repo.git", "../repo", "repo.git", "http://git.example.com/x.git",
        "git://git.example.com/x.git", "https://user:token@git.example.com/x.git",
        "https://token@git.example.com/x.git", "ssh://-oProxyCommand=x/repo",
        "ssh://git@-host/repo", "git@host:-repo", "-git@host:repo", "git@host:",
        "https://git.example.com", "https://git.example.com/x?y", "https://git.example.com/a b",
        "ssh://git@host:99999/x", "https://git.example.com:0/x", "ssh://git@host/x\n",
        "host:repo", "a/b@host:repo", "ssh://git@[zz]/x",
    };
    apr_pool_t *p = *state;
    pl_git_url_t *u;
    const char *why;
    size_t i;

    for (i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        why = NULL;
        if (pl_git_url_parse(p, BAD[i], &u, &why))
            fail_msg("accepted: %s", BAD[i]);
        assert_non_null(why);
    }
    assert_false(pl_git_url_parse(p, NULL, &u, &why));
}

static void test_branches(void **state)
{
    static const char *const BAD[] = {
        "-f", "--force", "a..b", "HEAD", "@", "main@{1}", ":/x", "a b", "a~1", "a^", "a:b",
        "refs/../x", ".hidden", "x.lock", "",
    };
    const char *why;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++)
        if (pl_git_branch_name_ok(BAD[i], &why))
            fail_msg("accepted: %s", BAD[i]);
    assert_true(pl_git_branch_name_ok("main", &why));
    assert_true(pl_git_branch_name_ok("feature/cart", &why));
}

/* RFC 8032's first test vector: the container must give back its public
 * key to ssh-keygen, and its fingerprint must be ssh-keygen's. */
static void test_openssh_container(void **state)
{
    static const unsigned char SEED[32] = {
        0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec,
        0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03,
        0x1c, 0xae, 0x7f, 0x60 };
    static const unsigned char PUB[32] = {
        0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64,
        0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68,
        0xf7, 0x07, 0x51, 0x1a };
    apr_pool_t *p = *state;
    const char *dir = unit_tempdir(p, "sshkey"), *file = apr_pstrcat(p, dir, "/id", NULL);
    const char *pem = pl_git_sshkey_encode_private(p, SEED, PUB, "mod_planning-1", 0x01020304);
    const char *line = pl_git_sshkey_public_line(p, PUB, "mod_planning-1");
    char out[512];
    FILE *f;

    assert_non_null(strstr(pem, "-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    assert_non_null(strstr(pem, "-----END OPENSSH PRIVATE KEY-----\n"));
    f = fopen(file, "w");
    assert_non_null(f);
    fputs(pem, f);
    fclose(f);
    chmod(file, 0600);
    f = popen(apr_pstrcat(p, "ssh-keygen -y -f ", file, " 2>&1", NULL), "r");
    assert_non_null(f);
    assert_non_null(fgets(out, sizeof(out), f));
    pclose(f);
    out[strcspn(out, "\n")] = '\0';
    assert_string_equal(out, line);
    assert_int_equal(strncmp(line, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", 37), 0);
    unit_rmtree(p, dir);
}

static void test_generate(void **state)
{
    apr_pool_t *p = *state;
    const char *dir = unit_tempdir(p, "sshgen"), *file = apr_pstrcat(p, dir, "/id", NULL);
    pl_git_sshkey_t *a, *b;
    char out[512];
    FILE *f;

    assert_int_equal(pl_git_sshkey_generate(p, "mod_planning-7", &a), APR_SUCCESS);
    assert_int_equal(pl_git_sshkey_generate(p, "mod_planning-7", &b), APR_SUCCESS);
    assert_string_not_equal(a->public_line, b->public_line);
    assert_non_null(strstr(a->public_line, " mod_planning-7"));
    f = fopen(file, "w");
    fputs(a->private_pem, f);
    fclose(f);
    chmod(file, 0600);
    f = popen(apr_pstrcat(p, "ssh-keygen -l -E sha256 -f ", file, " 2>&1", NULL), "r");
    assert_non_null(fgets(out, sizeof(out), f));
    pclose(f);
    /* "256 SHA256:... mod_planning-7 (ED25519)" */
    assert_non_null(strstr(out, a->fingerprint));
    assert_int_equal(strncmp(a->fingerprint, "SHA256:", 7), 0);
    assert_null(strchr(a->fingerprint, '='));
    unit_rmtree(p, dir);
}

static void test_seal_labels(void **state)
{
    apr_pool_t *p = *state;
    static const unsigned char KEY[32] = "0123456789abcdef0123456789abcdef";
    const char *sealed;
    char *back;
    apr_size_t n;

    assert_int_equal(pl_seal(p, KEY, 32, "label a", "7", "key bytes\0more", 14, &sealed),
                     APR_SUCCESS);
    assert_int_equal(pl_seal_open(p, KEY, 32, "label a", "7", sealed, &back, &n), APR_SUCCESS);
    assert_int_equal(n, 14);
    assert_memory_equal(back, "key bytes\0more", 14);
    /* another label (kind of secret) or another row does not open it */
    assert_int_equal(pl_seal_open(p, KEY, 32, "label b", "7", sealed, &back, &n), PL_EINVAL);
    assert_int_equal(pl_seal_open(p, KEY, 32, "label a", "8", sealed, &back, &n), PL_EINVAL);
    assert_int_equal(pl_seal_open(p, KEY, 31, "label a", "7", sealed, &back, &n), PL_EINVAL);
}

static void test_netreq(void **state)
{
    apr_pool_t *p = *state;
    static const char KEY[] = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\"\\\t\n-----END\n";
    pl_git_netreq_t r, back;
    const char *why;
    apr_size_t len;
    char *json;

    memset(&r, 0, sizeof(r));
    r.operation = PL_JOB_GIT_PULL;
    r.dir = "/srv/p/shop";
    r.url = "ssh://git@127.0.0.1:2222/srv/repo.git";
    r.ssh_private = KEY;
    r.host_fingerprint = "SHA256:abc";
    r.host_confirmed = 1;
    r.timeout = apr_time_from_sec(6);
    json = pl_git_netreq_json(p, &r, &len);
    assert_int_equal(strlen(json), len);
    assert_int_equal(pl_git_netreq_parse(p, json, len, &back, &why), APR_SUCCESS);
    assert_string_equal(back.operation, PL_JOB_GIT_PULL);
    assert_string_equal(back.dir, r.dir);
    assert_string_equal(back.url, r.url);
    assert_null(back.branch);
    assert_string_equal(back.ssh_private, KEY);
    assert_null(back.https_token);
    assert_string_equal(back.host_fingerprint, "SHA256:abc");
    assert_true(back.host_confirmed);
    assert_null(back.ca_file);
    assert_true(back.timeout == apr_time_from_sec(6));
    /* no host key recorded, an https token */
    r.ssh_private = r.host_fingerprint = NULL;
    r.https_user = "bot";
    r.https_token = "tok";
    json = pl_git_netreq_json(p, &r, &len);
    assert_int_equal(pl_git_netreq_parse(p, json, len, &back, &why), APR_SUCCESS);
    assert_null(back.host_fingerprint);
    assert_string_equal(back.https_user, "bot");
    assert_string_equal(back.https_token, "tok");
}

static void test_netreq_refused(void **state)
{
    static const char *const BAD[] = {
        "", "[]", "{}", "{\"operation\":\"git.gc\",\"dir\":\"/x\",\"url\":\"u\",\"timeout_ms\":1}",
        "{\"operation\":\"git.fetch\",\"dir\":\"x\",\"url\":\"u\",\"timeout_ms\":1}",
        "{\"operation\":\"git.fetch\",\"dir\":\"/x\",\"url\":\"u\",\"host_key\":null}",
        "{\"operation\":\"git.fetch\",\"dir\":\"/x\",\"url\":\"u\",\"host_key\":null,\"timeout_ms\":1,\"x\":1}",
        "{\"operation\":\"git.fetch\",\"dir\":\"/x\",\"url\":\"u\",\"host_key\":{\"fingerprint\":\"f\"},\"timeout_ms\":1}",
        "{\"operation\":\"git.fetch\",\"dir\":\"/x\",\"url\":\"u\",\"host_key\":null,\"branch\":1,\"timeout_ms\":1}",
        NULL
    };
    apr_pool_t *p = *state;
    pl_git_netreq_t r;
    const char *why;
    int i;

    for (i = 0; BAD[i]; i++) {
        why = NULL;
        assert_int_equal(pl_git_netreq_parse(p, BAD[i], strlen(BAD[i]), &r, &why), PL_EINVAL);
        assert_non_null(why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_urls_accepted),
        UNIT_TEST(test_urls_refused),
        UNIT_TEST(test_branches),
        UNIT_TEST(test_openssh_container),
        UNIT_TEST(test_generate),
        UNIT_TEST(test_seal_labels),
        UNIT_TEST(test_netreq),
        UNIT_TEST(test_netreq_refused),
    };

    return UNIT_RUN(tests);
}
