/* SPDX-License-Identifier: Apache-2.0 */
/* pl_plan: the fixture plans under t/unit/plans/ are written in the styles
 * people use (explicit ids with front matter, numbered phases, task tables,
 * checkboxes and emoji in headings, nested objectives, French / German /
 * Spanish / Chinese, objectives as list items, ids anywhere in a heading,
 * priority labels, status words and percentages, roadmap buckets, epics
 * with user stories, issue references, numbered outlines, status tables,
 * plain bullets, a bare TODO list, this project's own phased plan); the
 * tables below state what each must become, line numbers included. */
#include <apr_file_io.h>
#include <apr_time.h>

#include "unit.h"
#include "core/pl_json.h"
#include "plan/pl_plan.h"
#include "core/pl_status.h"

static const char *fixture(apr_pool_t *p, const char *name, apr_size_t *len)
{
    const char *path = apr_pstrcat(p, PL_SRCDIR "/t/unit/plans/", name, NULL);
    apr_file_t *f;
    apr_finfo_t info;
    char *buf;

    assert_int_equal(apr_file_open(&f, path, APR_FOPEN_READ, 0, p), APR_SUCCESS);
    assert_int_equal(apr_file_info_get(&info, APR_FINFO_SIZE, f), APR_SUCCESS);
    buf = apr_palloc(p, (apr_size_t)info.size + 1);
    assert_int_equal(apr_file_read_full(f, buf, (apr_size_t)info.size, len), APR_SUCCESS);
    buf[*len] = '\0';
    apr_file_close(f);
    return buf;
}

static pl_plan_t *parse(apr_pool_t *p, const char *text)
{
    pl_plan_t *plan = NULL;

    assert_int_equal(pl_plan_parse(p, text, strlen(text), &plan), APR_SUCCESS);
    assert_non_null(plan);
    return plan;
}

static pl_plan_t *parse_fixture(apr_pool_t *p, const char *name)
{
    apr_size_t len;

    return parse(p, fixture(p, name, &len));
}

static const pl_plan_objective_t *objective(const pl_plan_t *plan, const char *id)
{
    int i = pl_plan_find(plan, id);

    if (i < 0)
        fail_msg("no objective %s", id);
    return APR_ARRAY_IDX(plan->objectives, i, pl_plan_objective_t *);
}

static const char *joined(apr_pool_t *p, const apr_array_header_t *a)
{
    return apr_array_pstrcat(p, a, ',');
}

static int done_tasks(const pl_plan_objective_t *o)
{
    int i, n = 0;

    for (i = 0; i < o->tasks->nelts; i++)
        n += APR_ARRAY_IDX(o->tasks, i, pl_plan_task_t).checked;
    return n;
}

static const struct {
    const char *fixture, *title;
    int objectives, issues;
} plans[] = {
    { "explicit.md", "Shop master plan", 7, 4 },
    { "phases.md", "Roadmap for Widget", 5, 1 },
    { "tables.md", "Plan", 3, 0 },
    { "checkbox.md", "Plan", 8, 0 },
    { "nested.md", "Platform", 8, 0 },
    { "languages.md", "Plan directeur", 5, 0 },
    { "items.md", "Goals", 3, 0 },
    { "mixed.md", "Mixed styles", 6, 0 },
    { "mod_planning.md", "mod_planning \xE2\x80\x94 Master plan", 16, 0 },
    { "ids_anywhere.md", "Accounts plan", 5, 0 },
    { "priorities.md", "Backlog by priority", 12, 4 },
    { "status_words.md", "Status of the rewrite", 6, 6 },
    { "roadmap.md", "Roadmap", 8, 4 },
    { "epics.md", "Product backlog", 4, 1 },
    { "issue_refs.md", "TODO", 3, 2 },
    { "outline.md", "Implementation outline", 3, 3 },
    { "status_table.md", "Delivery status", 7, 7 },
    { "bullets.md", "Notes app plan", 3, 2 },
    { "todo.md", "TODO", 3, 3 },
    { "groups.md", "Command-line kit plan", 4, 2 },
    { "table_details.md", "Feature status", 2, 2 },
    /* numbered sections over numbered objectives: groups, not objectives */
    { "outline_sections.md", "Progress library plan", 3, 3 },
};

static void counts_objectives_and_issues(void **state)
{
    apr_size_t i;

    for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
        pl_plan_t *plan = parse_fixture(*state, plans[i].fixture);
        if (plan->objectives->nelts != plans[i].objectives || plan->issues->nelts != plans[i].issues)
            fail_msg("%s: %d objectives, %d issues", plans[i].fixture, plan->objectives->nelts,
                     plan->issues->nelts);
        assert_string_equal(plan->title, plans[i].title);
    }
}

