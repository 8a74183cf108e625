/* SPDX-License-Identifier: Apache-2.0 */
/* A thread taken out and brought back: the whole thread as a JSON document
 * (its fields, options and every message of its tree), the branch in view
 * as a Markdown transcript, and the reading of such a JSON document for an
 * import, strictly, before anything is stored. */
#ifndef PL_THREAD_EXPORT_H
#define PL_THREAD_EXPORT_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "chat/pl_threads.h"

#define PL_EXPORT_FORMAT "mod_planning.thread"
#define PL_EXPORT_VERSION 1
#define PL_IMPORT_MAX_MESSAGES 10000
#define PL_IMPORT_MAX_BYTES (16 * 1024 * 1024 - 1)   /* of a message's text (MEDIUMTEXT) */

/* The document: format, format_version, exported_at, the thread with its
 * leaf_id, and messages (oldest first) with ids, parent ids and counts. */
void pl_thread_export_json(pl_jsonw_t *w, const pl_thread_t *t, const apr_array_header_t *messages);
/* The branch as a readable transcript: a heading per message. */
const char *pl_thread_export_markdown(apr_pool_t *p, const pl_thread_t *t,
                                      const apr_array_header_t *branch);
/* "thread-12-what-the-title-says.<ext>": ASCII only, safe in a header. */
const char *pl_thread_export_filename(apr_pool_t *p, const pl_thread_t *t, const char *ext);

typedef struct {
    pl_thread_t *thread;            /* the document's fields; no id, owner or project */
    apr_int64_t project_id;         /* the document's project, 0: none; the caller decides
                                     * whether the new thread keeps it */
    apr_array_header_t *messages;   /* pl_message_t *, every parent before its children;
                                     * ids and parent ids are the document's */
    apr_int64_t leaf_id;            /* the document's; 0: where the newest branch ends */
} pl_thread_doc_t;

/* Reads an exported document: known keys only, each of its type; message
 * ids unique; every parent_id one of the document's messages; no cycle;
 * roles and states known ("streaming" becomes "incomplete": nothing
 * generates it here); at most PL_IMPORT_MAX_MESSAGES messages. PL_EINVAL
 * with *field ("messages[3].parent_id") and *why. */
apr_status_t pl_thread_import_read(apr_pool_t *p, const pl_json_t *doc, pl_thread_doc_t **out,
                                   const char **field, const char **why);
/* Creates the thread for user_id and its messages under new ids, in one
 * transaction: all of it, or nothing. doc->thread->id is the new thread's. */
apr_status_t pl_thread_import_store(pl_db_t *db, apr_pool_t *p, pl_thread_doc_t *doc,
                                    apr_int64_t user_id);

#endif
