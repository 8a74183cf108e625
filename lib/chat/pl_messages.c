/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "chat/pl_messages.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

#define M_COLUMNS "id, thread_id, parent_id, role, content, thinking, state, model, server_id," \
                  " prompt_tokens, completion_tokens, total_ns, eval_ns, error_code, created_at," \
                  " updated_at, tool_calls, tool_name, tool_call_id, tool_arguments"

static const pl_sql_t SQL_INSERT = {
    "pl.messages.insert",
    "INSERT INTO messages (thread_id, parent_id, role, content, thinking, state, model, server_id,"
    " created_at, updated_at, tool_calls, tool_name, tool_call_id, tool_arguments)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_INSERT_WHOLE = {
    "pl.messages.insert_whole",
    "INSERT INTO messages (thread_id, parent_id, role, content, thinking, state, model, server_id,"
    " prompt_tokens, completion_tokens, total_ns, eval_ns, error_code, created_at, updated_at,"
    " tool_calls, tool_name, tool_call_id, tool_arguments,"
    " imported) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
    " %s, 1)", NULL
};
static const pl_sql_t SQL_FINISH = {
    "pl.messages.finish",
    "UPDATE messages SET content = %s, thinking = %s, state = %s, server_id = %s,"
    " prompt_tokens = %s, completion_tokens = %s, total_ns = %s, eval_ns = %s, error_code = %s,"
    " updated_at = %s, tool_calls = %s WHERE id = %s", NULL
};
/* Only the branch: walk up from the leaf (both engines have recursive CTEs). */
static const pl_sql_t SQL_BRANCH = {
    "pl.messages.branch",
    "WITH RECURSIVE up (id, parent_id) AS ("
    " SELECT id, parent_id FROM messages WHERE id = %s AND thread_id = %s"
    " UNION ALL SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent_id)"
    " SELECT " M_COLUMNS " FROM messages WHERE id IN (SELECT id FROM up) ORDER BY id", NULL
};
static const pl_sql_t SQL_ALL = {
    "pl.messages.all", "SELECT " M_COLUMNS " FROM messages WHERE thread_id = %s ORDER BY id", NULL
};
static const pl_sql_t SQL_GET = {
    "pl.messages.get", "SELECT " M_COLUMNS " FROM messages WHERE thread_id = %s AND id = %s", NULL
};
static const pl_sql_t SQL_SHAPE = {
    "pl.messages.shape", "SELECT id, parent_id FROM messages WHERE thread_id = %s ORDER BY id", NULL
};
/* Down from the message: one statement, so SQLite's foreign key from a
 * child to its parent is checked when both are gone. */
static const pl_sql_t SQL_DELETE_SUBTREE = {
    "pl.messages.delete_subtree",
    "DELETE FROM messages WHERE thread_id = %s AND id IN ("
    " WITH RECURSIVE sub (id) AS (SELECT id FROM messages WHERE id = %s AND thread_id = %s"
    " UNION ALL SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id)"
    " SELECT id FROM sub)", NULL
};

#define I64OR0(p, v) ((v) ? pl_text_i64((p), (v)) : NULL)
#define ATOI64(s) ((s) ? apr_atoi64(s) : 0)

static void write_text(pl_jsonw_t *w, const pl_message_t *m)
{
    pl_jsonw_str(w, "content", m->content);
    pl_jsonw_str(w, "thinking", m->thinking);
    pl_jsonw_str(w, "state", m->state);
    pl_jsonw_str(w, "model", m->model);
}

static void write_place(pl_jsonw_t *w, const pl_message_t *m)
{
    pl_jsonw_int(w, "id", m->id);
    pl_jsonw_id(w, "parent_id", m->parent_id);
    pl_jsonw_str(w, "role", m->role);
}

/* The tool calls of a reply, or the call a tool message answers. */
static void write_tool(pl_jsonw_t *w, const pl_message_t *m)
{
    if (m->tool_calls)
        pl_jsonw_raw(w, "tool_calls", m->tool_calls);
    if (m->tool_name) {
        pl_jsonw_str(w, "tool_name", m->tool_name);
        pl_jsonw_str(w, "tool_call_id", m->tool_call_id);
        pl_jsonw_raw(w, "tool_arguments", m->tool_arguments ? m->tool_arguments : "{}");
    }
}

