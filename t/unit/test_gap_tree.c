/* SPDX-License-Identifier: Apache-2.0 */
/* The gap analysis end to end on a checkout the test writes: a plan parsed
 * by pl_plan, Python, JavaScript, Rust, Go and C analysed by pl_code
 * (universal-ctags), a git history made with libgit2. The truth:
 *   NOTE-001   primary    all three tasks in store.py, tests import it  -> done
 *   SYNC-001   primary    both ticked, no sync code at all              -> claimed_without_evidence
 *   EXPORT-001 secondary  Markdown (JS) and HTML (Rust), no test        -> untested
 *   SHARE-001  secondary  a share link (Go), no revoking                -> partial
 *   THEME-001  tertiary   nothing                                        -> missing */
#include <apr_file_io.h>

#include "unit.h"
#include "git_fixture.h"
#include "gap/pl_gap.h"
#include "gap/pl_recommend.h"

static const char *const tree[][2] = {
    { "MASTER_PLAN.md",
      "# Notes app\n\n## Primary objectives\n\n"
      "### NOTE-001: Notes storage\nNotes are kept in SQLite.\n\n"
      "- [x] Create a note with a title and body\n- [x] Delete a note\n"
      "- [x] Full-text search over notes\n\n"
      "### SYNC-001: Sync between devices\nDepends on: NOTE-001\n\n"
      "- [x] Upload changed notes to the server\n- [x] Resolve conflicts by last write wins\n\n"
      "## Secondary objectives\n\n"
      "### EXPORT-001: Export\nDepends on: NOTE-001\n\n"
      "- [x] Export notes as Markdown\n- [x] Export notes as HTML\n\n"
      "### SHARE-001: Sharing\nDepends on: SYNC-001\n\n"
      "- [ ] Share a note by link\n- [ ] Revoke a shared link\n\n"
      "## Tertiary objectives\n\n"
      "### THEME-001: Dark theme\n- [ ] Dark colour scheme\n- [ ] Follow the system setting\n" },
    { "notes/__init__.py", "" },
    { "notes/store.py",
      "\"\"\"Notes kept in SQLite.\"\"\"\nimport sqlite3\n\n\n"
      "class NoteStore:\n    \"\"\"All notes of one user.\"\"\"\n\n"
      "    def __init__(self, path):\n        self.db = sqlite3.connect(path)\n\n"
      "    def create_note(self, title, body):\n"
      "        \"\"\"Store a new note and return its id.\"\"\"\n"
      "        cur = self.db.execute(\"INSERT INTO notes(title, body) VALUES (?, ?)\", (title, body))\n"
      "        return cur.lastrowid\n\n"
      "    def delete_note(self, note_id):\n        \"\"\"Remove a note for good.\"\"\"\n"
      "        self.db.execute(\"DELETE FROM notes WHERE id = ?\", (note_id,))\n\n"
      "    def search_notes(self, query):\n        \"\"\"Full-text search with SQLite FTS5.\"\"\"\n"
      "        if not query:\n            return []\n"
      "        return self.db.execute(\"SELECT id FROM notes_fts WHERE notes_fts MATCH ?\",\n"
      "                               (query,)).fetchall()\n" },
    { "tests/test_store.py",
      "from notes.store import NoteStore\n\n\n"
      "def test_create_and_delete_note(tmp_path):\n"
      "    store = NoteStore(str(tmp_path / \"n.db\"))\n"
      "    store.delete_note(store.create_note(\"a\", \"b\"))\n" },
    { "web/export.js",
      "// Turning notes into files people can take elsewhere.\n\n"
      "/**\n * Export notes as Markdown, one heading per note.\n */\n"
      "export function exportMarkdown(notes) {\n"
      "  return notes.map((n) => `# ${n.title}\\n\\n${n.body}\\n`).join(\"\\n\");\n}\n" },
    { "src/html.rs",
      "//! HTML rendering of notes.\n\n/// Export notes as one HTML page.\n"
      "pub fn export_html(notes: &[Note]) -> String {\n"
      "    let mut out = String::from(\"<html><body>\");\n"
      "    for n in notes {\n        if !n.title.is_empty() {\n"
      "            out.push_str(&format!(\"<h1>{}</h1>\", n.title));\n        }\n    }\n"
      "    out.push_str(\"</body></html>\");\n    out\n}\n" },
    { "server/share.go",
      "// Package server holds the HTTP side of the notes app.\npackage server\n\n"
      "// CreateShareLink makes a public link to one note.\n"
      "func CreateShareLink(noteID int64) (string, error) {\n"
      "\tif noteID <= 0 {\n\t\treturn \"\", errBadID\n\t}\n\treturn newToken(), nil\n}\n" },
    { "src/compress.c",
      "/* Compression of note bodies. */\n#include <zlib.h>\n\n"
      "/* Deflate a note body into out; returns the compressed size. */\n"
      "int compress_body(const char *in, int len, char *out, int cap)\n{\n"
      "    if (len <= 0)\n        return 0;\n    return len < cap ? len : cap;\n}\n" },
    { NULL, NULL }
};

