/* SPDX-License-Identifier: Apache-2.0 */
/* The messages of a chat thread. They form a tree (parent_id): an edit or a
 * regeneration is a sibling, and a thread shows the branch that ends at its
 * leaf. A parent is always older than its children, so id order is a
 * topological order of the tree. */
#ifndef PL_MESSAGES_H
#define PL_MESSAGES_H

#include <apr_hash.h>
#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_jsonw.h"

typedef struct {
    apr_int64_t id, thread_id, parent_id;   /* parent 0: a root */
    const char *role;           /* "user", "assistant" or "tool" */
    const char *content;
    const char *thinking;       /* NULL: none */
    const char *state;          /* "complete", "streaming", "incomplete" */
    const char *model;
    apr_int64_t server_id;
    apr_int64_t prompt_tokens, completion_tokens, total_ns, eval_ns;
    const char *error_code;     /* why it is incomplete */
    const char *created_at, *updated_at;
    /* Tools (schema 19). An assistant message that called tools: the calls
     * as a JSON array text of ours, [{"id","function":{"name","arguments"}}]
     * (NULL: none). A "tool" message: the call it answers (its name, id and
     * arguments as JSON text of ours); its content is the result. */
    const char *tool_calls;
    const char *tool_name, *tool_call_id, *tool_arguments;
} pl_message_t;

/* The message as a client sees it: with its speed, duration and error code. */
void pl_message_write(pl_jsonw_t *w, const pl_message_t *m);
/* The fields both that and an export begin with: id, parent_id, role,
 * content, thinking, state, model. */
void pl_message_write_stored(pl_jsonw_t *w, const pl_message_t *m);
/* What a message says, without its place in a thread: content, thinking,
 * state, model and, for a reply, its counts (a prompt test's reply). */
void pl_message_write_content(pl_jsonw_t *w, const pl_message_t *m);

apr_status_t pl_messages_insert(pl_db_t *db, apr_pool_t *p, pl_message_t *m);
/* Inserts m with every column as given (an import): counts, times, state.
 * The row is marked imported: its counts are shown, never counted as usage. */
apr_status_t pl_messages_insert_whole(pl_db_t *db, apr_pool_t *p, pl_message_t *m);
/* Stores what the reply became: content, thinking, state, counts. */
apr_status_t pl_messages_finish(pl_db_t *db, apr_pool_t *p, const pl_message_t *m);
/* The branch from the root to leaf_id, oldest first (empty for 0). */
apr_status_t pl_messages_branch(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                                apr_int64_t leaf_id, apr_array_header_t **branch);
/* Every message of the thread, oldest first. */
apr_status_t pl_messages_all(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                             apr_array_header_t **all);
/* PL_ENOTFOUND unless message id is in thread_id. */
apr_status_t pl_messages_get(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id, apr_int64_t id,
                             pl_message_t **pm);
/* Deletes message id of thread_id and everything below it, in one statement. */
apr_status_t pl_messages_delete_subtree(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                                        apr_int64_t id);

/* The shape of a thread's tree, ids only: enough to find siblings, a
 * subtree, or where a branch ends. */
typedef struct pl_msgtree_t pl_msgtree_t;

/* Read from the database (two integer columns per message). */
apr_status_t pl_msgtree_load(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                             pl_msgtree_t **tree);
/* Built from messages already read (pl_message_t *, oldest first). */
pl_msgtree_t *pl_msgtree_make(apr_pool_t *p, const apr_array_header_t *messages);
/* Adds a node; its parent (0: a root) must be in the tree already. */
void pl_msgtree_add(pl_msgtree_t *tree, apr_int64_t id, apr_int64_t parent_id);
int pl_msgtree_has(const pl_msgtree_t *tree, apr_int64_t id);
/* The parent of id (0: a root, or not in the tree). */
apr_int64_t pl_msgtree_parent(const pl_msgtree_t *tree, apr_int64_t id);
/* The children of id, oldest first; id 0 gives the roots. Never NULL. */
const apr_array_header_t *pl_msgtree_children(const pl_msgtree_t *tree, apr_int64_t id);
/* Where the branch through id ends: down the newest child at each step
 * (id itself when it has none; from the newest root for 0; 0 when empty). */
apr_int64_t pl_msgtree_descend(const pl_msgtree_t *tree, apr_int64_t id);
/* id and every message below it (apr_int64_t). */
apr_array_header_t *pl_msgtree_subtree(const pl_msgtree_t *tree, apr_int64_t id);
/* Takes id and its subtree out of the tree. */
void pl_msgtree_remove(pl_msgtree_t *tree, apr_int64_t id);

#endif
