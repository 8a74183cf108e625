/* SPDX-License-Identifier: Apache-2.0 */
/* The tools that change the plan: each reads the current MASTER_PLAN.md
 * under the checkout's lock (pl_plan_file_lock, held until ctx->pool is
 * cleared), changes its lines in place, so everything else in the file
 * stays byte for byte, and saves it as a new version whose author is the
 * caller (pl_plan_save, as PUT .../plan does). The objectives and tasks
 * are found through the plan's parse (pl_plan_parse gives their lines). */
#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "plan/pl_plan.h"
#include "plan/pl_plan_file.h"
#include "plan/pl_plan_store.h"
#include "tools/pl_tools_int.h"

typedef struct {
    apr_array_header_t *lines;   /* char *, without their '\n' */
    int final_newline;
} lines_t;

static lines_t split(apr_pool_t *p, const char *text, apr_size_t len)
{
    lines_t l = { apr_array_make(p, 256, sizeof(char *)), len && text[len - 1] == '\n' };
    const char *s = text, *end = text + len;

    while (s < end) {
        const char *nl = memchr(s, '\n', (apr_size_t)(end - s));
        APR_ARRAY_PUSH(l.lines, char *) = apr_pstrmemdup(p, s, (apr_size_t)((nl ? nl : end) - s));
        s = nl ? nl + 1 : end;
    }
    return l;
}

static const char *join(apr_pool_t *p, const lines_t *l, apr_size_t *len)
{
    const char *out = apr_array_pstrcat(p, l->lines, '\n');

    if (l->final_newline || !l->lines->nelts)
        out = apr_pstrcat(p, out, "\n", NULL);
    *len = strlen(out);
    return out;
}

static void insert_line(apr_pool_t *p, lines_t *l, int at, const char *line)
{
    int i;

    APR_ARRAY_PUSH(l->lines, char *) = NULL;
    for (i = l->lines->nelts - 1; i > at; i--)
        APR_ARRAY_IDX(l->lines, i, char *) = APR_ARRAY_IDX(l->lines, i - 1, char *);
    APR_ARRAY_IDX(l->lines, at, char *) = apr_pstrdup(p, line);
}

/* The plan to change, locked, with its parse; 0 after the error result. */
static int load(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_plan_current_t **cur,
                pl_plan_t **plan, pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *dir, *why = NULL;
    apr_int64_t id;
    apr_status_t rv;
    int fd;

    if (!pl_tools_project_dir(ctx, args, PL_ROLE_DEVELOPER, &id, &dir, res))
        return 0;
    if (pl_plan_file_lock(p, dir, &fd) != APR_SUCCESS) {
        pl_tools_fail(res, p, PL_ERR_PLAN_NOT_WRITABLE,
                      "the checkout's directory cannot be locked to change its plan");
        return 0;
    }
    if ((rv = pl_plan_current(ctx->db, p, id, dir, cur, &why)) != APR_SUCCESS) {
        pl_tools_fail(res, p, rv == PL_EFORBIDDEN ? PL_ERR_PLAN_UNSAFE : PL_ERR_PLAN_UNREADABLE,
                      why ? why : "the plan cannot be read");
        return 0;
    }
    if ((*cur)->name && (rv = pl_plan_parse(p, (*cur)->text, (*cur)->len, plan)) != APR_SUCCESS) {
        pl_tools_fail_status(res, p, rv, "plan");
        return 0;
    }
    return 1;
}