static const struct {
    const char *fixture, *id, *title;
    pl_plan_level_e level;
    const char *status;         /* NULL: the plan does not say */
    int line;
    const char *parent;         /* NULL: top */
    int tasks, done, criteria;
    const char *depends;        /* comma-joined */
    int explicit_id;
} objectives[] = {
    /* Explicit ids, front matter (4 lines), level containers, metadata lines. */
    { "explicit.md", "AUTH-001", "User login", 1, "in_progress", 13, NULL, 3, 2, 2, "", 1 },
    { "explicit.md", "AUTH-002", "Password reset", 1, NULL, 27, NULL, 2, 0, 0, "AUTH-001", 1 },
    { "explicit.md", "PAY-001", "Checkout", 2, NULL, 35, NULL, 2, 0, 1, "AUTH-001,AUTH-009", 1 },
    { "explicit.md", "PAY-002", "Invoices", 2, NULL, 45, NULL, 1, 0, 0, "PAY-003", 1 },
    { "explicit.md", "AUTH-001-2", "Duplicate", 2, NULL, 55, NULL, 1, 0, 0, "", 1 },
    { "explicit.md", "reporting", "Reporting", 2, NULL, 58, NULL, 0, 0, 0, "", 0 },
    /* Numbered phases are containers, never objectives: "1.2" is not part
     * of the ids, and an empty "Phase 3" is an issue, not an objective. */
    { "phases.md", "configuration-loader", "Configuration loader", 1, NULL, 11, NULL, 2, 1, 0,
      "", 0 },
    { "phases.md", "rest-endpoints/pagination", "Pagination", 2, NULL, 21, "rest-endpoints", 1,
      0, 0, "", 0 },
    { "phases.md", "authentication", "Authentication", 1, NULL, 24, NULL, 1, 0, 0,
      "database-schema", 0 },
    /* Task tables. */
    { "tables.md", "search", "Search", 1, NULL, 3, NULL, 4, 2, 0, "", 0 },
    { "tables.md", "export", "Export", 1, NULL, 12, NULL, 2, 1, 1, "", 0 },
    { "tables.md", "import", "Import", 1, NULL, 20, NULL, 2, 0, 0, "", 0 },
    /* Checkboxes, emoji and labels in headings. */
    { "checkbox.md", "login", "Login", 1, "done", 3, NULL, 1, 1, 0, "", 0 },
    { "checkbox.md", "signup", "Signup", 1, "todo", 6, NULL, 1, 0, 0, "", 0 },
    { "checkbox.md", "profile-page", "Profile page", 1, "done", 9, NULL, 1, 1, 0, "", 0 },
    { "checkbox.md", "search", "Search", 1, "in_progress", 12, NULL, 1, 0, 0, "", 0 },
    { "checkbox.md", "payments", "Payments", 1, "blocked", 15, NULL, 1, 0, 0, "", 0 },
    { "checkbox.md", "notifications", "Notifications", 1, "todo", 18, NULL, 1, 0, 0, "", 0 },
    { "checkbox.md", "dark-mode", "Dark mode", 1, "in_progress", 22, NULL, 1, 0, 0, "", 0 },
    { "checkbox.md", "reports", "Reports", 2, NULL, 25, NULL, 1, 0, 0, "", 0 },
    /* Nesting: ids are heading paths; a repeated path gets a suffix. */
    { "nested.md", "storage/blobs/upload", "Upload", 3, NULL, 5, "storage/blobs", 1, 1, 0, "", 0 },
    { "nested.md", "storage/metadata", "Metadata", 2, NULL, 9, "storage", 1, 0, 0, "", 0 },
    { "nested.md", "storage-2/blobs", "Blobs", 2, NULL, 13, "storage-2", 1, 0, 0, "", 0 },
    { "nested.md", "compute", "Compute", 3, NULL, 16, NULL, 1, 0, 0, "", 0 },
    /* Other languages. */
    { "languages.md", "authentification-des-utilisateurs", "Authentification des utilisateurs",
      1, "in_progress", 8, NULL, 2, 1, 1, "", 0 },
    { "languages.md", "zahlungen", "Zahlungen", 1, NULL, 18, NULL, 2, 0, 1,
      "authentification-des-utilisateurs", 0 },
    { "languages.md", "busqueda", "Búsqueda", 2, NULL, 30, NULL, 2, 1, 0, "zahlungen", 0 },
    { "languages.md", "用户登录", "用户登录", 2, NULL, 37, NULL, 1, 0, 0, "", 0 },
    /* Objectives as list items under "Must have" / "Nice to have". */
    { "items.md", "AUTH-1", "Login", 1, "done", 4, NULL, 2, 2, 0, "", 1 },
    { "items.md", "AUTH-2", "Logout", 1, "todo", 7, NULL, 1, 0, 0, "", 1 },
    { "items.md", "themes", "Themes", 3, "todo", 11, NULL, 1, 0, 0, "", 0 },
    /* Level containers inside a phase, labels that override them, sections
     * as headings, code blocks and HTML comments that hold no tasks. */
    { "mixed.md", "login", "Login", 1, NULL, 7, NULL, 2, 1, 0, "", 0 },
    { "mixed.md", "audit-log", "Audit log", 2, NULL, 12, NULL, 3, 1, 0, "", 0 },
    { "mixed.md", "export", "Export", 1, NULL, 21, NULL, 1, 0, 1, "", 0 },
    { "mixed.md", "billing", "Objective 2: Billing", 1, NULL, 26, NULL, 2, 0, 0,
      "login,audit-log", 0 },
    { "mixed.md", "docs-site", "Docs site", 1, "blocked", 47, NULL, 1, 0, 0, "", 0 },
    { "mixed.md", "search", "Search", 3, NULL, 52, NULL, 1, 0, 0, "", 0 },
    /* An id anywhere in a heading: after a phase, after a checkbox, at the
     * end, in brackets beside a status. */
    { "ids_anywhere.md", "AUTH-01", "Sign-in", 1, NULL, 3, NULL, 2, 2, 0, "", 1 },
    { "ids_anywhere.md", "AUTH-02", "Sign-out", 1, "done", 7, NULL, 1, 1, 0, "", 1 },
    { "ids_anywhere.md", "AUTH-03", "Password reset", 2, "done", 10, "AUTH-02", 1, 1, 0, "", 1 },
    { "ids_anywhere.md", "AUTH-04", "Remember me", 1, NULL, 13, NULL, 1, 0, 0, "", 1 },
    { "ids_anywhere.md", "AUTH-05", "Two-factor login", 1, "in_progress", 16, NULL, 1, 0, 0,
      "AUTH-01", 1 },
    /* Priority labels as levels: P0-P3, High/Medium/Low, MoSCoW. */
    { "priorities.md", "crash-on-empty-config", "Crash on empty config", 1, NULL, 4, NULL, 1, 0,
      0, "", 0 },
    { "priorities.md", "slow-search", "Slow search", 1, NULL, 8, NULL, 1, 0, 0, "", 0 },
    { "priorities.md", "export-to-pdf", "Export to PDF", 2, NULL, 12, NULL, 1, 0, 0, "", 0 },
    { "priorities.md", "animated-logo", "Animated logo", 3, NULL, 16, NULL, 1, 0, 0, "", 0 },
    { "priorities.md", "backups", "Backups", 1, NULL, 20, NULL, 1, 0, 0, "", 0 },
    { "priorities.md", "dark-theme", "Dark theme", 2, NULL, 24, NULL, 1, 0, 0, "", 0 },
    { "priorities.md", "emoji-reactions", "Emoji reactions", 3, NULL, 28, NULL, 1, 0, 0, "", 0 },
    { "priorities.md", "import-from-csv", "Import from CSV", 1, "todo", 32, NULL, 0, 0, 0, "", 0 },
    { "priorities.md", "import-from-excel", "Import from Excel", 2, "todo", 35, NULL, 0, 0, 0, "",
      0 },
    { "priorities.md", "import-from-google-sheets", "Import from Google Sheets", 3, "todo", 38,
      NULL, 0, 0, 0, "", 0 },
    { "priorities.md", "import-from-paper", "Import from paper", 3, "todo", 41, NULL, 0, 0, 0, "",
      0 },
    { "priorities.md", "keyboard-shortcuts", "Keyboard shortcuts", 3, NULL, 43, NULL, 1, 0, 0, "",
      0 },
    /* Status words at the end of headings, in four languages. */
    { "status_words.md", "parser", "Parser", 1, "done", 3, NULL, 7, 4, 0, "", 0 },
    { "status_words.md", "typechecker", "Typechecker", 1, "in_progress", 12, NULL, 2, 1, 0, "",
      0 },
    { "status_words.md", "laufzeit", "Laufzeit", 1, "in_progress", 16, NULL, 2, 1, 0, "", 0 },
    { "status_words.md", "moteur-de-rendu", "Moteur de rendu", 1, "done", 20, NULL, 2, 1, 0, "",
      0 },
    { "status_words.md", "almacenamiento", "Almacenamiento", 1, "todo", 24, NULL, 2, 1, 0, "", 0 },
    { "status_words.md", "sync", "Sync", 1, "in_progress", 28, NULL, 2, 1, 0, "", 0 },
    /* Roadmap buckets pass their claim on; items under them are objectives. */
    { "roadmap.md", "offline-mode", "Offline mode", 1, "done", 6, NULL, 0, 0, 0, "", 0 },
    { "roadmap.md", "shared-notebooks", "Shared notebooks", 1, "in_progress", 10, NULL, 2, 1, 0,
      "", 0 },
    { "roadmap.md", "end-to-end-encryption", "End-to-end encryption", 1, "todo", 19, NULL, 2, 0,
      0, "", 0 },
    { "roadmap.md", "handwriting-recognition", "Handwriting recognition", 1, "todo", 25, NULL, 0,
      0, 0, "", 0 },
    { "roadmap.md", "conflict-resolution", "Conflict resolution", 1, NULL, 28, NULL, 1, 0, 0, "",
      0 },
    /* Epics hold user stories: headings with ids and criteria, or items. */
    { "epics.md", "US-1", "As a new visitor, I want to create an account with my e-mail so that "
      "I can save my work", 1, NULL, 5, NULL, 0, 0, 2, "", 1 },
    { "epics.md", "US-2", "As a new user, I want a short tour of the editor", 1, NULL, 10, NULL,
      2, 0, 0, "", 1 },
    { "epics.md", "as-an-editor-i-want-to-mention-a-colleague-in-a-comment-so-that-they-get-"
      "notified", "As an editor, I want to mention a colleague in a comment so that they get "
      "notified", 1, NULL, 17, NULL, 2, 0, 0, "", 0 },
    /* Issue references, before or after the text. */
    { "issue_refs.md", "export", "Export", 1, NULL, 3, NULL, 5, 1, 0, "", 0 },
    { "issue_refs.md", "import-from-json", "Import from JSON", 1, "done", 12, NULL, 0, 0, 0, "",
      0 },
    /* Numbered outlines: "1.2" lines and ordered items are the tasks. */
    { "outline.md", "storage", "Storage", 1, NULL, 3, NULL, 3, 0, 0, "", 0 },
    { "outline.md", "sync", "Sync", 1, NULL, 8, NULL, 4, 0, 0, "", 0 },
    { "outline.md", "search", "Search", 1, NULL, 14, NULL, 2, 0, 0, "", 0 },
    /* Status tables: a row is an objective (under the title or a
     * release) or a task (under an objective). */
    { "status_table.md", "F-1", "User accounts", 1, "done", 5, NULL, 0, 0, 0, "", 1 },
    { "status_table.md", "F-2", "File upload", 1, "in_progress", 6, NULL, 0, 0, 0, "F-1", 1 },
    { "status_table.md", "F-3", "Thumbnails", 2, "todo", 7, NULL, 0, 0, 0, "F-2", 1 },
    { "status_table.md", "F-4", "Sharing links", 3, NULL, 8, NULL, 0, 0, 0, "F-2", 1 },
    { "status_table.md", "offline-modus", "Offline-Modus", 1, "in_progress", 14, NULL, 0, 0, 0,
      "", 0 },
    { "status_table.md", "papierkorb", "Papierkorb", 1, "done", 15, NULL, 0, 0, 0, "", 0 },
    { "status_table.md", "search", "Search", 1, NULL, 17, NULL, 3, 1, 0, "", 0 },
    /* Plain bullets are tasks when nothing else is; "Depends on:" glued
     * under a list is a dependency. */
    { "bullets.md", "editing", "Editing", 1, NULL, 3, NULL, 4, 0, 0, "storage", 0 },
    { "bullets.md", "storage", "Storage", 1, NULL, 12, NULL, 2, 0, 0, "", 0 },
    { "bullets.md", "sharing", "Sharing", 1, NULL, 16, NULL, 2, 0, 0, "", 0 },
    /* A TODO list with no headings: the items are the objectives. */
    { "todo.md", "set-up-ci", "Set up CI", 1, "done", 5, NULL, 0, 0, 0, "", 0 },
    { "todo.md", "write-the-readme", "Write the README", 1, "todo", 6, NULL, 2, 1, 0, "", 0 },
    /* This project's own plan: sixteen objectives in six phases. */
    { "mod_planning.md", "sign-in", "Sign-in", 1, NULL, 24, NULL, 3, 3, 0, "database-layer", 0 },
    { "mod_planning.md", "gap-analysis", "Gap analysis", 1, NULL, 53, NULL, 2, 0, 0,
      "plan-parser,code-index", 0 },
    { "mod_planning.md", "packaging", "Packaging", 1, NULL, 83, NULL, 2, 0, 0, "", 0 },
};

