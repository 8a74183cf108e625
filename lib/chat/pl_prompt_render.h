/* SPDX-License-Identifier: Apache-2.0 */
/* Prompt templates: text with placeholders {{name}} (spaces or tabs inside
 * the braces are allowed: {{ name }}), filled from a table of values.
 * "{{{{" writes a literal "{{"; any other "{{" must open a placeholder, so a
 * typo is an error rather than text sent to a model. A value is inserted as
 * it is: a placeholder inside a value stays text (no recursion).
 *
 * A name is dot-separated segments, each a letter or '_' followed by
 * letters, digits, '_' or '-' ("topic", "project.name"), 64 bytes at most. */
#ifndef PL_PROMPT_RENDER_H
#define PL_PROMPT_RENDER_H

#include <apr_hash.h>
#include <apr_tables.h>
#include <apr_time.h>

#define PL_PROMPT_NAME_MAX 64

/* True when name is a well-formed variable name. */
int pl_prompt_name_valid(const char *name);

/* The names tmpl uses, each once, in order of first use (const char *).
 * PL_EINVAL with *why (naming the character position) for a malformed
 * placeholder. */
apr_status_t pl_prompt_parse(apr_pool_t *p, const char *tmpl, apr_array_header_t **names,
                             const char **why);

/* tmpl with every placeholder replaced by its value in values (name ->
 * const char *). PL_ENOTFOUND with *missing (the absent names, each once, in
 * order of first use); PL_ETOOBIG when the text would pass max bytes;
 * PL_EINVAL with *why as pl_prompt_parse. */
apr_status_t pl_prompt_render(apr_pool_t *p, const char *tmpl, apr_hash_t *values, apr_size_t max,
                              const char **out, apr_array_header_t **missing, const char **why);

/* {"missing":[names]}: the details of a refusal for missing (const char *),
 * as the API's error and MCP's both give them. */
const char *pl_prompt_missing_json(apr_pool_t *p, const apr_array_header_t *missing);

/* tmpl with the placeholders values has a value for filled in, and every
 * other one left as written, a malformed one too: for text that was not
 * written as a template, such as a thread's system prompt, which must
 * reach the model whatever it holds. */
const char *pl_prompt_render_known(apr_pool_t *p, const char *tmpl, apr_hash_t *values);

/* True for the names the module fills itself: date, datetime, user,
 * project.name, project.description. */
int pl_prompt_builtin(const char *name);

/* Adds the built-in values to values: date (YYYY-MM-DD) and datetime (RFC
 * 3339, seconds) in UTC at now, user, and the project's name and
 * description when project_name is not NULL. */
void pl_prompt_builtins(apr_hash_t *values, apr_pool_t *p, apr_time_t now, const char *user,
                        const char *project_name, const char *project_description);

#endif
