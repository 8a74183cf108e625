/* SPDX-License-Identifier: Apache-2.0 */
/* The prompts library: named templates (see pl_prompt_render) with tags and
 * a version history. Every change of a prompt's name, description or body
 * is a new version; a tag change is not. A name is unique per owner. */
#ifndef PL_PROMPTS_H
#define PL_PROMPTS_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"

#define PL_PROMPT_NAME_CHARS  200
#define PL_PROMPT_DESC_CHARS  2000
#define PL_PROMPT_BODY_CHARS  100000
#define PL_PROMPT_TAGS_MAX    20
#define PL_PROMPT_TAG_CHARS   50

typedef struct {
    apr_int64_t id;
    apr_int64_t owner_id;           /* 0: the owner's account is gone */
    const char *owner;              /* the owner's username, NULL when gone */
    const char *name;
    const char *description;
    const char *body;
    apr_array_header_t *tags;       /* const char *, sorted, each once */
    apr_int64_t version;            /* the newest */
    const char *created_at, *updated_at;
} pl_prompt_t;

typedef struct {
    apr_int64_t prompt_id, version;
    const char *name, *description, *body;
    apr_int64_t author_id;          /* 0: unknown (account gone) */
    const char *author;
    apr_int64_t restored_from;      /* 0: an edit, not a restore */
    const char *created_at;
} pl_prompt_version_t;

typedef struct {
    const char *tag;                /* NULL: any */
    const char *q;                  /* NULL: any; else a part of the name, any case */
    apr_int64_t owner_id;           /* 0: any owner */
    int limit, offset;
} pl_prompt_filter_t;

/* A tag: 1 to 50 of [a-z0-9._-], starting with a letter or digit. */
int pl_prompt_tag_valid(const char *tag);

/* Applies a JSON body to pr (whole: a create, name and body required).
 * *versioned is set when the name, description or body changed. PL_EINVAL
 * with *field and *why. */
apr_status_t pl_prompt_apply(pl_prompt_t *pr, const pl_json_t *in, int whole, apr_pool_t *p,
                             int *versioned, const char **field, const char **why);

/* The members of a prompt, with the variables its body uses: "variables"
 * (what a caller supplies) and "builtins" (what the module fills). */
void pl_prompt_write(pl_jsonw_t *w, apr_pool_t *p, const pl_prompt_t *pr);
/* The members of a version; the body only when with_body. */
void pl_prompt_version_write(pl_jsonw_t *w, const pl_prompt_version_t *v, int with_body);

/* Inserts pr as version 1 by its owner, with its tags, in one transaction.
 * PL_ECONFLICT when the owner has a prompt of that name. */
apr_status_t pl_prompts_insert(pl_db_t *db, apr_pool_t *p, pl_prompt_t *pr);
/* Writes pr over the stored prompt, which must still be at version
 * pr->version; when versioned, as a new version by author_id (restored_from
 * the version restored, or 0), pr->version raised. PL_ECONFLICT for a taken
 * name, APR_EAGAIN when the prompt changed since it was read. */
apr_status_t pl_prompts_update(pl_db_t *db, apr_pool_t *p, pl_prompt_t *pr, int versioned,
                               apr_int64_t author_id, apr_int64_t restored_from);
apr_status_t pl_prompts_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t id);
/* PL_ENOTFOUND when there is no such prompt. */
apr_status_t pl_prompts_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_prompt_t **pr);
/* A page of prompts by name, and how many match in all. */
apr_status_t pl_prompts_list(pl_db_t *db, apr_pool_t *p, const pl_prompt_filter_t *f,
                             apr_array_header_t **items, apr_int64_t *total);

/* A page of a prompt's versions, newest first, and how many there are. */
apr_status_t pl_prompt_versions_list(pl_db_t *db, apr_pool_t *p, apr_int64_t prompt_id, int limit,
                                     int offset, apr_array_header_t **items, apr_int64_t *total);
/* PL_ENOTFOUND when the prompt has no such version. */
apr_status_t pl_prompt_versions_get(pl_db_t *db, apr_pool_t *p, apr_int64_t prompt_id,
                                    apr_int64_t version, pl_prompt_version_t **v);

#endif