static void reads_objectives(void **state)
{
    apr_size_t i;

    for (i = 0; i < sizeof(objectives) / sizeof(objectives[0]); i++) {
        pl_plan_t *plan = parse_fixture(*state, objectives[i].fixture);
        const pl_plan_objective_t *o = objective(plan, objectives[i].id);
        const char *parent = o->parent >= 0
            ? APR_ARRAY_IDX(plan->objectives, o->parent, pl_plan_objective_t *)->id : NULL;
        const char *deps = joined(*state, o->depends);

        if (strcmp(o->title, objectives[i].title) || o->level != objectives[i].level
            || (o->status == NULL) != (objectives[i].status == NULL)
            || (o->status && strcmp(o->status, objectives[i].status))
            || o->line != objectives[i].line
            || (parent == NULL) != (objectives[i].parent == NULL)
            || (parent && strcmp(parent, objectives[i].parent))
            || o->tasks->nelts != objectives[i].tasks || done_tasks(o) != objectives[i].done
            || o->criteria->nelts != objectives[i].criteria
            || strcmp(deps, objectives[i].depends) || o->explicit_id != objectives[i].explicit_id)
            fail_msg("%s %s: title %s level %d status %s line %d parent %s tasks %d/%d "
                     "criteria %d depends [%s] explicit %d", objectives[i].fixture,
                     objectives[i].id, o->title, (int)o->level, o->status ? o->status : "-",
                     o->line, parent ? parent : "-", done_tasks(o), o->tasks->nelts,
                     o->criteria->nelts, deps, o->explicit_id);
    }
}

static const struct {
    const char *fixture, *id;
    int index;
    const char *text;
    int checked, line;
} tasks[] = {
    { "explicit.md", "AUTH-001", 0, "Login form", 1, 19 },
    { "explicit.md", "AUTH-001", 1, "Password hashing with Argon2", 0, 20 },
    { "explicit.md", "AUTH-001", 2, "Session cookie", 1, 21 },     /* [X] */
    { "explicit.md", "PAY-001", 0, "Cart total", 0, 39 },           /* plain, under "Tasks" */
    /* a heading over nothing but two-level lists: items objectives, sub-items tasks */
    { "groups.md", "commands-with-their-own-options", 1, "Give a command a shorter name", 0, 7 },
    { "groups.md", "suggestions-for-typing-mistakes", 1, "Let programs switch it off", 0, 19 },
    /* the details heading of a status table's row: its bullets are the row's tasks */
    { "table_details.md", "CL-01", 1, "Insist on one command", 0, 12 },
    { "outline_sections.md", "a-bar-for-work-of-known-size", 1, "Show the position and the total", 0, 7 },
    { "table_details.md", "CL-02", 0, "Read values from a file", 0, 15 },
    { "tables.md", "search", 0, "Index documents", 1, 7 },          /* "✅ Done" */
    { "tables.md", "search", 1, "Query parser", 0, 8 },             /* "🟡 In progress" */
    { "tables.md", "search", 3, "Facets", 1, 10 },                  /* "x", bold name */
    { "tables.md", "export", 0, "CSV export", 1, 17 },              /* ✓ column, [x] */
    { "tables.md", "import", 1, "Map columns", 0, 27 },             /* table under "Tasks" */
    { "languages.md", "authentification-des-utilisateurs", 1, "Réinitialisation du mot de passe",
      0, 13 },
    { "items.md", "AUTH-1", 1, "Session", 1, 6 },
    { "mixed.md", "login", 1, "Lockout after five failures, counted per account", 0, 9 },
    { "mixed.md", "audit-log", 1, "Schema", 1, 16 },                /* nested item */
    { "mixed.md", "billing", 1, "Webhook handler", 0, 38 },         /* ordered list */
    { "mixed.md", "docs-site", 0, "Write the guide", 0, 48 },       /* in a block quote */
};

static void reads_tasks(void **state)
{
    apr_size_t i;

    for (i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++) {
        pl_plan_t *plan = parse_fixture(*state, tasks[i].fixture);
        const pl_plan_objective_t *o = objective(plan, tasks[i].id);
        const pl_plan_task_t *t;

        assert_true(tasks[i].index < o->tasks->nelts);
        t = &APR_ARRAY_IDX(o->tasks, tasks[i].index, pl_plan_task_t);
        if (strcmp(t->text, tasks[i].text) || t->checked != tasks[i].checked
            || t->line != tasks[i].line)
            fail_msg("%s %s task %d: \"%s\" checked %d line %d", tasks[i].fixture, tasks[i].id,
                     tasks[i].index, t->text, t->checked, t->line);
    }
}

