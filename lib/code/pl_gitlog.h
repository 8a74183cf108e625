/* SPDX-License-Identifier: Apache-2.0 */
/* The recent history of a checkout, read with libgit2 (no git process, so
 * no argument or environment injection): commit messages are evidence of
 * what was meant to be done, for the gap analysis. */
#ifndef PL_GITLOG_H
#define PL_GITLOG_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

/* How far back the analysis reads unless told otherwise: enough to cover a
 * busy project's last year or two while staying well under a second. */
#define PL_GITLOG_DEFAULT_MAX 2000

typedef struct {
    const char *id;         /* 40 hex digits */
    apr_time_t time;        /* committer time */
    const char *author;     /* author name */
    const char *summary;    /* first line of the message */
    const char *message;    /* the whole message */
} pl_gitlog_commit_t;

typedef struct {
    const char *head;               /* branch name ("main"), or NULL when detached */
    apr_array_header_t *commits;    /* pl_gitlog_commit_t, newest first */
    int truncated;                  /* more commits exist than were read */
} pl_gitlog_t;

/* Reads up to max commits (0: PL_GITLOG_DEFAULT_MAX) reachable from HEAD
 * of the repository whose work tree is root, newest first. Only root itself
 * is tried, never a parent directory: a checkout inside someone else's
 * repository is not a repository. PL_ENOTFOUND when root is not a git work
 * tree or has no commit yet; other failures set *err to a sentence fit for
 * a user. */
apr_status_t pl_gitlog_read(apr_pool_t *p, const char *root, int max,
                            pl_gitlog_t **out, const char **err);

#endif
