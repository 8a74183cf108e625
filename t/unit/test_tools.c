/* SPDX-License-Identifier: Apache-2.0 */
/* lib/tools on a real SQLite database and a real checkout: the registry,
 * argument validation against each schema, the caller's rights (a viewer
 * cannot write, a project outside the chat's or the key's is refused, one
 * the caller may not see does not exist), read_file's confinement (no
 * "..", no symlink out), and the plan tools writing new versions whose
 * author is the caller. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_file_io.h>

#include "unit_db.h"
#include "core/pl_status.h"
#include "auth/pl_members.h"
#include "auth/pl_store_users.h"
#include "core/pl_errors.h"
#include "plan/pl_plan_versions.h"
#include "projects/pl_store_projects.h"
#include "tools/pl_tools.h"

#define PLAN "# Plan\n\n## AUTH-1: Sign-in\n\nPeople sign in.\n\n- [ ] Login form\n" \
             "- [x] Password hashing\n\n## SYNC-2: Sync\n\n- [ ] Push changes\n"

typedef struct {
    unit_db_t *db;
    const char *base, *proj;
    apr_array_header_t *roots;
    apr_int64_t project, dev, viewer, stranger;
} fx_t;

static void put(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static apr_int64_t user(fx_t *f, const char *name, pl_role_e role)
{
    pl_user_t *u = apr_pcalloc(f->db->p, sizeof(*u));

    u->username = name;
    u->role = role;
    u->status = "active";
    u->source = "local";
    u->password_hash = "x";
    assert_int_equal(pl_store_user_insert(f->db->db, f->db->p, u), APR_SUCCESS);
    return u->id;
}

static int setup(void **state)
{
    apr_pool_t *p;
    pl_project_t *proj;
    fx_t *f;

    unit_db_setup(state);
    p = ((unit_db_t *)*state)->p;
    f = apr_pcalloc(p, sizeof(*f));
    f->db = *state;
    f->base = unit_tempdir(p, "pl_tools_");
    f->proj = apr_pstrcat(p, f->base, "/roots/proj", NULL);
    assert_int_equal(mkdir(apr_pstrcat(p, f->base, "/roots", NULL), 0755), 0);
    assert_int_equal(mkdir(f->proj, 0755), 0);
    assert_int_equal(mkdir(apr_pstrcat(p, f->proj, "/src", NULL), 0755), 0);
    assert_int_equal(mkdir(apr_pstrcat(p, f->base, "/outside", NULL), 0755), 0);
    put(apr_pstrcat(p, f->proj, "/MASTER_PLAN.md", NULL), PLAN);
    put(apr_pstrcat(p, f->proj, "/src/main.c", NULL), "int main(void)\n{\n    return 0;\n}\n");
    put(apr_pstrcat(p, f->proj, "/blob.bin", NULL), "a\001\377\376b");
    put(apr_pstrcat(p, f->base, "/outside/passwd", NULL), "root:x:0:0\n");
    assert_int_equal(symlink(apr_pstrcat(p, f->base, "/outside/passwd", NULL),
                             apr_pstrcat(p, f->proj, "/out", NULL)), 0);
    f->roots = apr_array_make(p, 1, sizeof(const char *));
    APR_ARRAY_PUSH(f->roots, const char *) = apr_pstrcat(p, f->base, "/roots", NULL);
    f->dev = user(f, "dev", PL_ROLE_DEVELOPER);
    f->viewer = user(f, "vic", PL_ROLE_VIEWER);
    f->stranger = user(f, "stranger", PL_ROLE_DEVELOPER);
    proj = apr_pcalloc(p, sizeof(*proj));
    proj->name = "tools";
    proj->description = "";
    proj->local_path = f->proj;
    proj->status = "active";
    proj->owner_id = f->dev;
    assert_int_equal(pl_store_project_insert(f->db->db, p, proj), APR_SUCCESS);
    f->project = proj->id;
    assert_int_equal(pl_members_set(f->db->db, p, f->project, f->viewer, PL_ROLE_VIEWER),
                     APR_SUCCESS);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;

    unit_rmtree(f->db->p, f->base);
    *state = f->db;
    return unit_db_teardown(state);
}

static pl_tools_ctx_t ctx_of(fx_t *f, apr_int64_t uid, pl_role_e role)
{
    pl_tools_ctx_t c;

    memset(&c, 0, sizeof(c));
    c.pool = f->db->p;
    c.db = f->db->db;
    c.user_id = uid;
    c.user_role = role;
    c.role = role;
    c.roots = f->roots;
    return c;
}

/* Calls name with args; returns the result, asserting error or not. */
static pl_tools_result_t call(pl_tools_ctx_t *c, const char *name, const char *args,
                              const char *code)
{
    pl_tools_result_t r;

    pl_tools_call(c, name, args, args ? strlen(args) : 0, &r);
    if (code) {
        if (!r.error || strcmp(r.code, code))
            fail_msg("%s %s: expected %s, got %s", name, args ? args : "", code, r.text);
    }
    else if (r.error)
        fail_msg("%s %s: %s", name, args ? args : "", r.text);
    assert_true(r.len <= PL_TOOLS_RESULT_MAX);
    return r;
}