void pl_message_write_stored(pl_jsonw_t *w, const pl_message_t *m)
{
    write_place(w, m);
    write_text(w, m);
    write_tool(w, m);
}

void pl_message_write_content(pl_jsonw_t *w, const pl_message_t *m)
{
    write_text(w, m);
    if (!strcmp(m->role, "assistant")) {
        pl_jsonw_int(w, "prompt_tokens", m->prompt_tokens);
        pl_jsonw_int(w, "completion_tokens", m->completion_tokens);
        pl_jsonw_number(w, "duration_ms", (double)m->total_ns / 1e6);
        pl_jsonw_number(w, "tokens_per_second",
                        m->eval_ns ? (double)m->completion_tokens * 1e9 / (double)m->eval_ns : 0);
        pl_jsonw_str(w, "error_code", m->error_code);
    }
}

void pl_message_write(pl_jsonw_t *w, const pl_message_t *m)
{
    write_place(w, m);
    pl_message_write_content(w, m);
    write_tool(w, m);
    pl_jsonw_str(w, "created_at", m->created_at);
}

static void *message_row(apr_pool_t *p, const char **r)
{
    pl_message_t *m = apr_pcalloc(p, sizeof(*m));

    m->id = ATOI64(r[0]);
    m->thread_id = ATOI64(r[1]);
    m->parent_id = ATOI64(r[2]);
    m->role = r[3];
    m->content = r[4] ? r[4] : "";
    m->thinking = r[5];
    m->state = r[6];
    m->model = r[7];
    m->server_id = ATOI64(r[8]);
    m->prompt_tokens = ATOI64(r[9]);
    m->completion_tokens = ATOI64(r[10]);
    m->total_ns = ATOI64(r[11]);
    m->eval_ns = ATOI64(r[12]);
    m->error_code = r[13];
    m->created_at = r[14];
    m->updated_at = r[15];
    m->tool_calls = r[16];
    m->tool_name = r[17];
    m->tool_call_id = r[18];
    m->tool_arguments = r[19];
    return m;
}

/* The columns both inserts begin with. */
static void insert_args(apr_pool_t *p, const pl_message_t *m, const char **a)
{
    a[0] = pl_text_i64(p, m->thread_id);
    a[1] = I64OR0(p, m->parent_id);
    a[2] = m->role;
    a[3] = m->content ? m->content : "";
    a[4] = m->thinking;
    a[5] = m->state;
    a[6] = m->model;
    a[7] = I64OR0(p, m->server_id);
}

apr_status_t pl_messages_insert(pl_db_t *db, apr_pool_t *p, pl_message_t *m)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *a[14];
    apr_status_t rv;

    insert_args(p, m, a);
    a[8] = now;
    a[9] = now;
    a[10] = m->tool_calls;
    a[11] = m->tool_name;
    a[12] = m->tool_call_id;
    a[13] = m->tool_arguments;
    if ((rv = pl_db_exec(db, p, &SQL_INSERT, 14, a, NULL)) != APR_SUCCESS)
        return rv;
    m->created_at = m->updated_at = now;
    return pl_db_last_id(db, p, &m->id);
}

apr_status_t pl_messages_insert_whole(pl_db_t *db, apr_pool_t *p, pl_message_t *m)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *a[19];
    apr_status_t rv;

    insert_args(p, m, a);
    a[8] = pl_text_i64(p, m->prompt_tokens);
    a[9] = pl_text_i64(p, m->completion_tokens);
    a[10] = pl_text_i64(p, m->total_ns);
    a[11] = pl_text_i64(p, m->eval_ns);
    a[12] = m->error_code;
    a[13] = m->created_at ? m->created_at : now;
    a[14] = m->updated_at ? m->updated_at : a[13];
    a[15] = m->tool_calls;
    a[16] = m->tool_name;
    a[17] = m->tool_call_id;
    a[18] = m->tool_arguments;
    if ((rv = pl_db_exec(db, p, &SQL_INSERT_WHOLE, 19, a, NULL)) != APR_SUCCESS)
        return rv;
    return pl_db_last_id(db, p, &m->id);
}