static const char *const history[] = { "Initial import\n", "Export notes as HTML pages\n", NULL };

typedef struct {
    apr_pool_t *p;
    char root[32];
    char commit[GIT_OID_HEXSZ + 1];     /* the one that exported HTML */
} fixture_t;

static void write_tree(fixture_t *f)
{
    int i;

    for (i = 0; tree[i][0]; i++) {
        const char *path = apr_pstrcat(f->p, f->root, "/", tree[i][0], NULL);
        char *dir = apr_pstrdup(f->p, path);
        apr_file_t *fd;
        apr_size_t len = strlen(tree[i][1]);

        *strrchr(dir, '/') = '\0';
        assert_int_equal(apr_dir_make_recursive(dir, APR_FPROT_OS_DEFAULT, f->p), APR_SUCCESS);
        assert_int_equal(apr_file_open(&fd, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE,
                                       APR_FPROT_OS_DEFAULT, f->p), APR_SUCCESS);
        assert_int_equal(apr_file_write_full(fd, tree[i][1], len, NULL), APR_SUCCESS);
        apr_file_close(fd);
    }
}

static int setup(void **state)
{
    fixture_t *f;

    unit_pool_setup(state);
    f = apr_pcalloc(*state, sizeof(*f));
    f->p = *state;
    strcpy(f->root, "/tmp/pl_gap_tree_XXXXXX");
    assert_non_null(mkdtemp(f->root));
    write_tree(f);
    fx_git_history(f->root, history, f->commit);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(system(apr_psprintf(f->p, "rm -rf '%s'", f->root)), 0);
    *state = f->p;
    return unit_pool_teardown(state);
}

typedef struct {
    pl_plan_t *plan;
    pl_code_t *code;
    pl_gitlog_t *log;
    pl_gap_t *gap;
    pl_recommend_t *rec;
} analysis_t;

static void analyse(fixture_t *f, analysis_t *a)
{
    const char *err = NULL;

    assert_int_equal(pl_plan_parse(f->p, tree[0][1], strlen(tree[0][1]), &a->plan), APR_SUCCESS);
    if (pl_code_analyze(f->p, f->root, NULL, &a->code, &err) != APR_SUCCESS)
        fail_msg("source analysis: %s", err);
    assert_int_equal(pl_gitlog_read(f->p, f->root, 0, &a->log, &err), APR_SUCCESS);
    assert_int_equal(pl_gap_run(f->p, a->plan, a->code, a->log, NULL, &a->gap), APR_SUCCESS);
    assert_int_equal(pl_recommend(f->p, a->plan, a->gap, a->code, &a->rec), APR_SUCCESS);
}

static const pl_gap_objective_t *objective(const analysis_t *a, const char *id)
{
    int i = pl_plan_find(a->plan, id);

    assert_true(i >= 0);
    return &APR_ARRAY_IDX(a->gap->objectives, i, pl_gap_objective_t);
}

static const pl_gap_evidence_t *evidence(const pl_gap_objective_t *go, int task,
                                         pl_gap_kind_e kind, const char *path)
{
    int i;

    for (i = 0; i < go->evidence->nelts; i++) {
        const pl_gap_evidence_t *e = &APR_ARRAY_IDX(go->evidence, i, pl_gap_evidence_t);
        if (e->task == task && e->kind == kind && (!path || (e->path && !strcmp(e->path, path))))
            return e;
    }
    fail_msg("no evidence of kind %d for task %d in %s", (int)kind, task, go->objective->id);
    return NULL;
}

