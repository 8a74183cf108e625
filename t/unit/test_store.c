/* SPDX-License-Identifier: Apache-2.0 */
/* pl_migrate, pl_store_projects and pl_prompts on a real SQLite database. */
#include "unit_db.h"
#include "db/pl_migrate.h"
#include "chat/pl_prompts.h"
#include "core/pl_status.h"
#include "projects/pl_store_projects.h"
#include "core/pl_version.h"

static pl_project_t *project(apr_pool_t *p, const char *name)
{
    pl_project_t *proj = apr_pcalloc(p, sizeof(*proj));

    proj->name = name;
    proj->description = "";
    static int made;

    proj->local_path = apr_psprintf(p, "/tmp/p%d", ++made);   /* no two share a directory */
    proj->status = "active";
    return proj;
}

static void migrate_is_idempotent(void **state)
{
    unit_db_t *f = *state;
    const char *err;
    int from, to, version;

    assert_int_equal(pl_migrate_apply(f->db, f->p, PL_SRCDIR "/schema", &from, &to, NULL, NULL,
                                      &err), APR_SUCCESS);
    assert_int_equal(from, PL_SCHEMA_VERSION);
    assert_int_equal(to, PL_SCHEMA_VERSION);
    assert_int_equal(pl_migrate_version(f->db, f->p, &version), APR_SUCCESS);
    assert_int_equal(version, PL_SCHEMA_VERSION);
}

static void crud(void **state)
{
    unit_db_t *f = *state;
    pl_project_t *a = project(f->p, "alpha"), *got;

    assert_int_equal(pl_store_project_insert(f->db, f->p, a), APR_SUCCESS);
    assert_true(a->id > 0);
    assert_int_equal(pl_store_project_get(f->db, f->p, a->id, &got), APR_SUCCESS);
    assert_string_equal(got->name, "alpha");
    assert_null(got->repository_url);
    assert_string_equal(got->created_at, a->created_at);

    got->repository_url = "https://h/r";
    got->status = "archived";
    assert_int_equal(pl_store_project_update(f->db, f->p, got), APR_SUCCESS);
    assert_int_equal(pl_store_project_get(f->db, f->p, a->id, &got), APR_SUCCESS);
    assert_string_equal(got->repository_url, "https://h/r");
    assert_string_equal(got->status, "archived");
    assert_int_equal(pl_store_project_get(f->db, f->p, a->id + 100, &got), PL_ENOTFOUND);
}

/* Two accounts to own projects: names are unique per owner. */
static void owners(unit_db_t *f)
{
    assert_int_equal(pl_db_exec_text(f->db, f->p,
        "INSERT INTO users (id, username, role, created_at, updated_at) VALUES"
        " (1, 'ann', 'developer', 'now', 'now'), (2, 'bob', 'developer', 'now', 'now')"),
        APR_SUCCESS);
}

static void names_are_unique_per_owner(void **state)
{
    unit_db_t *f = *state;
    pl_project_t *a = project(f->p, "same"), *b = project(f->p, "same"), *c = project(f->p, "Same"),
                 *other = project(f->p, "same");

    owners(f);
    a->owner_id = b->owner_id = c->owner_id = 1;
    other->owner_id = 2;
    assert_int_equal(pl_store_project_insert(f->db, f->p, a), APR_SUCCESS);
    assert_int_equal(pl_store_project_insert(f->db, f->p, b), PL_ECONFLICT);
    assert_int_equal(pl_store_project_insert(f->db, f->p, c), APR_SUCCESS);
    c->name = "same";
    assert_int_equal(pl_store_project_update(f->db, f->p, c), PL_ECONFLICT);
    /* another owner's project of the same name is no conflict */
    assert_int_equal(pl_store_project_insert(f->db, f->p, other), APR_SUCCESS);
}

/* No two projects share or nest directories, whoever owns them and archived
 * or not; a project's own unchanged path never blocks its other changes. */
static void paths_never_overlap(void **state)
{
    unit_db_t *f = *state;
    pl_project_t *a = project(f->p, "a"), *b = project(f->p, "b"), *c = project(f->p, "c");

    a->local_path = "/srv/p/a";
    a->status = "archived";
    a->owner_id = 0;
    assert_int_equal(pl_store_project_insert(f->db, f->p, a), APR_SUCCESS);
    b->local_path = "/srv/p/a";
    assert_int_equal(pl_store_project_insert(f->db, f->p, b), PL_EINVAL);
    b->local_path = "/srv/p/a/inner";
    assert_int_equal(pl_store_project_insert(f->db, f->p, b), PL_EINVAL);
    b->local_path = "/srv/p";
    assert_int_equal(pl_store_project_insert(f->db, f->p, b), PL_EINVAL);
    b->local_path = "/srv/p/ab";                 /* a sibling with the same prefix */
    assert_int_equal(pl_store_project_insert(f->db, f->p, b), APR_SUCCESS);
    c->local_path = "/srv/p/c";
    assert_int_equal(pl_store_project_insert(f->db, f->p, c), APR_SUCCESS);
    c->local_path = "/srv/p/ab/c";               /* moved into another's */
    assert_int_equal(pl_store_project_update(f->db, f->p, c), PL_EINVAL);
    c->local_path = "/srv/p/c";
    c->name = "c renamed";
    assert_int_equal(pl_store_project_update(f->db, f->p, c), APR_SUCCESS);
}