#define ARGS(...) apr_psprintf(f->db->p, __VA_ARGS__)

static void registry(void **state)
{
    fx_t *f = *state;
    pl_tools_ctx_t viewer = ctx_of(f, f->viewer, PL_ROLE_VIEWER);
    pl_tools_ctx_t dev = ctx_of(f, f->dev, PL_ROLE_DEVELOPER);
    const pl_tool_t *all;
    apr_array_header_t *list;
    int n, i, writes = 0;

    all = pl_tools_all(&n);
    assert_int_equal(n, 14);
    for (i = 0; i < n; i++) {
        assert_ptr_equal(pl_tools_find(all[i].name), &all[i]);
        assert_non_null(pl_tools_schema(f->db->p, &all[i]));
        assert_true(all[i].writes ? all[i].role == PL_ROLE_DEVELOPER
                                  : all[i].role == PL_ROLE_VIEWER);
        writes += all[i].writes;
    }
    assert_int_equal(writes, 5);
    assert_null(pl_tools_find("rm_rf"));
    assert_null(pl_tools_find(NULL));
    /* a viewer is offered the reads only; without the job callback, no run_analysis */
    list = pl_tools_list(f->db->p, &viewer, 1);
    assert_int_equal(list->nelts, 9);
    for (i = 0; i < list->nelts; i++)
        assert_false(APR_ARRAY_IDX(list, i, const pl_tool_t *)->writes);
    assert_int_equal(pl_tools_list(f->db->p, &dev, 1)->nelts, 13);
    assert_int_equal(pl_tools_list(f->db->p, &dev, 0)->nelts, 9);
}