/* Where each objective sits and what the plan claims for it. */
static const struct {
    const char *fixture, *id;
    const char *container, *phase, *bucket;     /* NULL: none */
    int percent;                                /* -1: none */
    const char *issue_ref;
    int claimed;                                /* pl_plan_claimed x 100 */
} placed[] = {
    { "phases.md", "database-schema", "Phase 1: Foundation", "Phase 1: Foundation", NULL, -1,
      NULL, 100 },
    { "phases.md", "rest-endpoints/pagination", "Phase 2: API", "Phase 2: API", NULL, -1, NULL,
      0 },
    { "mixed.md", "audit-log", "Primary objectives", "Phase 1: Core", NULL, -1, NULL, 33 },
    { "ids_anywhere.md", "AUTH-01", NULL, "Phase 1", NULL, -1, NULL, 100 },
    { "priorities.md", "slow-search", "P1 \xE2\x80\x94 Must fix this release", NULL, NULL, -1,
      NULL, 0 },
    { "priorities.md", "keyboard-shortcuts", "Won't have (this time)", NULL, NULL, -1, NULL, 0 },
    { "status_words.md", "sync", NULL, NULL, NULL, 40, NULL, 40 },
    { "roadmap.md", "offline-mode", "Shipped", NULL, "Shipped", -1, NULL, 100 },
    { "roadmap.md", "web-clipper", "Now", NULL, "Now", -1, NULL, 0 },
    { "roadmap.md", "calendar-integration", "Next", NULL, "Next", -1, NULL, 0 },
    { "roadmap.md", "conflict-resolution", "Milestone 3 \xE2\x80\x94 Sync",
      "Milestone 3 \xE2\x80\x94 Sync", NULL, -1, NULL, 0 },
    { "epics.md", "US-2", "Epic: Onboarding", "Epic: Onboarding", NULL, -1, NULL, 0 },
    { "epics.md", "as-a-viewer-i-want-to-see-who-else-is-looking-at-the-page", "User stories",
      "EPIC-2: Collaboration", NULL, -1, NULL, 0 },
    { "issue_refs.md", "import-from-csv", "Milestone v2.1", "Milestone v2.1", NULL, -1, "#201",
      0 },
    { "status_table.md", "F-2", NULL, NULL, NULL, 60, NULL, 60 },
    { "status_table.md", "offline-modus", "Release 2.0", "Release 2.0", NULL, 30, NULL, 30 },
    { "mod_planning.md", "chat-window", "Phase 5 \xE2\x80\x94 Web interface",
      "Phase 5 \xE2\x80\x94 Web interface", NULL, -1, NULL, 0 },
};

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void places_objectives_and_their_claims(void **state)
{
    apr_size_t i;

    for (i = 0; i < sizeof(placed) / sizeof(placed[0]); i++) {
        pl_plan_t *plan = parse_fixture(*state, placed[i].fixture);
        const pl_plan_objective_t *o = objective(plan, placed[i].id);
        int claimed = (int)(pl_plan_claimed(o) * 100);

        if (!same(o->container, placed[i].container) || !same(o->phase, placed[i].phase)
            || !same(o->bucket, placed[i].bucket) || o->claimed_percent != placed[i].percent
            || !same(o->issue_ref, placed[i].issue_ref) || claimed != placed[i].claimed
            || (o->container && (o->container_index < 0 || strcmp(o->container,
                APR_ARRAY_IDX(plan->containers, o->container_index, pl_plan_container_t).title))))
            fail_msg("%s %s: container %s phase %s bucket %s percent %d issue %s claimed %d",
                     placed[i].fixture, placed[i].id, o->container ? o->container : "-",
                     o->phase ? o->phase : "-", o->bucket ? o->bucket : "-", o->claimed_percent,
                     o->issue_ref ? o->issue_ref : "-", claimed);
    }
}

/* What the plan claims for each task: the tri-state, the status word,
 * a percentage, an issue reference; the text keeps none of them. */
static const struct {
    const char *fixture, *id;
    int index;
    const char *text;
    pl_plan_claim_e claim;
    const char *status;
    int percent;
    const char *issue_ref;
    int line;
} claims[] = {
    { "status_words.md", "parser", 0, "Tokenizer", PL_CLAIM_DONE, "done", -1, NULL, 4 },
    { "status_words.md", "parser", 1, "Grammar", PL_CLAIM_DONE, "done", -1, NULL, 5 },
    { "status_words.md", "parser", 2, "Error recovery", PL_CLAIM_NOT_DONE, "in_progress", -1,
      NULL, 6 },
    { "status_words.md", "parser", 3, "Source maps", PL_CLAIM_NOT_DONE, "todo", -1, NULL, 7 },
    { "status_words.md", "parser", 4, "Pretty printer", PL_CLAIM_DONE, "done", -1, NULL, 8 },
    { "status_words.md", "parser", 5, "Old AST adapter", PL_CLAIM_DONE, "done", -1, NULL, 9 },
    { "status_words.md", "parser", 6, "Benchmarks", PL_CLAIM_NOT_DONE, "in_progress", 60, NULL,
      10 },
    { "status_words.md", "typechecker", 0, "Inference", PL_CLAIM_DONE, "done", -1, NULL, 13 },
    { "status_words.md", "typechecker", 1, "Generics", PL_CLAIM_NOT_DONE, "blocked", -1, NULL,
      14 },
    { "status_words.md", "laufzeit", 0, "Speicherverwaltung", PL_CLAIM_DONE, "done", -1, NULL,
      17 },
    { "status_words.md", "laufzeit", 1, "Ausnahmen", PL_CLAIM_NOT_DONE, "todo", -1, NULL, 18 },
    { "status_words.md", "moteur-de-rendu", 1, "Animations", PL_CLAIM_NOT_DONE, "in_progress",
      -1, NULL, 22 },
    { "status_words.md", "almacenamiento", 0, "\xC3\x8Dndices", PL_CLAIM_DONE, "done", -1, NULL,
      25 },
    { "status_words.md", "almacenamiento", 1, "R\xC3\xA9plicas", PL_CLAIM_NOT_DONE, "todo", -1,
      NULL, 26 },
    /* the box wins over a word that disagrees (and that is an issue) */
    { "status_words.md", "sync", 1, "Download changes", PL_CLAIM_NOT_DONE, "todo", -1, NULL, 30 },
    { "issue_refs.md", "export", 0, "Export to CSV", PL_CLAIM_NOT_DONE, "todo", -1, "#142", 4 },
    { "issue_refs.md", "export", 1, "Export to JSON", PL_CLAIM_DONE, "done", -1, "#143", 5 },
    { "issue_refs.md", "export", 2, "Export to PDF", PL_CLAIM_NOT_DONE, "todo", -1, "#150", 6 },
    { "issue_refs.md", "export", 3, "Export to Excel", PL_CLAIM_NOT_DONE, "todo", -1,
      "acme/exporters#7", 7 },
    { "issue_refs.md", "export", 4, "Export settings", PL_CLAIM_NOT_DONE, "todo", -1, "GH-12", 8 },
    { "status_table.md", "search", 0, "Tokenizer", PL_CLAIM_DONE, "done", -1, NULL, 21 },
    { "status_table.md", "search", 1, "Ranking", PL_CLAIM_NOT_DONE, "in_progress", -1, NULL, 22 },
    { "status_table.md", "search", 2, "Facets", PL_CLAIM_NOT_DONE, "todo", -1, NULL, 23 },
    { "tables.md", "export", 1, "JSON export", PL_CLAIM_NONE, NULL, -1, NULL, 18 },
    { "tables.md", "import", 0, "Parse CSV", PL_CLAIM_NONE, NULL, -1, NULL, 26 },
    { "bullets.md", "editing", 0, "Bold, italic and underline", PL_CLAIM_NONE, NULL, -1, NULL, 6 },
    { "bullets.md", "editing", 3, "Check lists", PL_CLAIM_NONE, NULL, -1, NULL, 9 },
    { "bullets.md", "sharing", 0, "Public read-only link", PL_CLAIM_NONE, NULL, -1, NULL, 17 },
    { "bullets.md", "sharing", 1, "Password-protected link", PL_CLAIM_NOT_DONE, "todo", -1, NULL,
      18 },
    { "outline.md", "storage", 2, "Migration tool", PL_CLAIM_NONE, NULL, -1, NULL, 6 },
    { "outline.md", "sync", 0, "Conflict handling", PL_CLAIM_NONE, NULL, -1, NULL, 9 },
    { "outline.md", "sync", 1, "Last writer wins", PL_CLAIM_NONE, NULL, -1, NULL, 10 },
    { "outline.md", "sync", 3, "Delta upload", PL_CLAIM_NONE, NULL, -1, NULL, 12 },
    { "roadmap.md", "end-to-end-encryption", 1, "Device verification", PL_CLAIM_NONE, NULL, -1,
      NULL, 21 },
    { "epics.md", "as-an-editor-i-want-to-mention-a-colleague-in-a-comment-so-that-they-get-"
      "notified", 0, "Mention autocomplete", PL_CLAIM_NONE, NULL, -1, NULL, 18 },
    { "todo.md", "write-the-readme", 1, "Usage section", PL_CLAIM_DONE, "done", -1, NULL, 8 },
};

