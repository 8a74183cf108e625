/* SPDX-License-Identifier: Apache-2.0 */
/* A project: what it is, what a valid one looks like, and its JSON form. */
#ifndef PL_PROJECT_H
#define PL_PROJECT_H

#include <apr_tables.h>

#include "core/pl_json.h"
#include "core/pl_jsonw.h"

#define PL_PROJECT_NAME_MAX        255    /* characters */
#define PL_PROJECT_DESCRIPTION_MAX 10000  /* characters */
#define PL_PROJECT_URL_MAX         2048   /* bytes */

typedef struct {
    apr_int64_t id;
    const char *name;
    const char *description;
    const char *local_path;      /* canonical, under a project root */
    const char *repository_url;  /* NULL when none */
    const char *status;          /* "active" or "archived" */
    const char *created_at;
    const char *updated_at;
    apr_int64_t owner_id;        /* 0: none (created before accounts existed) */
} pl_project_t;

typedef enum {
    PL_PROJECT_CREATE,   /* POST: name and local_path required */
    PL_PROJECT_REPLACE,  /* PUT: the same, and absent fields reset */
    PL_PROJECT_PATCH     /* PATCH: only the fields present change */
} pl_project_mode_e;

/* Why input was refused: the field and a message for the client. */
typedef struct {
    const char *field;
    const char *message;
} pl_invalid_t;

/* Applies the JSON object in to proj according to mode; local_path is
 * confined to roots. PL_EINVAL with inv filled when the input is refused. */
apr_status_t pl_project_apply(pl_project_t *proj, const pl_json_t *in, pl_project_mode_e mode,
                              const apr_array_header_t *roots, apr_pool_t *p,
                              pl_invalid_t *inv);

int pl_project_status_valid(const char *status);

/* Writes the fields of proj into the object w has open. */
void pl_project_write(pl_jsonw_t *w, const pl_project_t *proj);

#endif