static void validation(void **state)
{
    fx_t *f = *state;
    pl_tools_ctx_t c = ctx_of(f, f->dev, PL_ROLE_DEVELOPER);
    pl_tools_result_t r;

    c.project_id = f->project;
    r = call(&c, "nope", "{}", PL_ERR_TOOL_UNKNOWN);
    assert_non_null(strstr(r.text, "no tool named nope"));
    r = call(&c, "read_file", "{\"path\":", PL_ERR_TOOL_ARGUMENTS);
    assert_non_null(strstr(r.text, "not JSON"));
    call(&c, "read_file", "[1]", PL_ERR_TOOL_ARGUMENTS);
    r = call(&c, "read_file", "{}", PL_ERR_TOOL_ARGUMENTS);
    assert_non_null(strstr(r.text, "path is required"));
    r = call(&c, "read_file", "{\"path\":7}", PL_ERR_TOOL_ARGUMENTS);
    assert_non_null(strstr(r.text, "path must be a string, not an integer"));
    r = call(&c, "read_file", "{\"path\":\"a\",\"mode\":\"w\"}", PL_ERR_TOOL_ARGUMENTS);
    assert_non_null(strstr(r.text, "mode is not an argument of read_file"));
    r = call(&c, "list_objectives", "{\"verdict\":\"maybe\"}", PL_ERR_TOOL_ARGUMENTS);
    assert_non_null(strstr(r.text, "verdict must be one of done, partial, missing"));
    r = call(&c, "git_log", "{\"limit\":0}", PL_ERR_TOOL_ARGUMENTS);
    assert_non_null(strstr(r.text, "limit must be at least 1"));
    r = call(&c, "git_log", "{\"limit\":1.5}", PL_ERR_TOOL_ARGUMENTS);
    assert_non_null(strstr(r.text, "limit must be an integer"));
    r = call(&c, "update_task", "{\"objective_id\":\"AUTH-1\",\"task\":\"x\",\"done\":\"yes\"}",
             PL_ERR_TOOL_ARGUMENTS);
    assert_non_null(strstr(r.text, "done must be a boolean"));
    call(&c, "search_code", ARGS("{\"query\":\"%0601d\"}", 1), PL_ERR_TOOL_ARGUMENTS);
    /* absent arguments are {} */
    r = call(&c, "list_projects", NULL, NULL);
    assert_non_null(strstr(r.text, "\"name\":\"tools\""));
}

static void rights(void **state)
{
    fx_t *f = *state;
    pl_tools_ctx_t viewer = ctx_of(f, f->viewer, PL_ROLE_VIEWER);
    pl_tools_ctx_t stranger = ctx_of(f, f->stranger, PL_ROLE_DEVELOPER);
    pl_tools_ctx_t dev = ctx_of(f, f->dev, PL_ROLE_DEVELOPER);
    const char *proj = ARGS("{\"project_id\":%" APR_INT64_T_FMT "}", f->project);
    pl_tools_result_t r;
    pl_plan_version_t *v;

    /* a viewer reads and cannot write */
    call(&viewer, "get_plan", proj, NULL);
    r = call(&viewer, "add_objective", ARGS("{\"project_id\":%" APR_INT64_T_FMT
                                            ",\"title\":\"Mine\"}", f->project),
             PL_ERR_TOOL_FORBIDDEN);
    assert_non_null(strstr(r.text, "needs the role developer"));
    /* a developer account that is only a viewer in the project: refused there */
    assert_int_equal(pl_members_set(f->db->db, f->db->p, f->project, f->stranger, PL_ROLE_VIEWER),
                     APR_SUCCESS);
    r = call(&stranger, "add_task", ARGS("{\"project_id\":%" APR_INT64_T_FMT ",\"objective_id\":"
                                         "\"AUTH-1\",\"task\":\"t\"}", f->project),
             PL_ERR_TOOL_FORBIDDEN);
    assert_non_null(strstr(r.text, "your role in this project (viewer)"));
    assert_int_equal(pl_members_remove(f->db->db, f->db->p, f->project, f->stranger), APR_SUCCESS);
    /* a project the caller may not see does not exist for it */
    call(&stranger, "get_plan", proj, PL_ERR_NOT_FOUND);
    r = call(&stranger, "list_projects", "{}", NULL);
    assert_null(strstr(r.text, "\"tools\""));
    /* a key narrowed to reading (role viewer) cannot write */
    dev.role = PL_ROLE_VIEWER;
    call(&dev, "add_objective", ARGS("{\"project_id\":%" APR_INT64_T_FMT ",\"title\":\"K\"}",
                                     f->project), PL_ERR_TOOL_FORBIDDEN);
    dev.role = PL_ROLE_DEVELOPER;
    /* the key's project limit and the chat's project */
    dev.key_project = f->project + 1;
    r = call(&dev, "get_plan", proj, PL_ERR_TOOL_FORBIDDEN);
    assert_non_null(strstr(r.text, "limited to another project"));
    dev.key_project = 0;
    dev.project_id = f->project + 1;
    call(&dev, "get_plan", proj, PL_ERR_TOOL_FORBIDDEN);
    dev.project_id = 0;
    call(&dev, "get_plan", "{}", PL_ERR_TOOL_ARGUMENTS);
    /* nothing was written by the refused calls: the only version is the one on disk */
    call(&dev, "get_plan", proj, NULL);
    assert_int_equal(pl_plan_versions_get(f->db->db, f->db->p, f->project, 2, &v), PL_ENOTFOUND);
}

