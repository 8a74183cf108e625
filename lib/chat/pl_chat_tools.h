/* SPDX-License-Identifier: Apache-2.0 */
/* Tools on the wire of a chat: the "tools" a request offers, the tool
 * calls of an assistant message and the tool results, in Ollama's form
 * (arguments as an object, tool_name) and OpenAI's (arguments as a string,
 * tool_call_id), and the calls a model's chunks carry. */
#ifndef PL_CHAT_TOOLS_H
#define PL_CHAT_TOOLS_H

#include <apr_tables.h>

#include "chat/pl_chat.h"
#include "chat/pl_messages.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"

/* The tools (const pl_tool_t *) as a request's "tools" array text. */
const char *pl_chat_tools_json(apr_pool_t *p, const apr_array_header_t *tools);

/* The calls (pl_chat_call_t) as an assistant message's tool_calls text,
 * [{"id","function":{"name","arguments"}}]: arguments that are a JSON
 * object stay one, anything else becomes a string. */
const char *pl_chat_calls_json(apr_pool_t *p, const apr_array_header_t *calls);

/* m's tool_calls, or the call a tool message answers, into the message
 * object w has open, for an Ollama request (openai 0) or an OpenAI one. */
void pl_chat_write_message_tools(pl_jsonw_t *w, apr_pool_t *p, const pl_message_t *m);
/* The same from a message of an Ollama request body (pl_chat_request_openai). */
void pl_chat_write_openai_tools(pl_jsonw_t *w, apr_pool_t *p, const pl_json_t *m);

/* The calls of an Ollama chunk's message.tool_calls (pl_chat_call_t, ids
 * made up where missing), or NULL when it has none. */
apr_array_header_t *pl_chat_calls_parse(apr_pool_t *p, const pl_json_t *message);

/* Adds the pieces of an OpenAI stream's delta.tool_calls to acc
 * (pl_chat_call_t by index): the id and name come once, the arguments
 * string in fragments. */
void pl_chat_calls_accumulate(apr_pool_t *p, apr_array_header_t *acc, const pl_json_t *delta);

#endif