static void reads_task_claims(void **state)
{
    apr_size_t i;

    for (i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
        pl_plan_t *plan = parse_fixture(*state, claims[i].fixture);
        const pl_plan_objective_t *o = objective(plan, claims[i].id);
        const pl_plan_task_t *t;

        if (claims[i].index >= o->tasks->nelts)
            fail_msg("%s %s: %d tasks", claims[i].fixture, claims[i].id, o->tasks->nelts);
        t = &APR_ARRAY_IDX(o->tasks, claims[i].index, pl_plan_task_t);
        if (strcmp(t->text, claims[i].text) || t->claim != claims[i].claim
            || !same(t->claimed_status, claims[i].status) || t->claimed_percent != claims[i].percent
            || !same(t->issue_ref, claims[i].issue_ref) || t->line != claims[i].line
            || t->checked != (t->claim == PL_CLAIM_DONE))
            fail_msg("%s %s task %d: \"%s\" claim %d %s percent %d issue %s line %d",
                     claims[i].fixture, claims[i].id, claims[i].index, t->text, (int)t->claim,
                     t->claimed_status ? t->claimed_status : "-", t->claimed_percent,
                     t->issue_ref ? t->issue_ref : "-", t->line);
    }
}

/* The containers of a plan: phases, milestones, epics, releases,
 * buckets, levels; none of them is an objective. */
static const struct {
    const char *fixture;
    int index;
    const char *title, *kind;
    int line, parent;
    const char *status;
    int percent, level;
} containers[] = {
    { "phases.md", 0, "Phase 1: Foundation", "phase", 5, -1, "done", -1, 0 },
    { "phases.md", 2, "Phase 3", "phase", 32, -1, "todo", -1, 0 },
    { "mixed.md", 1, "Primary objectives", "level", 5, 0, NULL, -1, 1 },
    { "roadmap.md", 0, "Shipped", "bucket", 5, -1, "done", -1, 0 },
    { "roadmap.md", 1, "Now", "bucket", 9, -1, "in_progress", -1, 0 },
    { "roadmap.md", 3, "Later", "bucket", 24, -1, "todo", -1, 0 },
    { "roadmap.md", 4, "Milestone 3 \xE2\x80\x94 Sync", "milestone", 27, -1, "in_progress", 40,
      0 },
    { "epics.md", 0, "Epic: Onboarding", "epic", 3, -1, NULL, -1, 0 },
    { "epics.md", 1, "EPIC-2: Collaboration", "epic", 14, -1, NULL, -1, 0 },
    { "epics.md", 2, "User stories", "group", 16, 1, NULL, -1, 0 },
    { "issue_refs.md", 0, "Milestone v2.1", "milestone", 10, -1, NULL, -1, 0 },
    { "status_table.md", 0, "Release 2.0", "release", 10, -1, NULL, -1, 0 },
    { "priorities.md", 0, "P0", "level", 3, -1, NULL, -1, 1 },
    { "priorities.md", 9, "Won't have (this time)", "level", 40, -1, NULL, -1, 3 },
    { "priorities.md", 10, "P1 \xE2\x80\x94 Must fix this release", "level", 7, -1, NULL, -1, 1 },
    { "mod_planning.md", 4, "Phase 5 \xE2\x80\x94 Web interface", "phase", 69, -1, "in_progress",
      40, 0 },
    { "mod_planning.md", 5, "Phase 6 \xE2\x80\x94 Operations", "phase", 81, -1, NULL, -1, 0 },
};

static void reads_containers(void **state)
{
    apr_size_t i;

    for (i = 0; i < sizeof(containers) / sizeof(containers[0]); i++) {
        pl_plan_t *plan = parse_fixture(*state, containers[i].fixture);
        const pl_plan_container_t *c;

        if (containers[i].index >= plan->containers->nelts)
            fail_msg("%s: %d containers", containers[i].fixture, plan->containers->nelts);
        c = &APR_ARRAY_IDX(plan->containers, containers[i].index, pl_plan_container_t);
        if (strcmp(c->title, containers[i].title) || strcmp(c->kind, containers[i].kind)
            || c->line != containers[i].line || c->parent != containers[i].parent
            || !same(c->status, containers[i].status) || c->claimed_percent != containers[i].percent
            || c->level != containers[i].level)
            fail_msg("%s container %d: %s (%s) line %d parent %d status %s percent %d level %d",
                     containers[i].fixture, containers[i].index, c->title, c->kind, c->line,
                     c->parent, c->status ? c->status : "-", c->claimed_percent, c->level);
    }
}

/* This project's own plan, phased as its MASTER_PLAN.md is: sixteen
 * objectives, and not one of the six phase headings among them. */
static void phased_plan_has_no_phase_objectives(void **state)
{
    pl_plan_t *plan = parse_fixture(*state, "mod_planning.md");
    int i;

    assert_int_equal(plan->objectives->nelts, 16);
    assert_int_equal(plan->containers->nelts, 6);
    for (i = 0; i < plan->objectives->nelts; i++) {
        const pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i, pl_plan_objective_t *);
        if (strncmp(o->title, "Phase", 5) == 0 || !o->phase || strncmp(o->phase, "Phase ", 6)
            || !o->tasks->nelts || o->parent != -1 || o->level != PL_LEVEL_PRIMARY)
            fail_msg("%s: \"%s\" phase %s, %d tasks", o->id, o->title, o->phase ? o->phase : "-",
                     o->tasks->nelts);
    }
    assert_string_equal(objective(plan, "sign-in")->phase, "Phase 2 \xE2\x80\x94 Accounts");
    assert_string_equal(APR_ARRAY_IDX(plan->objectives, 0, pl_plan_objective_t *)->id,
                        "configuration-and-directives");
}

/* No claim (a status word, a mark, a percentage, strike-through) is left
 * in any title or task text of any fixture. */
static void no_claim_is_left_in_a_text(void **state)
{
    static const char *const words[] = {
        "done", "DONE", "WIP", "wip", "merged", "blocked", "erledigt", "offen", "in Arbeit",
        "termin\xC3\xA9", "en cours", "hecho", "pendiente", "not started", "in review",
        "(done)", "\xE2\x9C\x85", NULL
    };
    apr_size_t f;

    for (f = 0; f < sizeof(plans) / sizeof(plans[0]); f++) {
        pl_plan_t *plan = parse_fixture(*state, plans[f].fixture);
        int i, j;
        for (i = 0; i < plan->objectives->nelts; i++) {
            const pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i,
                                                         pl_plan_objective_t *);
            for (j = -1; j < o->tasks->nelts; j++) {
                const char *text = j < 0 ? o->title
                                 : APR_ARRAY_IDX(o->tasks, j, pl_plan_task_t).text;
                const char *const *w;
                apr_size_t n = strlen(text);
                if (strchr(text, '%') || strstr(text, "~~") || strstr(text, "#1"))
                    fail_msg("%s: \"%s\"", plans[f].fixture, text);
                for (w = words; *w; w++) {
                    apr_size_t m = strlen(*w);
                    if (n >= m && strcmp(text + n - m, *w) == 0)
                        fail_msg("%s: \"%s\" ends in a claim", plans[f].fixture, text);
                }
            }
        }
    }
}

static void reads_criteria_labels_and_description(void **state)
{
    pl_plan_t *plan = parse_fixture(*state, "explicit.md");
    const pl_plan_objective_t *o = objective(plan, "AUTH-001");

    assert_string_equal(joined(*state, o->criteria),
                        "A wrong password is refused,Sessions expire after 30 minutes");
    /* a claim is no label */
    assert_string_equal(joined(*state, o->labels), "Priority: P1");
    assert_string_equal(o->priority, "P1");
    assert_string_equal(o->description, "Users sign in with e-mail and password.");

    plan = parse_fixture(*state, "checkbox.md");
    assert_int_equal(objective(plan, "payments")->labels->nelts, 0);
    assert_int_equal(objective(plan, "notifications")->labels->nelts, 0);
    assert_string_equal(joined(*state, objective(plan, "reports")->labels), "P2");

    /* A subheading with only prose under an objective with tasks is part of
     * its description, not an objective without tasks. */
    plan = parse_fixture(*state, "phases.md");
    assert_int_equal(pl_plan_find(plan, "authentication/technical-notes"), -1);
    assert_string_equal(objective(plan, "authentication")->description,
                        "Technical notes\n\nWe will use HMAC. This is not an objective of its own.");

    plan = parse_fixture(*state, "mixed.md");
    assert_string_equal(objective(plan, "billing")->description,
                        "- Customers pay by card\n- Invoices are e-mailed");
    assert_string_equal(joined(*state, objective(plan, "export")->criteria),
                        "a CSV downloads");

    plan = parse_fixture(*state, "languages.md");
    assert_string_equal(joined(*state, objective(plan, "zahlungen")->criteria),
                        "Eine Bestellung wird gespeichert");
}

