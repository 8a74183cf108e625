/* SPDX-License-Identifier: Apache-2.0 */
/* What model servers answer, read: Ollama's /api/version, /api/tags and
 * /api/ps, and the OpenAI-compatible /v1/models. Unknown fields are
 * ignored, missing optional ones left empty (servers of every version). */
#ifndef PL_OLLAMA_H
#define PL_OLLAMA_H

#include <apr_tables.h>

#include "core/pl_jsonw.h"

typedef enum { PL_SERVER_OLLAMA, PL_SERVER_OPENAI } pl_server_kind_e;

typedef struct {
    const char *name;
    apr_int64_t size;              /* bytes; 0 when unknown */
    const char *family;
    const char *parameter_size;    /* "3.2B" */
    const char *quantization;      /* "Q4_K_M" */
    const char *digest;
    const char *modified_at;
    apr_array_header_t *capabilities;  /* const char *, may be empty */
    apr_int64_t size_vram;         /* /api/ps only */
    const char *expires_at;        /* /api/ps only */
} pl_model_t;

/* The path that lists models and the one that reports the version. */
const char *pl_ollama_models_path(pl_server_kind_e kind);
const char *pl_ollama_version_path(pl_server_kind_e kind);

/* Parses a model list (tags, ps or /v1/models) into pl_model_t *. */
apr_status_t pl_ollama_parse_models(apr_pool_t *p, pl_server_kind_e kind, const char *body,
                                    apr_size_t len, apr_array_header_t **models,
                                    const char **why);
/* {"version":"0.x.y"} into *version. */
apr_status_t pl_ollama_parse_version(apr_pool_t *p, const char *body, apr_size_t len,
                                     const char **version);
/* The message of an Ollama {"error":"..."} body, or NULL. */
const char *pl_ollama_error(apr_pool_t *p, const char *body, apr_size_t len);

/* Writes a model's fields into the object w has open. */
void pl_model_write(pl_jsonw_t *w, const pl_model_t *m, int with_runtime);

#endif