static void read_file_confined(void **state)
{
    fx_t *f = *state;
    pl_tools_ctx_t c = ctx_of(f, f->viewer, PL_ROLE_VIEWER);
    pl_tools_result_t r;

    c.project_id = f->project;
    r = call(&c, "read_file", "{\"path\":\"src/main.c\"}", NULL);
    assert_non_null(strstr(r.text, "\"content\":\"int main(void)\\n{\\n    return 0;\\n}\\n\""));
    r = call(&c, "read_file", "{\"path\":\"src/main.c\",\"from_line\":3,\"lines\":1}", NULL);
    assert_non_null(strstr(r.text, "\"content\":\"    return 0;\\n\""));
    assert_non_null(strstr(r.text, "\"truncated\":true"));
    call(&c, "read_file", "{\"path\":\"../outside/passwd\"}", PL_ERR_INVALID_PATH);
    call(&c, "read_file", "{\"path\":\"/etc/passwd\"}", PL_ERR_INVALID_PATH);
    r = call(&c, "read_file", "{\"path\":\"out\"}", PL_ERR_PATH_FORBIDDEN);
    assert_null(strstr(r.text, "root:x"));
    call(&c, "read_file", "{\"path\":\"blob.bin\"}", PL_ERR_BINARY_FILE);
    call(&c, "read_file", "{\"path\":\"src\"}", PL_ERR_NOT_FOUND);
    call(&c, "read_file", "{\"path\":\"missing.c\"}", PL_ERR_NOT_FOUND);
}

static const char *plan_text(fx_t *f)
{
    char *text;
    apr_size_t len;
    apr_file_t *fd;
    apr_finfo_t fi;
    const char *path = apr_pstrcat(f->db->p, f->proj, "/MASTER_PLAN.md", NULL);

    assert_int_equal(apr_stat(&fi, path, APR_FINFO_SIZE, f->db->p), APR_SUCCESS);
    text = apr_pcalloc(f->db->p, (apr_size_t)fi.size + 1);
    assert_int_equal(apr_file_open(&fd, path, APR_FOPEN_READ, 0, f->db->p), APR_SUCCESS);
    len = (apr_size_t)fi.size;
    assert_int_equal(apr_file_read_full(fd, text, len, &len), APR_SUCCESS);
    apr_file_close(fd);
    return text;
}

