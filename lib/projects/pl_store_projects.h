/* SPDX-License-Identifier: Apache-2.0 */
/* Projects in the database. */
#ifndef PL_STORE_PROJECTS_H
#define PL_STORE_PROJECTS_H

#include "db/pl_db.h"
#include "projects/pl_project.h"

/* Inserts proj, setting its id and times. PL_ECONFLICT for a taken name;
 * PL_EINVAL when its local_path is, contains or lies inside another
 * project's (whoever owns it, archived or not): no two projects share files. */
apr_status_t pl_store_project_insert(pl_db_t *db, apr_pool_t *p, pl_project_t *proj);
/* PL_ENOTFOUND when no project has that id. */
apr_status_t pl_store_project_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                                  pl_project_t **pproj);
/* Writes every field of an existing proj and sets updated_at. PL_ECONFLICT
 * for a taken name; PL_EINVAL for a local_path another project's overlaps
 * (checked only when it changes). */
apr_status_t pl_store_project_update(pl_db_t *db, apr_pool_t *p, pl_project_t *proj);

/* The revision of the projects table: raised by every write, in the same
 * transaction. What was rendered at revision R is current while it is R. */
apr_status_t pl_store_projects_revision(pl_db_t *db, apr_pool_t *p, apr_int64_t *revision);

/* Runs one write of sql and raises the projects revision in the same
 * transaction, so no reader sees the change under the old revision. For
 * every write that changes what a project list shows (memberships too). */
apr_status_t pl_store_projects_write(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql,
                                     int nargs, const char **args, int *nrows);

typedef struct {
    const char *status;       /* NULL: every status */
    int limit;
    int offset;
    apr_int64_t visible_to;   /* 0: all projects; else those the user owns or is member of */
    apr_int64_t only_id;      /* 0: any; else only this project (a key limited to it) */
} pl_project_filter_t;

/* A page of projects, newest update first, and how many match in all. */
apr_status_t pl_store_project_list(pl_db_t *db, apr_pool_t *p, const pl_project_filter_t *f,
                                   apr_array_header_t **items, apr_int64_t *total);

#endif