/* Saves the lines as the next version by the caller; the result names it. */
static void save(const pl_tools_ctx_t *ctx, pl_plan_current_t *cur, const lines_t *l,
                 const char *message, pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    pl_plan_version_t *v = apr_pcalloc(p, sizeof(*v));
    const char *text, *why = NULL;
    apr_size_t len;
    pl_jsonw_t *w;
    apr_status_t rv;

    text = join(p, l, &len);
    if (len > PL_PLAN_MAX_BYTES) {
        pl_tools_fail(res, p, PL_ERR_PLAN_TOO_LARGE, "the plan would grow past its cap: nothing"
                      " was written");
        return;
    }
    v->author_id = ctx->user_id;
    v->message = message;
    if ((rv = pl_plan_save(ctx->db, p, cur, text, len, v, &why)) != APR_SUCCESS) {
        pl_tools_fail(res, p, rv == PL_EFORBIDDEN || rv == PL_EINVAL ? PL_ERR_PLAN_UNSAFE
                      : why ? PL_ERR_PLAN_NOT_WRITABLE : PL_ERR_TOOL_FAILED,
                      why ? apr_pstrcat(p, why, ": nothing was written", NULL)
                      : "the plan version could not be recorded");
        return;
    }
    w = pl_jsonw_create(p, 512);
    pl_jsonw_object(w, NULL);
    pl_jsonw_int(w, "project_id", cur->project_id);
    pl_jsonw_int(w, "version", v->n);
    pl_jsonw_str(w, "path", cur->name ? cur->name : PL_PLAN_FILE_NAME);
    pl_jsonw_str(w, "message", message);
    pl_jsonw_end(w);
    pl_tools_ok_writer(res, p, w);
}

static const pl_plan_objective_t *objective(const pl_tools_ctx_t *ctx, const pl_plan_t *plan,
                                            const char *oid, pl_tools_result_t *res)
{
    int i = plan ? pl_plan_find(plan, oid) : -1;

    if (i < 0) {
        pl_tools_fail(res, ctx->pool, PL_ERR_NOT_FOUND, apr_pstrcat(
            ctx->pool, "the plan has no objective ", oid, " (get_plan lists their ids)", NULL));
        return NULL;
    }
    return APR_ARRAY_IDX(plan->objectives, i, const pl_plan_objective_t *);
}

/* The list marker's end in line ("- ", "* ", "1. "), or NULL. */
static char *after_marker(char *line)
{
    char *s = line;

    while (*s == ' ' || *s == '\t')
        s++;
    if ((*s == '-' || *s == '*' || *s == '+') && s[1] == ' ')
        return s + 2;
    while (apr_isdigit(*s))
        s++;
    return s > line && (*s == '.' || *s == ')') && s[1] == ' ' ? s + 2 : NULL;
}

void pl_tool_update_task(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                         pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *want = pl_json_get_str(args, "task");
    int done = pl_json_is_true(args, "done"), i, found = -1;
    const pl_plan_objective_t *o;
    pl_plan_current_t *cur;
    pl_plan_t *plan = NULL;
    lines_t l;
    char *line, *m;

    if (!load(ctx, args, &cur, &plan, res)
        || !(o = objective(ctx, plan, pl_json_get_str(args, "objective_id"), res)))
        return;
    for (i = 0; i < o->tasks->nelts && found < 0; i++)     /* the exact text first */
        if (!strcasecmp(APR_ARRAY_IDX(o->tasks, i, pl_plan_task_t).text, want))
            found = i;
    for (i = 0; i < o->tasks->nelts && found < 0; i++)
        if (!strncasecmp(APR_ARRAY_IDX(o->tasks, i, pl_plan_task_t).text, want, strlen(want)))
            found = i;
    if (found < 0) {
        pl_tools_fail(res, p, PL_ERR_NOT_FOUND, apr_pstrcat(
            p, "objective ", o->id, " has no task \"", want, "\" (get_plan lists them)", NULL));
        return;
    }
    l = split(p, cur->text, cur->len);
    i = APR_ARRAY_IDX(o->tasks, found, pl_plan_task_t).line - 1;
    if (i < 0 || i >= l.lines->nelts || !(m = after_marker(line = APR_ARRAY_IDX(l.lines, i, char *)))) {
        pl_tools_fail(res, p, PL_ERR_TOOL_FAILED, "that task is not a list item (a table row?):"
                      " change it with edit_plan_section");
        return;
    }
    if (m[0] == '[' && (m[1] == ' ' || m[1] == 'x' || m[1] == 'X') && m[2] == ']')
        m[1] = done ? 'x' : ' ';
    else
        APR_ARRAY_IDX(l.lines, i, char *) = apr_pstrcat(
            p, apr_pstrmemdup(p, line, (apr_size_t)(m - line)), done ? "[x] " : "[ ] ", m, NULL);
    save(ctx, cur, &l, apr_pstrcat(p, done ? "ticked" : "unticked", " a task of ", o->id,
                                   " (update_task)", NULL), res);
}

