/* SPDX-License-Identifier: Apache-2.0 */
/* A short request to a model that is not streamed (a thread's title, the
 * analysis's second opinion): a system message and one user message, a
 * low temperature and a cap on the reply's length; and the content of the
 * reply, in Ollama's or the OpenAI-compatible shape. */
#ifndef PL_CHAT_ONESHOT_H
#define PL_CHAT_ONESHOT_H

#include <apr_pools.h>

#include "chat/pl_ollama.h"

/* The path of the chat route of a server of that kind. */
const char *pl_chat_oneshot_path(pl_server_kind_e kind);

/* The request body. Thinking is turned off on Ollama: a thinking model
 * would spend the few tokens on its thoughts. */
const char *pl_chat_oneshot_request(apr_pool_t *p, pl_server_kind_e kind, const char *model,
                                    const char *system, const char *user, double temperature,
                                    int max_tokens);

/* The reply's message content, or NULL when the body holds none. */
const char *pl_chat_oneshot_content(apr_pool_t *p, pl_server_kind_e kind, const char *body,
                                    apr_size_t len);

#endif
