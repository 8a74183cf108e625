/* SPDX-License-Identifier: Apache-2.0 */
/* A thread's title: the first words of its first message until the model
 * that answered names the conversation, in a short request of its own
 * (not streamed) after the first reply. */
#ifndef PL_CHAT_TITLE_H
#define PL_CHAT_TITLE_H

#include <apr_pools.h>

#include "chat/pl_ollama.h"

#define PL_TITLE_FALLBACK_CHARS 80
#define PL_TITLE_MAX_WORDS 10

/* The first 80 characters of the first message, on one line. */
const char *pl_chat_title_fallback(apr_pool_t *p, const char *content);

/* The path and body of the request that asks model for a title of the
 * exchange question / answer (each cut to its first 1,000 characters). */
const char *pl_chat_title_path(pl_server_kind_e kind);
const char *pl_chat_title_request(apr_pool_t *p, pl_server_kind_e kind, const char *model,
                                  const char *question, const char *answer);

/* The title in a reply to that request, made tidy: its first line, without
 * quotes, markup, a "Title:" label or a final full stop, at most 10 words
 * and 255 characters. NULL when the reply holds none. */
const char *pl_chat_title_parse(apr_pool_t *p, pl_server_kind_e kind, const char *body,
                                apr_size_t len);
/* The tidying alone, for a title's raw text. */
const char *pl_chat_title_tidy(apr_pool_t *p, const char *raw);

#endif