static void plan_edits(void **state)
{
    fx_t *f = *state;
    pl_tools_ctx_t c = ctx_of(f, f->dev, PL_ROLE_DEVELOPER);
    pl_tools_result_t r;
    pl_plan_version_t *v;

    c.project_id = f->project;
    r = call(&c, "get_plan", "{\"markdown\":false}", NULL);
    assert_null(strstr(r.text, "\"markdown\""));
    assert_non_null(strstr(r.text, "\"version\":1"));
    assert_non_null(strstr(r.text, "Login form"));

    r = call(&c, "update_task", "{\"objective_id\":\"AUTH-1\",\"task\":\"login form\","
             "\"done\":true}", NULL);
    assert_non_null(strstr(r.text, "\"version\":2"));
    assert_non_null(strstr(plan_text(f), "- [x] Login form\n- [x] Password hashing\n"));
    assert_int_equal(pl_plan_versions_get(f->db->db, f->db->p, f->project, 2, &v), APR_SUCCESS);
    assert_int_equal(v->author_id, f->dev);
    assert_string_equal(v->author, "dev");
    call(&c, "update_task", "{\"objective_id\":\"AUTH-1\",\"task\":\"Password\",\"done\":false}",
         NULL);
    assert_non_null(strstr(plan_text(f), "- [x] Login form\n- [ ] Password hashing\n"));
    call(&c, "update_task", "{\"objective_id\":\"AUTH-9\",\"task\":\"x\",\"done\":true}",
         PL_ERR_NOT_FOUND);
    call(&c, "update_task", "{\"objective_id\":\"AUTH-1\",\"task\":\"Logout\",\"done\":true}",
         PL_ERR_NOT_FOUND);

    call(&c, "add_task", "{\"objective_id\":\"SYNC-2\",\"task\":\"Pull changes\"}", NULL);
    assert_non_null(strstr(plan_text(f), "- [ ] Push changes\n- [ ] Pull changes\n"));
    call(&c, "add_task", "{\"objective_id\":\"SYNC-2\",\"task\":\"a\\nb\"}", PL_ERR_TOOL_ARGUMENTS);

    call(&c, "add_objective", "{\"title\":\"EXP-3: Export\",\"description\":\"As CSV.\","
         "\"tasks\":[\"CSV writer\",\"Download button\"]}", NULL);
    assert_non_null(strstr(plan_text(f), "- [ ] Pull changes\n\n## EXP-3: Export\n\nAs CSV.\n\n"
                           "- [ ] CSV writer\n- [ ] Download button\n"));
    r = call(&c, "get_plan", "{}", NULL);
    assert_non_null(strstr(r.text, "\"id\":\"EXP-3\""));

    call(&c, "edit_plan_section", "{\"heading\":\"SYNC-2: Sync\",\"markdown\":\"Both ways.\\n\\n"
         "- [x] Push changes\"}", NULL);
    assert_string_equal(plan_text(f), "# Plan\n\n## AUTH-1: Sign-in\n\nPeople sign in.\n\n"
                        "- [x] Login form\n- [ ] Password hashing\n\n## SYNC-2: Sync\n\nBoth ways."
                        "\n\n- [x] Push changes\n\n## EXP-3: Export\n\nAs CSV.\n\n- [ ] CSV writer\n"
                        "- [ ] Download button\n");
    call(&c, "edit_plan_section", "{\"heading\":\"Nope\",\"markdown\":\"x\"}", PL_ERR_NOT_FOUND);
    assert_int_equal(pl_plan_versions_get(f->db->db, f->db->p, f->project, 6, &v), APR_SUCCESS);
    assert_int_equal(v->author_id, f->dev);
}

static void analysis_tools(void **state)
{
    fx_t *f = *state;
    pl_tools_ctx_t c = ctx_of(f, f->viewer, PL_ROLE_VIEWER);
    pl_tools_result_t r;

    c.project_id = f->project;
    r = call(&c, "list_objectives", "{}", PL_ERR_NO_ANALYSIS);
    assert_non_null(strstr(r.text, "run_analysis"));
    call(&c, "get_objective", "{\"objective_id\":\"AUTH-1\"}", PL_ERR_NO_ANALYSIS);
    call(&c, "list_recommendations", "{}", PL_ERR_NO_ANALYSIS);
    call(&c, "run_analysis", "{}", PL_ERR_TOOL_FORBIDDEN);
    r = call(&c, "search_code", "{\"query\":\"main return\"}", NULL);
    assert_non_null(strstr(r.text, "\"path\":\"src/main.c\""));
    assert_non_null(strstr(r.text, "\"line\":1"));
    call(&c, "git_status", "{}", PL_ERR_NOT_A_REPOSITORY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(registry, setup, teardown),
        cmocka_unit_test_setup_teardown(validation, setup, teardown),
        cmocka_unit_test_setup_teardown(rights, setup, teardown),
        cmocka_unit_test_setup_teardown(read_file_confined, setup, teardown),
        cmocka_unit_test_setup_teardown(plan_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(analysis_tools, setup, teardown),
    };

    return UNIT_RUN(tests);
}