void pl_tool_add_task(const pl_tools_ctx_t *ctx, const pl_json_t *args, pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *task = pl_json_get_str(args, "task"), *indent = "";
    const pl_plan_objective_t *o;
    pl_plan_current_t *cur;
    pl_plan_t *plan = NULL;
    lines_t l;
    int at;

    if (strchr(task, '\n') || !*task) {
        pl_tools_fail(res, p, PL_ERR_TOOL_ARGUMENTS, "task must be one line of text");
        return;
    }
    if (!load(ctx, args, &cur, &plan, res)
        || !(o = objective(ctx, plan, pl_json_get_str(args, "objective_id"), res)))
        return;
    l = split(p, cur->text, cur->len);
    if (o->tasks->nelts) {      /* after the last task, indented as it is */
        const char *last;
        at = APR_ARRAY_IDX(o->tasks, o->tasks->nelts - 1, pl_plan_task_t).line;
        last = at - 1 < l.lines->nelts ? APR_ARRAY_IDX(l.lines, at - 1, char *) : "";
        indent = apr_pstrmemdup(p, last, strspn(last, " \t"));
    }
    else {                      /* after the heading and its paragraphs */
        at = o->line;
        while (at < l.lines->nelts && APR_ARRAY_IDX(l.lines, at, char *)[0] != '#')
            at++;
        while (at > o->line && !*APR_ARRAY_IDX(l.lines, at - 1, char *))
            at--;
        insert_line(p, &l, at++, "");
    }
    if (at > l.lines->nelts)
        at = l.lines->nelts;
    insert_line(p, &l, at, apr_pstrcat(p, indent, "- [ ] ", task, NULL));
    save(ctx, cur, &l, apr_pstrcat(p, "added a task to ", o->id, " (add_task)", NULL), res);
}

/* The level (1..6) of a Markdown ATX heading line, 0 for another line. */
static int heading_level(const char *line)
{
    int n = 0;

    while (line[n] == '#')
        n++;
    return n >= 1 && n <= 6 && (line[n] == ' ' || !line[n]) ? n : 0;
}

void pl_tool_add_objective(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                           pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *title = pl_json_get_str(args, "title");
    const char *description = pl_json_get_str(args, "description");
    apr_array_header_t *tasks = NULL;
    pl_plan_current_t *cur;
    pl_plan_t *plan = NULL;
    lines_t l;
    int level = 2, i;

    if (strchr(title, '\n') || !*title) {
        pl_tools_fail(res, p, PL_ERR_TOOL_ARGUMENTS, "title must be one line of text");
        return;
    }
    if (pl_json_type_of(args, "tasks") == PL_JSON_ARRAY
        && !pl_json_get_strings(args, "tasks", p, &tasks)) {
        pl_tools_fail(res, p, PL_ERR_TOOL_ARGUMENTS, "tasks must be an array of strings");
        return;
    }
    for (i = 0; tasks && i < tasks->nelts; i++)
        if (strchr(APR_ARRAY_IDX(tasks, i, const char *), '\n')) {
            pl_tools_fail(res, p, PL_ERR_TOOL_ARGUMENTS, "each task must be one line of text");
            return;
        }
    if (!load(ctx, args, &cur, &plan, res))
        return;
    l = cur->name ? split(p, cur->text, cur->len)
                  : split(p, "# Plan\n", 7);   /* a new plan: a title first */
    /* at the level of the plan's last objective written as a heading */
    for (i = plan ? plan->objectives->nelts - 1 : -1; i >= 0; i--) {
        const pl_plan_objective_t *o = APR_ARRAY_IDX(plan->objectives, i, pl_plan_objective_t *);
        int at = o->line - 1, h;
        if (at >= 0 && at < l.lines->nelts && (h = heading_level(APR_ARRAY_IDX(l.lines, at, char *)))) {
            level = h;
            break;
        }
    }
    if (l.lines->nelts && *APR_ARRAY_IDX(l.lines, l.lines->nelts - 1, char *))
        APR_ARRAY_PUSH(l.lines, char *) = "";
    APR_ARRAY_PUSH(l.lines, char *) = apr_pstrcat(p, apr_pstrndup(p, "######", level), " ",
                                                  title, NULL);
    if (description && *description) {
        APR_ARRAY_PUSH(l.lines, char *) = "";
        APR_ARRAY_PUSH(l.lines, char *) = apr_pstrdup(p, description);
    }
    if (tasks && tasks->nelts)
        APR_ARRAY_PUSH(l.lines, char *) = "";
    for (i = 0; tasks && i < tasks->nelts; i++)
        APR_ARRAY_PUSH(l.lines, char *) = apr_pstrcat(p, "- [ ] ",
                                                      APR_ARRAY_IDX(tasks, i, const char *), NULL);
    l.final_newline = 1;
    save(ctx, cur, &l, apr_pstrcat(p, "added the objective ", title, " (add_objective)", NULL),
         res);
}