static const struct {
    const char *fixture;
    int index, line;
    const char *code, *objective_id, *message;     /* message NULL: not checked */
} issues[] = {
    { "explicit.md", 0, 36, PL_PLAN_UNKNOWN_DEPENDENCY, "PAY-001",
      "PAY-001 depends on \"AUTH-009\", which names no objective of the plan" },
    { "explicit.md", 1, 45, PL_PLAN_DEPENDENCY_CYCLE, "PAY-002",
      "dependency cycle: PAY-002 -> PAY-003 -> PAY-002" },
    { "explicit.md", 2, 55, PL_PLAN_DUPLICATE_ID, "AUTH-001-2", NULL },
    { "explicit.md", 3, 58, PL_PLAN_NO_TASKS, "reporting", NULL },
    { "phases.md", 0, 32, PL_PLAN_EMPTY_CONTAINER, NULL, "\"Phase 3\" holds no objective" },
    /* Guesses, each with its line. */
    { "status_words.md", 0, 4, PL_PLAN_GUESSED, "parser",
      "\"Parser\" has no checkboxes and no task list; its 7 plain items are read as its tasks" },
    { "status_words.md", 5, 30, PL_PLAN_GUESSED, "sync",
      "the task \"Download changes\" has an empty box but says done; read as not done" },
    { "status_table.md", 3, 8, PL_PLAN_GUESSED, "F-4",
      "the status \"QA\" of \"Sharing links\" is not a status the parser knows; read as no "
      "claim" },
    { "todo.md", 0, 5, PL_PLAN_GUESSED, NULL,
      "no heading names an objective; the items of the lists under the title are read as the "
      "objectives" },
    { "bullets.md", 0, 6, PL_PLAN_GUESSED, "editing", NULL },
    { "groups.md", 0, 3, PL_PLAN_GUESSED, NULL,
      "\"Building programs\" holds only nested lists; its items are read as objectives, "
      "their sub-items as tasks" },
    { "outline.md", 1, 9, PL_PLAN_GUESSED, "sync", NULL },
    { "epics.md", 0, 20, PL_PLAN_NO_TASKS,
      "as-a-viewer-i-want-to-see-who-else-is-looking-at-the-page", NULL },
};

static void reports_issues_by_line(void **state)
{
    apr_size_t i;

    for (i = 0; i < sizeof(issues) / sizeof(issues[0]); i++) {
        pl_plan_t *plan = parse_fixture(*state, issues[i].fixture);
        const pl_plan_issue_t *is;

        assert_true(issues[i].index < plan->issues->nelts);
        is = &APR_ARRAY_IDX(plan->issues, issues[i].index, pl_plan_issue_t);
        if (is->line != issues[i].line || strcmp(is->code, issues[i].code)
            || (is->objective_id == NULL) != (issues[i].objective_id == NULL)
            || (is->objective_id && strcmp(is->objective_id, issues[i].objective_id))
            || (issues[i].message && strcmp(is->message, issues[i].message)))
            fail_msg("%s issue %d: line %d %s %s: %s", issues[i].fixture, issues[i].index,
                     is->line, is->code, is->objective_id ? is->objective_id : "-", is->message);
    }
}

static void finds_long_cycles_and_self_dependencies(void **state)
{
    pl_plan_t *plan = parse(*state,
        "# P\n\n## A-1: First\nDepends on: A-3\n- [ ] t\n\n## A-2: Second\nDepends on: A-1\n- [ ] t\n\n"
        "## A-3: Third\nDepends on: A-2, A-2\n- [ ] t\n\n## A-4: Alone\nDepends on: A-4\n- [ ] t\n");
    const pl_plan_issue_t *is;

    assert_int_equal(plan->issues->nelts, 2);
    is = &APR_ARRAY_IDX(plan->issues, 0, pl_plan_issue_t);
    assert_string_equal(is->code, PL_PLAN_DEPENDENCY_CYCLE);
    assert_string_equal(is->message, "dependency cycle: A-1 -> A-3 -> A-2 -> A-1");
    assert_int_equal(is->line, 3);
    is = &APR_ARRAY_IDX(plan->issues, 1, pl_plan_issue_t);
    assert_string_equal(is->message, "dependency cycle: A-4 -> A-4");
    /* A dependency written twice counts once. */
    assert_string_equal(joined(*state, objective(plan, "A-3")->depends), "A-2");
}

/* Links name objectives by the anchors GitHub gives headings: repeats
 * numbered, punctuation dropped, non-ASCII percent-encoded in the link. */
static void resolves_links_by_github_anchor(void **state)
{
    pl_plan_t *plan = parse(*state,
        "# P\n## Setup\n- [ ] a\n## Setup\n- [ ] b\n## Réseau & DNS\n- [ ] c\n"
        "## 2.1 Cache\n- [ ] d\n## Use\nDepends on: [second](#setup-1), [net](#r%C3%A9seau--dns), "
        "[cache](#21-cache), [gone](#nowhere)\n- [ ] e\n");

    assert_string_equal(joined(*state, objective(plan, "use")->depends),
                        "setup-2,reseau-dns,cache,#nowhere");
    assert_int_equal(plan->issues->nelts, 1);
    assert_string_equal(APR_ARRAY_IDX(plan->issues, 0, pl_plan_issue_t).code,
                        PL_PLAN_UNKNOWN_DEPENDENCY);
}

/* Repeated headings get numbered ids without a quadratic search, around
 * an explicit id that already took one of the numbers. */
static void numbers_repeated_headings(void **state)
{
    enum { N = 3000 };
    apr_array_header_t *parts = apr_array_make(*state, N + 2, sizeof(const char *));
    pl_plan_t *plan;
    int i;

    APR_ARRAY_PUSH(parts, const char *) = "# P\n## Tests\nID: tests-3\n- [ ] t\n";
    for (i = 0; i < N; i++)
        APR_ARRAY_PUSH(parts, const char *) = "## Tests\n- [ ] t\n";
    plan = parse(*state, apr_array_pstrcat(*state, parts, 0));
    assert_int_equal(plan->objectives->nelts, N + 1);
    assert_int_equal(pl_plan_find(plan, "tests-3"), 0);
    assert_int_equal(pl_plan_find(plan, "tests"), 1);
    assert_int_equal(pl_plan_find(plan, "tests-2"), 2);
    assert_int_equal(pl_plan_find(plan, "tests-4"), 3);
    assert_int_equal(pl_plan_find(plan, apr_psprintf(*state, "tests-%d", N + 1)), N);
    assert_int_equal(plan->issues->nelts, 0);
}

/* Ids derived from headings survive edits elsewhere: a phase inserted
 * before (renumbering the others), prose and objectives added around. */
static void derived_ids_survive_edits(void **state)
{
    static const char *const before =
        "# Plan\n\n## Phase 1: Storage\n### 1.1 Blobs\n- [ ] put\n### 1.2 Index\n- [ ] build\n\n"
        "## Phase 2: Search\n### 2.1 Query parser\n- [ ] parse\n";
    static const char *const after =
        "---\ntitle: Plan\n---\n# Plan\n\nA new introduction.\n\n## Phase 1: Setup\n- [ ] repo\n\n"
        "## Phase 2: Storage\n### 2.1 Cache\n- [ ] lru\n### 2.2 Blobs\n- [x] put\n### 2.3 Index\n"
        "- [ ] build\n\n## Phase 3: Search\nMore words.\n### 3.1 Query parser\n- [ ] parse\n";
    static const char *const ids[] = { "blobs", "index", "query-parser", NULL };
    pl_plan_t *a = parse(*state, before), *b = parse(*state, after);
    const char *const *id;

    for (id = ids; *id; id++)
        if (pl_plan_find(a, *id) < 0 || pl_plan_find(b, *id) < 0)
            fail_msg("%s: before %d, after %d", *id, pl_plan_find(a, *id), pl_plan_find(b, *id));
    /* the phases are containers, never objectives */
    assert_int_equal(pl_plan_find(b, "search"), -1);
    assert_string_equal(objective(b, "query-parser")->phase, "Phase 3: Search");
    assert_int_equal(objective(b, "blobs")->line, 14);
}

