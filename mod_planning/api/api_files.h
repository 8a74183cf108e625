/* SPDX-License-Identifier: Apache-2.0 */
/* What the handlers of a project's files share: the project's directory,
 * checked again at every request (pl_project_confine), and every path a
 * caller names resolved inside it (pl_project_path) before anything is
 * opened, with one answer per refusal: 400 INVALID_PATH for a malformed
 * name, 403 PATH_FORBIDDEN for a symlink that leads out or a write into
 * .git/, 409 PROJECT_DIR_UNAVAILABLE when the directory itself is gone. */
#ifndef API_FILES_H
#define API_FILES_H

#include <sys/stat.h>

#include "api.h"

#define API_FILES_TEXT_MAX (2 * 1024 * 1024)   /* bytes of a file sent or written as text */

typedef struct {
    const char *rel;        /* as the caller named it */
    const char *abs;        /* resolved: canonical, inside the project */
    int flags;              /* PL_PROJECT_PATH_* */
    const char *dir;        /* for an entry acted on itself: its parent, resolved */
    const char *name;       /* ... and its own name there */
} api_file_t;

/* The project's directory, resolved now. Returns 1, or 0 after a reply. */
int api_files_root(mp_req_t *req, const char **root);

/* The query parameter name, decoded (a NUL or a malformed escape is 400
 * INVALID_PATH): 1 with *val (NULL when absent), or 0 after a reply. */
int api_files_arg(mp_req_t *req, const char *name, const char **val);
/* 1 when the query parameter name is "1" or "true". */
int api_files_flag(mp_req_t *req, const char *name);

#define API_FILES_READ   0
#define API_FILES_WRITE  1   /* refuses .git/ */
#define API_FILES_ENTRY  2   /* also resolves the parent and the name (not the root) */

/* rel resolved into f under root as how asks. Returns 1, or 0 after a
 * reply. */
int api_files_resolve(mp_req_t *req, const char *root, const char *rel, int how, api_file_t *f);

/* If-Match / If-None-Match before a write of f (st when it exists, else
 * NULL): 412, or 428 when an existing file is replaced with neither.
 * *create is set when the file must not exist when written. Returns 1, or
 * 0 after a reply. */
int api_files_preconditions(mp_req_t *req, const struct stat *st, int *create);

/* Maps a failed file operation's status to its reply. */
int api_files_fail(mp_req_t *req, apr_status_t rv, const char *what);

/* One file being written (PUT as text, or a raw upload). */
typedef struct {
    api_file_t f;
    int exists;                  /* replaced, not created */
    int create;                  /* must not exist when renamed into place */
    struct pl_files_sink_t *sink;
} api_files_write_t;

/* The file ?path= names, for a write: resolved (never in .git/), an
 * existing one a regular file whose preconditions hold, and a temporary
 * file opened beside it (through a link inside the project: its target).
 * Returns 1, or 0 after a reply. */
int api_files_write_begin(mp_req_t *req, api_files_write_t *w);
/* Renames the temporary file into place and replies with the file (201
 * created, 200 replaced), or the error. Returns OK. */
int api_files_write_end(mp_req_t *req, api_files_write_t *w);

/* Content-Disposition: attachment for a file called name: an ASCII
 * filename= (anything else as "_") and the exact name as RFC 5987
 * filename*=. */
const char *api_files_disposition(apr_pool_t *p, const char *name);

/* A file's state after a write, as the reply shows it (with ETag). */
int api_files_written(mp_req_t *req, const api_file_t *f, int created);

#endif