apr_status_t pl_messages_finish(pl_db_t *db, apr_pool_t *p, const pl_message_t *m)
{
    const char *a[12];

    a[0] = m->content ? m->content : "";
    a[1] = m->thinking;
    a[2] = m->state;
    a[3] = I64OR0(p, m->server_id);
    a[4] = pl_text_i64(p, m->prompt_tokens);
    a[5] = pl_text_i64(p, m->completion_tokens);
    a[6] = pl_text_i64(p, m->total_ns);
    a[7] = pl_text_i64(p, m->eval_ns);
    a[8] = m->error_code;
    a[9] = pl_time_rfc3339(p, apr_time_now());
    a[10] = m->tool_calls;
    a[11] = pl_text_i64(p, m->id);
    return pl_db_exec(db, p, &SQL_FINISH, 12, a, NULL);
}

/* Runs sql with the parameters a and maps each row to a message. */
static apr_status_t select_messages(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, int nargs,
                                    const char **a, apr_array_header_t **out)
{
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, sql, nargs, a, &res);

    if (rv == APR_SUCCESS)
        *out = pl_db_map(p, res, message_row);
    return rv;
}

apr_status_t pl_messages_branch(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                                apr_int64_t leaf_id, apr_array_header_t **branch)
{
    const char *a[2];

    *branch = apr_array_make(p, 1, sizeof(pl_message_t *));
    if (!leaf_id)
        return APR_SUCCESS;
    a[0] = pl_text_i64(p, leaf_id);
    a[1] = pl_text_i64(p, thread_id);
    /* a parent is always older than its child: id order is branch order */
    return select_messages(db, p, &SQL_BRANCH, 2, a, branch);
}

apr_status_t pl_messages_all(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                             apr_array_header_t **all)
{
    const char *a = pl_text_i64(p, thread_id);

    return select_messages(db, p, &SQL_ALL, 1, &a, all);
}

apr_status_t pl_messages_get(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id, apr_int64_t id,
                             pl_message_t **pm)
{
    apr_array_header_t *found;
    const char *a[2];
    apr_status_t rv;

    a[0] = pl_text_i64(p, thread_id);
    a[1] = pl_text_i64(p, id);
    if ((rv = select_messages(db, p, &SQL_GET, 2, a, &found)) != APR_SUCCESS)
        return rv;
    if (!found->nelts)
        return PL_ENOTFOUND;
    *pm = APR_ARRAY_IDX(found, 0, pl_message_t *);
    return APR_SUCCESS;
}

apr_status_t pl_messages_delete_subtree(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                                        apr_int64_t id)
{
    const char *a[3];

    a[0] = a[2] = pl_text_i64(p, thread_id);
    a[1] = pl_text_i64(p, id);
    return pl_db_exec(db, p, &SQL_DELETE_SUBTREE, 3, a, NULL);
}

/* ---------------------------------------------------------------- the tree */

typedef struct {
    apr_int64_t id, parent_id;
    apr_array_header_t *children;   /* apr_int64_t, ascending */
} node_t;

struct pl_msgtree_t {
    apr_pool_t *p;
    apr_hash_t *nodes;              /* id -> node_t; id 0 is the virtual root */
    node_t root;
};

static node_t *node_of(const pl_msgtree_t *tree, apr_int64_t id)
{
    if (!id)
        return (node_t *)&tree->root;
    return apr_hash_get(tree->nodes, &id, sizeof(id));
}

static pl_msgtree_t *tree_create(apr_pool_t *p)
{
    pl_msgtree_t *tree = apr_pcalloc(p, sizeof(*tree));

    tree->p = p;
    tree->nodes = apr_hash_make(p);
    tree->root.children = apr_array_make(p, 2, sizeof(apr_int64_t));
    return tree;
}