/* Every id is non-empty, unique, and found again; parents come first. */
static void ids_are_unique_and_parents_precede(void **state)
{
    apr_size_t f;

    for (f = 0; f < sizeof(plans) / sizeof(plans[0]); f++) {
        pl_plan_t *plan = parse_fixture(*state, plans[f].fixture);
        int i;
        for (i = 0; i < plan->objectives->nelts; i++) {
            const pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i,
                                                         pl_plan_objective_t *);
            assert_true(o->id && *o->id);
            assert_int_equal(pl_plan_find(plan, o->id), i);
            assert_true(o->parent < i);
            assert_true(o->title && *o->title);
        }
    }
}

static void crlf_reads_like_lf(void **state)
{
    apr_size_t f;

    for (f = 0; f < sizeof(plans) / sizeof(plans[0]); f++) {
        apr_size_t len, i, n = 0;
        const char *lf = fixture(*state, plans[f].fixture, &len);
        char *crlf = apr_palloc(*state, 2 * len + 1);
        pl_plan_t *a, *b;
        pl_jsonw_t *wa = pl_jsonw_create(*state, 0), *wb = pl_jsonw_create(*state, 0);

        for (i = 0; i < len; i++) {
            if (lf[i] == '\n')
                crlf[n++] = '\r';
            crlf[n++] = lf[i];
        }
        assert_int_equal(pl_plan_parse(*state, lf, len, &a), APR_SUCCESS);
        assert_int_equal(pl_plan_parse(*state, crlf, n, &b), APR_SUCCESS);
        pl_plan_write(wa, NULL, a);
        pl_plan_write(wb, NULL, b);
        assert_string_equal(pl_jsonw_text(wa, NULL), pl_jsonw_text(wb, NULL));
    }
}

static void writes_json(void **state)
{
    pl_plan_t *plan = parse_fixture(*state, "explicit.md");
    pl_jsonw_t *w = pl_jsonw_create(*state, 0);
    pl_json_t *json, *objs, *first, *list;
    const char *err, *text;
    apr_size_t len;
    double claimed;

    pl_plan_write(w, NULL, plan);
    text = pl_jsonw_text(w, &len);
    assert_int_equal(pl_json_parse(&json, *state, text, len, 8, &err), APR_SUCCESS);
    assert_string_equal(pl_json_get_str(json, "title"), "Shop master plan");
    objs = pl_json_get_array(*state, json, "objectives");
    assert_int_equal(pl_json_array_size(objs), 7);
    first = pl_json_array_get(*state, objs, 0);
    assert_string_equal(pl_json_get_str(first, "id"), "AUTH-001");
    assert_string_equal(pl_json_get_str(first, "level"), "primary");
    /* The plan's claim is claimed_*, never a bare "status". */
    assert_null(strstr(text, "\"status\""));
    assert_string_equal(pl_json_get_str(first, "claimed_status"), "in_progress");
    assert_true(pl_json_is_true(first, "explicit_id"));
    assert_true(pl_json_get_number(first, "claimed_completion", &claimed));
    assert_true(claimed > 0.66 && claimed < 0.67);
    assert_int_equal(pl_json_type_of(first, "claimed_percent"), PL_JSON_NULL);
    assert_int_equal(pl_json_type_of(first, "parent"), PL_JSON_NULL);
    assert_string_equal(pl_json_get_str(first, "container"), "Primary objectives");
    list = pl_json_get_array(*state, first, "tasks");
    assert_true(pl_json_is_true(pl_json_array_get(*state, list, 0), "claimed"));
    assert_int_equal(pl_json_type_of(pl_json_array_get(*state, list, 1), "claimed"),
                     PL_JSON_BOOL);
    assert_false(pl_json_is_true(pl_json_array_get(*state, list, 1), "claimed"));
    assert_int_equal(pl_json_array_size(pl_json_get_array(*state, json, "issues")), 4);
    assert_int_equal(pl_json_array_size(pl_json_get_array(*state, json, "containers")), 2);
    /* A task the plan says nothing about: claimed null; no claim at all:
     * claimed_completion null. */
    plan = parse_fixture(*state, "bullets.md");
    w = pl_jsonw_create(*state, 0);
    pl_plan_write(w, NULL, plan);
    text = pl_jsonw_text(w, &len);
    assert_null(strstr(text, "\"status\""));
    assert_int_equal(pl_json_parse(&json, *state, text, len, 8, &err), APR_SUCCESS);
    first = pl_json_array_get(*state, pl_json_get_array(*state, json, "objectives"), 0);
    assert_int_equal(pl_json_type_of(first, "claimed_completion"), PL_JSON_NULL);
    list = pl_json_get_array(*state, first, "tasks");
    assert_int_equal(pl_json_type_of(pl_json_array_get(*state, list, 0), "claimed"),
                     PL_JSON_NULL);
}