static void writes_raise_the_revision(void **state)
{
    unit_db_t *f = *state;
    pl_project_t *a = project(f->p, "rev"), *dup = project(f->p, "rev");
    apr_int64_t r0, r1, r2, r3;

    owners(f);
    a->owner_id = dup->owner_id = 1;
    assert_int_equal(pl_store_projects_revision(f->db, f->p, &r0), APR_SUCCESS);
    assert_int_equal(pl_store_project_insert(f->db, f->p, a), APR_SUCCESS);
    assert_int_equal(pl_store_projects_revision(f->db, f->p, &r1), APR_SUCCESS);
    assert_true(r1 > r0);
    a->description = "changed";
    assert_int_equal(pl_store_project_update(f->db, f->p, a), APR_SUCCESS);
    assert_int_equal(pl_store_projects_revision(f->db, f->p, &r2), APR_SUCCESS);
    assert_true(r2 > r1);
    /* a refused write changes nothing, the revision included */
    assert_int_equal(pl_store_project_insert(f->db, f->p, dup), PL_ECONFLICT);
    assert_int_equal(pl_store_projects_revision(f->db, f->p, &r3), APR_SUCCESS);
    assert_int_equal(r3, r2);
}

static void lists_newest_first(void **state)
{
    unit_db_t *f = *state;
    pl_project_filter_t all = { .limit = 2 }, archived = { .status = "archived", .limit = 10 };
    apr_array_header_t *items;
    apr_int64_t total;
    pl_project_t *last = NULL;
    int i;

    for (i = 0; i < 5; i++) {
        last = project(f->p, apr_psprintf(f->p, "p%d", i));
        assert_int_equal(pl_store_project_insert(f->db, f->p, last), APR_SUCCESS);
    }
    last->status = "archived";
    assert_int_equal(pl_store_project_update(f->db, f->p, last), APR_SUCCESS);

    assert_int_equal(pl_store_project_list(f->db, f->p, &all, &items, &total), APR_SUCCESS);
    assert_int_equal(total, 5);
    assert_int_equal(items->nelts, 2);
    assert_string_equal(APR_ARRAY_IDX(items, 0, pl_project_t *)->name, "p4");
    assert_string_equal(APR_ARRAY_IDX(items, 1, pl_project_t *)->name, "p3");
    all.offset = 4;
    assert_int_equal(pl_store_project_list(f->db, f->p, &all, &items, &total), APR_SUCCESS);
    assert_int_equal(items->nelts, 1);
    assert_string_equal(APR_ARRAY_IDX(items, 0, pl_project_t *)->name, "p0");
    assert_int_equal(pl_store_project_list(f->db, f->p, &archived, &items, &total), APR_SUCCESS);
    assert_int_equal(total, 1);
    assert_string_equal(APR_ARRAY_IDX(items, 0, pl_project_t *)->name, "p4");
}

/* A prompt's versions, and a write over a version that is no longer the
 * newest refused (two editors at once), without a trace. */
static void prompt_versions_and_stale_writes(void **state)
{
    unit_db_t *f = *state;
    pl_prompt_t *pr = apr_pcalloc(f->p, sizeof(*pr)), *stale, *now;
    pl_prompt_version_t *v;
    apr_array_header_t *items;
    apr_int64_t total;

    pr->name = "p";
    pr->description = "";
    pr->body = "one {{x}}";
    pr->tags = apr_array_make(f->p, 2, sizeof(const char *));
    APR_ARRAY_PUSH(pr->tags, const char *) = "a";
    assert_int_equal(pl_prompts_insert(f->db, f->p, pr), APR_SUCCESS);
    assert_int_equal(pr->version, 1);
    assert_int_equal(pl_prompts_get(f->db, f->p, pr->id, &stale), APR_SUCCESS);

    pr->body = "two";
    assert_int_equal(pl_prompts_update(f->db, f->p, pr, 1, 0, 0), APR_SUCCESS);
    assert_int_equal(pr->version, 2);
    stale->body = "lost";
    assert_int_equal(pl_prompts_update(f->db, f->p, stale, 1, 0, 0), APR_EAGAIN);

    assert_int_equal(pl_prompts_get(f->db, f->p, pr->id, &now), APR_SUCCESS);
    assert_string_equal(now->body, "two");
    assert_int_equal(now->version, 2);
    assert_int_equal(now->tags->nelts, 1);
    assert_int_equal(pl_prompt_versions_list(f->db, f->p, pr->id, 10, 0, &items, &total), APR_SUCCESS);
    assert_int_equal(total, 2);
    assert_int_equal(pl_prompt_versions_get(f->db, f->p, pr->id, 1, &v), APR_SUCCESS);
    assert_string_equal(v->body, "one {{x}}");
    assert_int_equal(pl_prompt_versions_get(f->db, f->p, pr->id, 3, &v), PL_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_DB_TEST(migrate_is_idempotent),
        UNIT_DB_TEST(crud),
        UNIT_DB_TEST(names_are_unique_per_owner),
        UNIT_DB_TEST(paths_never_overlap),
        UNIT_DB_TEST(writes_raise_the_revision),
        UNIT_DB_TEST(lists_newest_first),
        UNIT_DB_TEST(prompt_versions_and_stale_writes),
    };
    return UNIT_RUN(tests);
}