void pl_msgtree_add(pl_msgtree_t *tree, apr_int64_t id, apr_int64_t parent_id)
{
    node_t *n = apr_pcalloc(tree->p, sizeof(*n)), *parent = node_of(tree, parent_id);

    n->id = id;
    n->parent_id = parent ? parent_id : 0;
    n->children = apr_array_make(tree->p, 1, sizeof(apr_int64_t));
    apr_hash_set(tree->nodes, &n->id, sizeof(n->id), n);
    /* an orphan (its parent deleted under it) shows as a root */
    APR_ARRAY_PUSH((parent ? parent : &tree->root)->children, apr_int64_t) = id;
}

apr_status_t pl_msgtree_load(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                             pl_msgtree_t **tree)
{
    const char *a = pl_text_i64(p, thread_id);
    pl_db_result_t *res;
    apr_status_t rv;
    int i;

    if ((rv = pl_db_select(db, p, &SQL_SHAPE, 1, &a, &res)) != APR_SUCCESS)
        return rv;
    *tree = tree_create(p);
    for (i = 0; i < res->rows->nelts; i++)
        pl_msgtree_add(*tree, ATOI64(PL_DB_ROW(res, i)[0]), ATOI64(PL_DB_ROW(res, i)[1]));
    return APR_SUCCESS;
}

pl_msgtree_t *pl_msgtree_make(apr_pool_t *p, const apr_array_header_t *messages)
{
    pl_msgtree_t *tree = tree_create(p);
    int i;

    for (i = 0; i < messages->nelts; i++) {
        const pl_message_t *m = APR_ARRAY_IDX(messages, i, const pl_message_t *);
        pl_msgtree_add(tree, m->id, m->parent_id);
    }
    return tree;
}

int pl_msgtree_has(const pl_msgtree_t *tree, apr_int64_t id)
{
    return id && node_of(tree, id) != NULL;
}

apr_int64_t pl_msgtree_parent(const pl_msgtree_t *tree, apr_int64_t id)
{
    node_t *n = id ? node_of(tree, id) : NULL;

    return n ? n->parent_id : 0;
}

const apr_array_header_t *pl_msgtree_children(const pl_msgtree_t *tree, apr_int64_t id)
{
    node_t *n = node_of(tree, id);

    return n ? n->children : apr_array_make(tree->p, 1, sizeof(apr_int64_t));
}

apr_int64_t pl_msgtree_descend(const pl_msgtree_t *tree, apr_int64_t id)
{
    node_t *n = node_of(tree, id);

    while (n && n->children->nelts) {
        id = APR_ARRAY_IDX(n->children, n->children->nelts - 1, apr_int64_t);
        n = node_of(tree, id);
    }
    return n ? id : 0;
}

apr_array_header_t *pl_msgtree_subtree(const pl_msgtree_t *tree, apr_int64_t id)
{
    apr_array_header_t *out = apr_array_make(tree->p, 8, sizeof(apr_int64_t));
    int i, j;

    if (!pl_msgtree_has(tree, id))
        return out;
    APR_ARRAY_PUSH(out, apr_int64_t) = id;
    /* breadth first: out doubles as the queue */
    for (i = 0; i < out->nelts; i++) {
        const node_t *n = node_of(tree, APR_ARRAY_IDX(out, i, apr_int64_t));
        for (j = 0; j < n->children->nelts; j++)
            APR_ARRAY_PUSH(out, apr_int64_t) = APR_ARRAY_IDX(n->children, j, apr_int64_t);
    }
    return out;
}

void pl_msgtree_remove(pl_msgtree_t *tree, apr_int64_t id)
{
    apr_array_header_t *gone = pl_msgtree_subtree(tree, id), *siblings;
    node_t *parent;
    int i, k = 0;

    if (!gone->nelts)
        return;
    parent = node_of(tree, node_of(tree, id)->parent_id);
    siblings = parent->children;
    for (i = 0; i < siblings->nelts; i++)
        if (APR_ARRAY_IDX(siblings, i, apr_int64_t) != id)
            APR_ARRAY_IDX(siblings, k++, apr_int64_t) = APR_ARRAY_IDX(siblings, i, apr_int64_t);
    siblings->nelts = k;
    for (i = 0; i < gone->nelts; i++)
        apr_hash_set(tree->nodes, &APR_ARRAY_IDX(gone, i, apr_int64_t), sizeof(apr_int64_t), NULL);
}