static void odd_input(void **state)
{
    static const char big[1] = "";
    pl_plan_t *plan;

    assert_int_equal(pl_plan_parse(*state, NULL, 3, &plan), PL_EINVAL);
    assert_int_equal(pl_plan_parse(*state, big, PL_PLAN_MAX_BYTES + 1, &plan), PL_ETOOBIG);

    assert_int_equal(pl_plan_parse(*state, NULL, 0, &plan), APR_SUCCESS);
    assert_int_equal(plan->objectives->nelts, 0);
    assert_int_equal(plan->issues->nelts, 1);
    assert_string_equal(APR_ARRAY_IDX(plan->issues, 0, pl_plan_issue_t).code,
                        PL_PLAN_NO_OBJECTIVES);

    /* Front matter never closed is Markdown: a rule, a paragraph. */
    plan = parse(*state, "---\ntitle: x\n\n## A\n- [ ] t\n");
    assert_null(plan->title);
    assert_int_equal(objective(plan, "a")->line, 4);

    /* A dependency in the paragraph a table was split from (found by
     * fuzz_plan): cmark gives that paragraph no line; the issue takes the
     * heading's, never 0. */
    plan = parse(*state, "# P\n\n## Pay\nDepends on: t\nh\n-|\n");
    assert_int_equal(plan->issues->nelts >= 1, 1);
    {
        int i;
        for (i = 0; i < plan->issues->nelts; i++)
            assert_true(APR_ARRAY_IDX(plan->issues, i, pl_plan_issue_t).line >= 1);
    }

    /* An outline task in the paragraph a table was split from (found by
     * fuzz_plan): it starts on its own line, after the heading. */
    plan = parse(*state, "##\n1.1 a\n1\n|-");
    {
        const pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, 0, pl_plan_objective_t *);
        assert_int_equal(o->tasks->nelts, 1);
        assert_int_equal(APR_ARRAY_IDX(o->tasks, 0, pl_plan_task_t).line, 2);
    }

    /* An empty heading over nested lists is no container (found by
     * fuzz_plan): its items are objectives in none. */
    plan = parse(*state, "##\n- a\n  - t\n- b\n  - u\n");
    assert_int_equal(plan->containers->nelts, 0);
    assert_null(objective(plan, "a")->container);

    /* "Depends on:" glued under a checkbox list (a lazy continuation of
     * the last item for CommonMark) is a dependency, not task text. */
    plan = parse(*state, "# P\n## A-1: One\n- [ ] t\n## A-2: Two\n- [ ] u\n- [x] v\n"
                         "Depends on: A-1\n");
    assert_string_equal(joined(*state, objective(plan, "A-2")->depends), "A-1");
    assert_int_equal(objective(plan, "A-2")->tasks->nelts, 2);
    assert_string_equal(APR_ARRAY_IDX(objective(plan, "A-2")->tasks, 1, pl_plan_task_t).text, "v");
    assert_int_equal(plan->issues->nelts, 0);

    /* Lists under the title read as objectives sit in no container, even
     * when a container heading follows (found by fuzz_plan). */
    plan = parse(*state, "- [ ] a\n\n## Tasks\n\nprose\n");
    assert_null(objective(plan, "a")->container);
    assert_int_equal(plan->issues->nelts, 3);   /* guessed, no_tasks, empty_container */

    /* A status table row with an empty id cell gets a derived id (found
     * by fuzz_plan). */
    plan = parse(*state, "# P\n| ID | Feature | Status |\n|---|---|---|\n|  | Export | done |\n");
    assert_string_equal(objective(plan, "export")->status, "done");
    assert_int_equal(objective(plan, "export")->explicit_id, 0);

    /* Several H1s are no title; phases hold the items as objectives. */
    plan = parse(*state, "# Phase 1: Core\n- [ ] a\n# Phase 2: Extras\n- [ ] b\n");
    assert_null(plan->title);
    assert_int_equal(plan->objectives->nelts, 2);
    assert_int_equal(objective(plan, "b")->line, 4);
    assert_string_equal(objective(plan, "b")->phase, "Phase 2: Extras");

    /* Embedded NUL and invalid UTF-8 do not stop the parse. */
    assert_int_equal(pl_plan_parse(*state, "# P\n## A\xff\xfe\0B\n- [x] t\n", 20, &plan),
                     APR_SUCCESS);
    assert_int_equal(plan->objectives->nelts, 1);
    assert_int_equal(APR_ARRAY_IDX(plan->objectives, 0, pl_plan_objective_t *)->tasks->nelts, 1);

    /* An id at the end, a label group, an em dash and an emoji. */
    plan = parse(*state, "# P\n## Login (AUTH-001)\n- [ ] a\n## Search (WIP)\n- [ ] b\n"
                         "## AUTH-002 \xE2\x80\x94 Logout \xE2\x9C\x85\n- [x] c\n");
    assert_string_equal(objective(plan, "AUTH-001")->title, "Login");
    assert_string_equal(objective(plan, "search")->status, "in_progress");
    assert_string_equal(objective(plan, "AUTH-002")->title, "Logout");
    assert_string_equal(objective(plan, "AUTH-002")->status, "done");

    /* "UTF-8 support" is a title, "AUTH-01 Login" an id and a title. */
    plan = parse(*state, "# P\n## UTF-8 support\n- [ ] t\n## AUTH-01 Login\n- [ ] t\n");
    assert_int_equal(pl_plan_find(plan, "utf-8-support"), 0);
    assert_string_equal(objective(plan, "AUTH-01")->title, "Login");

    /* Deep nesting is cut off, not recursed into. */
    {
        apr_size_t depth = 5000, i;
        char *deep = apr_palloc(*state, 2 * depth + 32);
        char *at = apr_cpystrn(deep, "# P\n## A\n", 32);
        for (i = 0; i < depth; i++) {
            *at++ = '>';
            *at++ = ' ';
        }
        apr_cpystrn(at, "- [ ] t\n", 16);
        plan = parse(*state, deep);
        assert_int_equal(plan->objectives->nelts, 1);
    }
}

static void find_and_claimed(void **state)
{
    pl_plan_t *plan = parse_fixture(*state, "checkbox.md");
    pl_plan_objective_t o;

    assert_int_equal(pl_plan_find(plan, "nope"), -1);
    assert_int_equal(pl_plan_find(plan, NULL), -1);
    assert_true(pl_plan_claimed(objective(plan, "login")) == 1.0);
    assert_true(pl_plan_claimed(objective(plan, "signup")) == 0.0);

    memset(&o, 0, sizeof(o));
    o.tasks = apr_array_make(*state, 1, sizeof(pl_plan_task_t));
    o.claimed_percent = -1;
    o.status = "done";
    assert_true(pl_plan_claimed(&o) == 1.0);
    o.status = "in_progress";
    assert_true(pl_plan_claimed(&o) == 0.5);
    o.status = NULL;
    assert_true(pl_plan_claimed(&o) == 0.0);
    assert_false(pl_plan_claims(&o));
    /* A percentage decides over ticks and status. */
    o.claimed_percent = 40;
    assert_true(pl_plan_claimed(&o) == 0.4);
    assert_true(pl_plan_claims(&o));
    plan = parse_fixture(*state, "status_words.md");
    assert_true(pl_plan_claimed(objective(plan, "sync")) == 0.4);
    /* Tasks that say nothing leave the claim to the status. */
    plan = parse(*state, "# P\n## Login \xE2\x9C\x85\n- Form\n- Session\n");
    assert_true(pl_plan_claimed(objective(plan, "login")) == 1.0);
    plan = parse_fixture(*state, "bullets.md");
    assert_false(pl_plan_claims(objective(plan, "storage")));
    assert_true(pl_plan_claims(objective(plan, "sharing")));
    assert_string_equal(pl_plan_level_name(PL_LEVEL_SECONDARY), "secondary");
}

/* A plan of 5,000 objectives (each with tasks, criteria and a dependency
 * on the one before) parses in well under a second. */
static void parses_a_large_plan(void **state)
{
    enum { N = 5000 };
    apr_array_header_t *parts = apr_array_make(*state, N * 4, sizeof(const char *));
    const char *text;
    apr_time_t start;
    pl_plan_t *plan;
    int i;

    APR_ARRAY_PUSH(parts, const char *) = "# Large plan\n\n## Primary objectives\n\n";
    for (i = 0; i < N; i++) {
        APR_ARRAY_PUSH(parts, const char *) = apr_psprintf(*state,
            "### OBJ-%d: Objective number %d ✅\n\nWhat objective %d is about.\n\n"
            "Depends on: OBJ-%d\n\n- [x] First task of %d\n- [ ] Second task of %d\n"
            "- [ ] Third task of %d\n\n**Acceptance criteria:**\n- It works\n\n",
            i, i, i, i ? i - 1 : N, i, i, i);
    }
    text = apr_array_pstrcat(*state, parts, 0);
    start = apr_time_now();
    plan = parse(*state, text);
    print_message("# parsed %d objectives (%zu bytes) in %.1f ms\n", N, strlen(text),
                  (double)(apr_time_now() - start) / 1000.0);
    assert_int_equal(plan->objectives->nelts, N);
    assert_int_equal(objective(plan, "OBJ-4999")->tasks->nelts, 3);
    assert_string_equal(joined(*state, objective(plan, "OBJ-4999")->depends), "OBJ-4998");
    /* OBJ-0 names OBJ-5000, which does not exist. */
    assert_int_equal(plan->issues->nelts, 1);
    assert_string_equal(APR_ARRAY_IDX(plan->issues, 0, pl_plan_issue_t).code,
                        PL_PLAN_UNKNOWN_DEPENDENCY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(counts_objectives_and_issues),
        UNIT_TEST(reads_objectives),
        UNIT_TEST(reads_tasks),
        UNIT_TEST(places_objectives_and_their_claims),
        UNIT_TEST(reads_task_claims),
        UNIT_TEST(reads_containers),
        UNIT_TEST(phased_plan_has_no_phase_objectives),
        UNIT_TEST(no_claim_is_left_in_a_text),
        UNIT_TEST(reads_criteria_labels_and_description),
        UNIT_TEST(reports_issues_by_line),
        UNIT_TEST(finds_long_cycles_and_self_dependencies),
        UNIT_TEST(resolves_links_by_github_anchor),
        UNIT_TEST(numbers_repeated_headings),
        UNIT_TEST(derived_ids_survive_edits),
        UNIT_TEST(ids_are_unique_and_parents_precede),
        UNIT_TEST(crlf_reads_like_lf),
        UNIT_TEST(writes_json),
        UNIT_TEST(odd_input),
        UNIT_TEST(find_and_claimed),
        UNIT_TEST(parses_a_large_plan),
    };

    return UNIT_RUN(tests);
}
