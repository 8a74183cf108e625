/* SPDX-License-Identifier: Apache-2.0 */
/* pl_project: what a valid project is, for create, replace and patch. */
#include "unit.h"
#include "core/pl_path.h"
#include "projects/pl_project.h"
#include "core/pl_status.h"

/* "/": a project lies strictly below a root, so /tmp may be one. */
static apr_array_header_t *tmp_root(apr_pool_t *p)
{
    apr_array_header_t *roots = apr_array_make(p, 1, sizeof(const char *));

    APR_ARRAY_PUSH(roots, const char *) = "/";
    return roots;
}

static apr_status_t apply(apr_pool_t *p, pl_project_t *proj, const char *json,
                          pl_project_mode_e mode, pl_invalid_t *inv)
{
    const char *err;
    pl_json_t *in;

    assert_int_equal(pl_json_parse(&in, p, json, strlen(json), 32, &err), APR_SUCCESS);
    memset(inv, 0, sizeof(*inv));
    return pl_project_apply(proj, in, mode, tmp_root(p), p, inv);
}

static void create_valid(void **state)
{
    pl_project_t proj = { 0 };
    pl_invalid_t inv;

    assert_int_equal(apply(*state, &proj, "{\"name\":\"demo\",\"local_path\":\"/tmp\"}",
                           PL_PROJECT_CREATE, &inv), APR_SUCCESS);
    assert_string_equal(proj.name, "demo");
    assert_string_equal(proj.description, "");
    assert_string_equal(proj.status, "active");
    assert_null(proj.repository_url);
}

static void create_refusals(void **state)
{
    static const struct { const char *json, *field; } cases[] = {
        { "{\"local_path\":\"/tmp\"}", "name" },
        { "{\"name\":\"\",\"local_path\":\"/tmp\"}", "name" },
        { "{\"name\":7,\"local_path\":\"/tmp\"}", "name" },
        { "{\"name\":\"a\\nb\",\"local_path\":\"/tmp\"}", "name" },
        { "{\"name\":\"a\\u0085b\",\"local_path\":\"/tmp\"}", "name" },   /* C1 NEL */
        { "{\"name\":\"a\\u2029b\",\"local_path\":\"/tmp\"}", "name" },   /* paragraph sep */
        { "{\"name\":\"x\"}", "local_path" },
        { "{\"name\":\"x\",\"local_path\":\"tmp\"}", "local_path" },
        { "{\"name\":\"x\",\"local_path\":\"/\"}", "local_path" },
        { "{\"name\":\"x\",\"local_path\":\"/etc/passwd\"}", "local_path" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"description\":null}", "description" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"status\":\"gone\"}", "status" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"owner\":1}", "owner" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"repository_url\":\"file:///etc\"}", "repository_url" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"repository_url\":\"-oProxyCommand=x\"}", "repository_url" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"repository_url\":\"ext::sh -c x\"}", "repository_url" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"repository_url\":\"https://\"}", "repository_url" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"repository_url\":\"http://h/r\"}", "repository_url" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"repository_url\":\"a/b@c:d\"}", "repository_url" },
        { "{\"name\":\"x\",\"local_path\":\"/tmp\",\"repository_url\":5}", "repository_url" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pl_project_t proj = { 0 };
        pl_invalid_t inv;
        if (apply(*state, &proj, cases[i].json, PL_PROJECT_CREATE, &inv) != PL_EINVAL)
            fail_msg("accepted %s", cases[i].json);
        assert_non_null(inv.message);
        if (!inv.field || strcmp(inv.field, cases[i].field))
            fail_msg("%s: field %s, expected %s", cases[i].json, inv.field, cases[i].field);
    }
}

static void name_length_in_characters(void **state)
{
    apr_pool_t *p = *state;
    char *name = apr_palloc(p, 255 * 2 + 3);
    pl_project_t proj = { 0 };
    pl_invalid_t inv;
    int i;

    for (i = 0; i < 255; i++)
        memcpy(name + 2 * i, "\xc3\xa9", 2);   /* é: 255 characters, 510 bytes */
    name[510] = '\0';
    assert_int_equal(apply(p, &proj, apr_psprintf(p, "{\"name\":\"%s\",\"local_path\":\"/tmp\"}",
                                                  name), PL_PROJECT_CREATE, &inv), APR_SUCCESS);
    assert_int_equal(apply(p, &proj, apr_psprintf(p, "{\"name\":\"%sx\",\"local_path\":\"/tmp\"}",
                                                  name), PL_PROJECT_CREATE, &inv), PL_EINVAL);
}

static void repository_urls(void **state)
{
    static const char *const good[] = {
        "https://github.com/o/r.git", "ssh://git@github.com/o/r.git", "git@github.com:o/r.git",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        pl_project_t proj = { 0 };
        pl_invalid_t inv;
        const char *json = apr_psprintf(*state, "{\"name\":\"x\",\"local_path\":\"/tmp\","
                                        "\"repository_url\":\"%s\"}", good[i]);
        if (apply(*state, &proj, json, PL_PROJECT_CREATE, &inv) != APR_SUCCESS)
            fail_msg("refused %s: %s", good[i], inv.message);
        assert_string_equal(proj.repository_url, good[i]);
    }
}

static void patch_and_replace(void **state)
{
    pl_project_t proj = { 1, "old", "desc", "/tmp", "https://h/r", "archived", "t", "t", 0 };
    pl_invalid_t inv;

    assert_int_equal(apply(*state, &proj, "{\"description\":\"new\",\"repository_url\":null}",
                           PL_PROJECT_PATCH, &inv), APR_SUCCESS);
    assert_string_equal(proj.name, "old");
    assert_string_equal(proj.description, "new");
    assert_null(proj.repository_url);
    assert_string_equal(proj.status, "archived");

    assert_int_equal(apply(*state, &proj, "{\"description\":\"x\"}", PL_PROJECT_REPLACE, &inv),
                     PL_EINVAL);
    assert_int_equal(apply(*state, &proj, "{\"name\":\"n\",\"local_path\":\"/tmp\"}",
                           PL_PROJECT_REPLACE, &inv), APR_SUCCESS);
    assert_string_equal(proj.description, "");
    assert_string_equal(proj.status, "archived");   /* PUT without status keeps it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(create_valid),
        UNIT_TEST(create_refusals),
        UNIT_TEST(name_length_in_characters),
        UNIT_TEST(repository_urls),
        UNIT_TEST(patch_and_replace),
    };
    return UNIT_RUN(tests);
}
