/* SPDX-License-Identifier: Apache-2.0 */
/* pl_plan_store and pl_plan_versions on a real SQLite database and a real
 * checkout: a change on disk recorded once (also when another request
 * recorded it first), saves numbered in order, the file replaced, a plan
 * file that is a symlink out refused with nothing written. */
#include <unistd.h>

#include "unit_db.h"
#include "core/pl_status.h"
#include "plan/pl_plan_file.h"
#include "plan/pl_plan_store.h"
#include "projects/pl_store_projects.h"

static apr_int64_t project(unit_db_t *f, const char *dir)
{
    pl_project_t *proj = apr_pcalloc(f->p, sizeof(*proj));

    proj->name = "plan";
    proj->description = "";
    proj->local_path = dir;
    proj->status = "active";
    assert_int_equal(pl_store_project_insert(f->db, f->p, proj), APR_SUCCESS);
    return proj->id;
}

static void spew(apr_pool_t *p, const char *path, const char *text)
{
    assert_int_equal(pl_plan_file_write(p, path, text, strlen(text)), APR_SUCCESS);
}

static void disk_change_recorded_once(void **state)
{
    unit_db_t *f = *state;
    const char *dir = unit_tempdir(f->p, "pl_plan_store_"), *why;
    apr_int64_t id = project(f, dir);
    pl_plan_current_t *cur;
    pl_plan_version_t *v, *again;
    apr_int64_t total;
    apr_array_header_t *items;

    assert_int_equal(pl_plan_current(f->db, f->p, id, dir, &cur, &why), APR_SUCCESS);
    assert_null(cur->name);
    assert_int_equal(cur->version, 0);

    spew(f->p, apr_pstrcat(f->p, dir, "/MASTER_PLAN.md", NULL), "# One\n");
    assert_int_equal(pl_plan_current(f->db, f->p, id, dir, &cur, &why), APR_SUCCESS);
    assert_int_equal(cur->version, 1);
    assert_int_equal(pl_plan_current(f->db, f->p, id, dir, &cur, &why), APR_SUCCESS);
    assert_int_equal(cur->version, 1);
    assert_int_equal(pl_plan_versions_get(f->db, f->p, id, 1, &v), APR_SUCCESS);
    assert_int_equal(v->author_id, 0);
    assert_string_equal(v->message, PL_PLAN_FOUND_ON_DISK);
    assert_string_equal(v->markdown, "# One\n");
    assert_string_equal(v->hash, pl_plan_file_hash(f->p, "# One\n", 6));

    /* the race of two reads: the second finds the first's row and adds none */
    again = apr_pcalloc(f->p, sizeof(*again));
    again->project_id = id;
    again->markdown = "# One\n";
    again->bytes = 6;
    again->hash = v->hash;
    assert_int_equal(pl_plan_versions_add(f->db, f->p, again, 1), APR_SUCCESS);
    assert_int_equal(again->n, 1);
    assert_int_equal(pl_plan_versions_list(f->db, f->p, id, 10, 0, &items, &total), APR_SUCCESS);
    assert_int_equal(total, 1);
    unit_rmtree(f->p, dir);
}

static void saves_in_order(void **state)
{
    unit_db_t *f = *state;
    const char *dir = unit_tempdir(f->p, "pl_plan_store_"), *why;
    apr_int64_t id = project(f, dir), total;
    pl_plan_current_t *cur;
    pl_plan_version_t *v;
    apr_array_header_t *items;
    char *text;
    apr_size_t len;

    assert_int_equal(pl_plan_current(f->db, f->p, id, dir, &cur, &why), APR_SUCCESS);
    v = apr_pcalloc(f->p, sizeof(*v));
    v->message = "first";
    assert_int_equal(pl_plan_save(f->db, f->p, cur, "# A\n", 4, v, &why), APR_SUCCESS);
    assert_int_equal(v->n, 1);
    v = apr_pcalloc(f->p, sizeof(*v));
    v->restored_from = 1;
    assert_int_equal(pl_plan_save(f->db, f->p, cur, "# B\n", 4, v, &why), APR_SUCCESS);
    assert_int_equal(v->n, 2);
    assert_int_equal(cur->version, 2);
    assert_int_equal(pl_plan_file_read(f->p, apr_pstrcat(f->p, dir, "/MASTER_PLAN.md", NULL), 1,
                                       &text, &len), APR_SUCCESS);
    assert_string_equal(text, "# B\n");
    assert_int_equal(pl_plan_versions_list(f->db, f->p, id, 1, 0, &items, &total), APR_SUCCESS);
    assert_int_equal(total, 2);
    v = APR_ARRAY_IDX(items, 0, pl_plan_version_t *);
    assert_int_equal(v->n, 2);
    assert_int_equal(v->restored_from, 1);
    assert_null(v->markdown);
    unit_rmtree(f->p, dir);
}

static void symlink_out_refused(void **state)
{
    unit_db_t *f = *state;
    const char *dir = unit_tempdir(f->p, "pl_plan_store_");
    const char *out = unit_tempdir(f->p, "pl_plan_out_"), *why;
    const char *target = apr_pstrcat(f->p, out, "/plan.md", NULL);
    apr_int64_t id = project(f, dir), total;
    pl_plan_current_t *cur;
    pl_plan_version_t *v = apr_pcalloc(f->p, sizeof(*v));
    apr_array_header_t *items;
    char *text;
    apr_size_t len;

    spew(f->p, target, "# Outside\n");
    assert_int_equal(symlink(target, apr_pstrcat(f->p, dir, "/MASTER_PLAN.md", NULL)), 0);
    assert_int_equal(pl_plan_current(f->db, f->p, id, dir, &cur, &why), PL_EFORBIDDEN);
    assert_non_null(why);
    assert_int_equal(pl_plan_save(f->db, f->p, cur, "# Mine\n", 7, v, &why), PL_EFORBIDDEN);
    assert_int_equal(pl_plan_file_read(f->p, target, 1, &text, &len), APR_SUCCESS);
    assert_string_equal(text, "# Outside\n");
    assert_int_equal(pl_plan_versions_list(f->db, f->p, id, 10, 0, &items, &total), APR_SUCCESS);
    assert_int_equal(total, 0);
    unit_rmtree(f->p, dir);
    unit_rmtree(f->p, out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_DB_TEST(disk_change_recorded_once),
        UNIT_DB_TEST(saves_in_order),
        UNIT_DB_TEST(symlink_out_refused),
    };
    return UNIT_RUN(tests);
}
