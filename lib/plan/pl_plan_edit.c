/* SPDX-License-Identifier: Apache-2.0 */
/* The plan's text as lines (without their '\n'), changed in place and
 * joined again: a line nobody touched comes back as it was. */
#include <apr_lib.h>
#include <apr_strings.h>

#include "core/pl_status.h"
#include "plan/pl_plan_edit.h"

typedef struct {
    apr_array_header_t *lines;   /* char * */
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

static apr_status_t join(apr_pool_t *p, const lines_t *l, const char **out, apr_size_t *len)
{
    const char *text = apr_array_pstrcat(p, l->lines, '\n');

    if (l->final_newline || !l->lines->nelts)
        text = apr_pstrcat(p, text, "\n", NULL);
    *out = text;
    *len = strlen(text);
    return APR_SUCCESS;
}

static void insert_line(apr_pool_t *p, lines_t *l, int at, const char *line)
{
    int i;

    APR_ARRAY_PUSH(l->lines, char *) = NULL;
    for (i = l->lines->nelts - 1; i > at; i--)
        APR_ARRAY_IDX(l->lines, i, char *) = APR_ARRAY_IDX(l->lines, i - 1, char *);
    APR_ARRAY_IDX(l->lines, at, char *) = apr_pstrdup(p, line);
}

static apr_status_t refuse(apr_status_t rv, const char **why, const char *what)
{
    *why = what;
    return rv;
}

static const pl_plan_objective_t *objective(apr_pool_t *p, const pl_plan_edit_t *e,
                                            const char *oid, const char **why)
{
    int i = e->plan ? pl_plan_find(e->plan, oid) : -1;

    if (i < 0) {
        *why = apr_pstrcat(p, "the plan has no objective ", oid, " (get_plan lists their ids)",
                           NULL);
        return NULL;
    }
    return APR_ARRAY_IDX(e->plan->objectives, i, const pl_plan_objective_t *);
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

/* The level (1..6) of a Markdown ATX heading line, 0 for another line. */
static int heading_level(const char *line)
{
    int n = 0;

    while (line[n] == '#')
        n++;
    return n >= 1 && n <= 6 && (line[n] == ' ' || !line[n]) ? n : 0;
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

static int one_line(const char *s)
{
    return s && *s && !strchr(s, '\n') && !strchr(s, '\r');
}

apr_status_t pl_plan_edit_tick(apr_pool_t *p, const pl_plan_edit_t *e, const char *oid,
                               const char *task, int done, const char **out,
                               apr_size_t *out_len, const char **why)
{
    const pl_plan_objective_t *o;
    int i, found = -1;
    lines_t l;
    char *line, *m;

    if (!(o = objective(p, e, oid, why)))
        return PL_ENOTFOUND;
    for (i = 0; i < o->tasks->nelts && found < 0; i++)     /* the exact text first */
        if (!strcasecmp(APR_ARRAY_IDX(o->tasks, i, pl_plan_task_t).text, task))
            found = i;
    for (i = 0; *task && i < o->tasks->nelts && found < 0; i++)
        if (!strncasecmp(APR_ARRAY_IDX(o->tasks, i, pl_plan_task_t).text, task, strlen(task)))
            found = i;
    if (found < 0) {
        *why = apr_pstrcat(p, "objective ", o->id, " has no task \"", task,
                           "\" (get_plan lists them)", NULL);
        return PL_ENOTFOUND;
    }
    l = split(p, e->text, e->len);
    i = APR_ARRAY_IDX(o->tasks, found, pl_plan_task_t).line - 1;
    if (i < 0 || i >= l.lines->nelts || !(m = after_marker(line = APR_ARRAY_IDX(l.lines, i, char *))))
        return refuse(PL_EINVAL, why, "that task is not a list item (a table row?): change it"
                      " with edit_plan_section");
    if (m[0] == '[' && (m[1] == ' ' || m[1] == 'x' || m[1] == 'X') && m[2] == ']')
        m[1] = done ? 'x' : ' ';
    else
        APR_ARRAY_IDX(l.lines, i, char *) = apr_pstrcat(
            p, apr_pstrmemdup(p, line, (apr_size_t)(m - line)), done ? "[x] " : "[ ] ", m, NULL);
    return join(p, &l, out, out_len);
}

apr_status_t pl_plan_edit_add_task(apr_pool_t *p, const pl_plan_edit_t *e, const char *oid,
                                   const char *task, const char **out, apr_size_t *out_len,
                                   const char **why)
{
    const pl_plan_objective_t *o;
    const char *indent = "";
    lines_t l;
    int at;

    if (!one_line(task))
        return refuse(PL_EINVAL, why, "task must be one line of text");
    if (!(o = objective(p, e, oid, why)))
        return PL_ENOTFOUND;
    l = split(p, e->text, e->len);
    if (o->tasks->nelts) {      /* after the last task, indented as it is */
        const char *last;
        at = APR_ARRAY_IDX(o->tasks, o->tasks->nelts - 1, pl_plan_task_t).line;
        last = at >= 1 && at - 1 < l.lines->nelts ? APR_ARRAY_IDX(l.lines, at - 1, char *) : "";
        indent = apr_pstrmemdup(p, last, strspn(last, " \t"));
    }
    else {                      /* after the heading and its paragraphs */
        at = o->line;
        if (at < 0)
            at = 0;
        while (at < l.lines->nelts && APR_ARRAY_IDX(l.lines, at, char *)[0] != '#')
            at++;
        while (at > o->line && at > 0 && !*APR_ARRAY_IDX(l.lines, at - 1, char *))
            at--;
        if (at > l.lines->nelts)
            at = l.lines->nelts;
        insert_line(p, &l, at++, "");
    }
    if (at > l.lines->nelts)
        at = l.lines->nelts;
    if (at < 0)
        at = 0;
    insert_line(p, &l, at, apr_pstrcat(p, indent, "- [ ] ", task, NULL));
    return join(p, &l, out, out_len);
}

apr_status_t pl_plan_edit_add_objective(apr_pool_t *p, const pl_plan_edit_t *e,
                                        const char *title, const char *description,
                                        const apr_array_header_t *tasks, const char **out,
                                        apr_size_t *out_len, const char **why)
{
    lines_t l;
    int level = 2, i;

    if (!one_line(title))
        return refuse(PL_EINVAL, why, "title must be one line of text");
    for (i = 0; tasks && i < tasks->nelts; i++)
        if (!one_line(APR_ARRAY_IDX(tasks, i, const char *)))
            return refuse(PL_EINVAL, why, "each task must be one line of text");
    l = e->text ? split(p, e->text, e->len) : split(p, "# Plan\n", 7);   /* a title first */
    /* at the level of the plan's last objective written as a heading */
    for (i = e->plan ? e->plan->objectives->nelts - 1 : -1; i >= 0; i--) {
        const pl_plan_objective_t *o = APR_ARRAY_IDX(e->plan->objectives, i, pl_plan_objective_t *);
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
    return join(p, &l, out, out_len);
}

static int is_fence(const char *line)
{
    return !strncmp(line, "```", 3) || !strncmp(line, "~~~", 3);
}

apr_status_t pl_plan_edit_section(apr_pool_t *p, const pl_plan_edit_t *e, const char *heading,
                                  const char *markdown, const char **out, apr_size_t *out_len,
                                  const char **why)
{
    apr_array_header_t *lines;
    lines_t l, body;
    int i, at = -1, level = 0, end, fence = 0;

    while (*heading == '#' || *heading == ' ')
        heading++;
    if (!e->text)
        return refuse(PL_ENOTFOUND, why, "the project has no plan yet (add_objective creates it)");
    l = split(p, e->text, e->len);
    for (i = 0; i < l.lines->nelts && at < 0; i++) {
        const char *line = APR_ARRAY_IDX(l.lines, i, char *);
        int h;
        if (is_fence(line))
            fence = !fence;
        else if (!fence && (h = heading_level(line)) && !strcasecmp(heading_text(p, line, h), heading)) {
            at = i;
            level = h;
        }
    }
    if (at < 0) {
        *why = apr_pstrcat(p, "the plan has no heading \"", heading, "\"", NULL);
        return PL_ENOTFOUND;
    }
    for (end = at + 1, fence = 0; end < l.lines->nelts; end++) {
        const char *line = APR_ARRAY_IDX(l.lines, end, char *);
        int h;
        if (is_fence(line))
            fence = !fence;
        else if (!fence && (h = heading_level(line)) && h <= level)
            break;
    }
    /* heading, a blank line, the new body, a blank line before what follows */
    body = split(p, markdown, strlen(markdown));
    lines = apr_array_make(p, l.lines->nelts + body.lines->nelts + 2, sizeof(char *));
    for (i = 0; i <= at; i++)
        APR_ARRAY_PUSH(lines, char *) = APR_ARRAY_IDX(l.lines, i, char *);
    APR_ARRAY_PUSH(lines, char *) = "";
    apr_array_cat(lines, body.lines);
    if (end < l.lines->nelts)
        APR_ARRAY_PUSH(lines, char *) = "";
    for (i = end; i < l.lines->nelts; i++)
        APR_ARRAY_PUSH(lines, char *) = APR_ARRAY_IDX(l.lines, i, char *);
    l.lines = lines;
    return join(p, &l, out, out_len);
}