/* The heading text of line without its #s, trailing #s and spaces. */
static const char *heading_text(apr_pool_t *p, const char *line, int level)
{
    const char *s = line + level, *e;

    while (*s == ' ')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '#'))
        e--;
    return apr_pstrmemdup(p, s, (apr_size_t)(e - s));
}

void pl_tool_edit_plan_section(const pl_tools_ctx_t *ctx, const pl_json_t *args,
                               pl_tools_result_t *res)
{
    apr_pool_t *p = ctx->pool;
    const char *heading = pl_json_get_str(args, "heading");
    const char *markdown = pl_json_get_str(args, "markdown");
    pl_plan_current_t *cur;
    pl_plan_t *plan = NULL;
    lines_t l, body;
    int i, at = -1, level = 0, end, fence = 0;

    while (*heading == '#' || *heading == ' ')
        heading++;
    if (!load(ctx, args, &cur, &plan, res))
        return;
    if (!cur->name) {
        pl_tools_fail(res, p, PL_ERR_PLAN_NOT_FOUND, "the project has no plan yet (add_objective"
                      " creates it)");
        return;
    }
    l = split(p, cur->text, cur->len);
    for (i = 0; i < l.lines->nelts && at < 0; i++) {
        const char *line = APR_ARRAY_IDX(l.lines, i, char *);
        int h;
        if (!strncmp(line, "```", 3) || !strncmp(line, "~~~", 3))
            fence = !fence;
        else if (!fence && (h = heading_level(line))
                 && !strcasecmp(heading_text(p, line, h), heading)) {
            at = i;
            level = h;
        }
    }
    if (at < 0) {
        pl_tools_fail(res, p, PL_ERR_NOT_FOUND, apr_pstrcat(p, "the plan has no heading \"",
                                                            heading, "\"", NULL));
        return;
    }
    for (end = at + 1, fence = 0; end < l.lines->nelts; end++) {
        const char *line = APR_ARRAY_IDX(l.lines, end, char *);
        int h;
        if (!strncmp(line, "```", 3) || !strncmp(line, "~~~", 3))
            fence = !fence;
        else if (!fence && (h = heading_level(line)) && h <= level)
            break;
    }
    /* heading, a blank line, the new body, a blank line before what follows */
    body = split(p, markdown, strlen(markdown));
    {
        apr_array_header_t *out = apr_array_make(p, l.lines->nelts + body.lines->nelts + 2,
                                                 sizeof(char *));
        for (i = 0; i <= at; i++)
            APR_ARRAY_PUSH(out, char *) = APR_ARRAY_IDX(l.lines, i, char *);
        APR_ARRAY_PUSH(out, char *) = "";
        apr_array_cat(out, body.lines);
        if (end < l.lines->nelts)
            APR_ARRAY_PUSH(out, char *) = "";
        for (i = end; i < l.lines->nelts; i++)
            APR_ARRAY_PUSH(out, char *) = APR_ARRAY_IDX(l.lines, i, char *);
        l.lines = out;
    }
    save(ctx, cur, &l, apr_pstrcat(p, "edited the section ", heading, " (edit_plan_section)",
                                   NULL), res);
}