static void classifies_the_checkout(void **state)
{
    fixture_t *f = *state;
    analysis_t a;

    analyse(f, &a);
    assert_string_equal(pl_gap_class_name(objective(&a, "NOTE-001")->classification), "done");
    assert_string_equal(pl_gap_class_name(objective(&a, "SYNC-001")->classification),
                        "claimed_without_evidence");
    assert_string_equal(pl_gap_class_name(objective(&a, "EXPORT-001")->classification),
                        "untested");
    assert_string_equal(pl_gap_class_name(objective(&a, "SHARE-001")->classification), "partial");
    assert_string_equal(pl_gap_class_name(objective(&a, "THEME-001")->classification), "missing");
    assert_int_equal(a.gap->units, 11);
    assert_int_equal(a.gap->units_claimed, 7);
    assert_int_equal(a.gap->units_observed, 6);
}

static void evidence_spans_languages_and_history(void **state)
{
    fixture_t *f = *state;
    const pl_gap_evidence_t *e;
    analysis_t a;

    analyse(f, &a);
    e = evidence(objective(&a, "NOTE-001"), 0, PL_GAP_SYMBOL, "notes/store.py");
    assert_string_equal(e->symbol, "create_note");
    assert_int_equal(e->line, 11);
    e = evidence(objective(&a, "NOTE-001"), 2, PL_GAP_SYMBOL, "notes/store.py");
    assert_string_equal(e->symbol, "search_notes");
    /* the test module imports the store */
    e = evidence(objective(&a, "NOTE-001"), 0, PL_GAP_TEST, "tests/test_store.py");
    e = evidence(objective(&a, "EXPORT-001"), 0, PL_GAP_SYMBOL, "web/export.js");
    assert_string_equal(e->symbol, "exportMarkdown");
    e = evidence(objective(&a, "EXPORT-001"), 1, PL_GAP_SYMBOL, "src/html.rs");
    assert_string_equal(e->symbol, "export_html");
    e = evidence(objective(&a, "EXPORT-001"), 1, PL_GAP_COMMIT, NULL);
    assert_string_equal(e->commit, f->commit);
    assert_string_equal(e->summary, "Export notes as HTML pages");
    e = evidence(objective(&a, "SHARE-001"), 0, PL_GAP_SYMBOL, "server/share.go");
    assert_string_equal(e->symbol, "CreateShareLink");
    /* sharing two of three words with create_share_link is not revoking */
    assert_false(APR_ARRAY_IDX(objective(&a, "SHARE-001")->tasks, 1, pl_gap_task_t).has_evidence);
}

/* SYNC-001 85 (40 + 25 + 5 for SHARE-001 + 15), SHARE-001 48 (25 + 15 +
 * 7.5), EXPORT-001 30 (25 + 5), THEME-001 30 (10 + 5 + 15): SHARE-001
 * must wait for SYNC-001, EXPORT-001 comes before THEME-001 in the plan. */
static void recommends_in_dependency_order(void **state)
{
    fixture_t *f = *state;
    static const char *const order[] = { "SYNC-001", "SHARE-001", "EXPORT-001", "THEME-001" };
    static const int priority[] = { 85, 48, 30, 30 };
    analysis_t a;
    int i;

    analyse(f, &a);
    assert_int_equal(a.rec->items->nelts, 4);
    for (i = 0; i < 4; i++) {
        const pl_recommendation_t *r = &APR_ARRAY_IDX(a.rec->items, i, pl_recommendation_t);
        assert_string_equal(r->gap->objective->id, order[i]);
        assert_int_equal(r->priority, priority[i]);
    }
    assert_int_equal(a.rec->cycles->nelts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(classifies_the_checkout, setup, teardown),
        cmocka_unit_test_setup_teardown(evidence_spans_languages_and_history, setup, teardown),
        cmocka_unit_test_setup_teardown(recommends_in_dependency_order, setup, teardown),
    };
    return UNIT_RUN(tests);
}
