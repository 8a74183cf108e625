/* SPDX-License-Identifier: Apache-2.0 */
/* Tools in a thread's chat: in a thread tied to a project, with a model
 * that takes tools, the reply is offered the tools the caller may use; each
 * call the model makes is run as the caller (mp_tools_ctx) and stored as a
 * message of role "tool" under the reply that made it, streamed as
 * "tool_call" and "tool_result" events, and the model is asked again with
 * the results, until it answers without a call, or PlanningToolMaxRounds,
 * PlanningToolTimeout or a stop ends it. Write tools obey
 * PlanningToolWrites: allow, deny, or confirm (a "confirm" event, then
 * POST .../messages/{id}/confirm from any connection). */
#ifndef MP_CHAT_TOOLS_H
#define MP_CHAT_TOOLS_H

#include "mp_chat.h"
#include "chat/pl_threads.h"

typedef struct mp_chat_tools_t mp_chat_tools_t;

/* The tools to offer a reply of model on t, or NULL for none: no project,
 * no tool the caller may use, or a model whose capabilities (asked of the
 * first server in order that knows it) do not include "tools". */
mp_chat_tools_t *mp_chat_tools_offer(mp_req_t *req, const pl_thread_t *t, const char *model,
                                     const apr_array_header_t *servers, apr_int64_t preferred);
/* The "tools" array text of a request. */
const char *mp_chat_tools_json(const mp_chat_tools_t *ct);
/* After mp_chat_run: while the reply called tools, runs them and asks the
 * model again, each reply a new message on the branch (t's leaf follows).
 * asked is t as the model sees it (its system prompt rendered). turn->reply
 * is the last reply at the end, with turn's outcome, for mp_chat_store. */
void mp_chat_tools_loop(mp_chat_tools_t *ct, mp_chat_t *turn, pl_thread_t *t,
                        const pl_thread_t *asked, const apr_array_header_t *servers);
/* The shared keys of a confirmation: whether call index of message is
 * awaited, and the answer (1 approve, 2 reject). */
const char *mp_chat_tools_wait_key(apr_pool_t *p, apr_int64_t message_id, int index);
const char *mp_chat_tools_answer_key(apr_pool_t *p, apr_int64_t message_id, int index);
#define MP_CHAT_TOOLS_APPROVE 1
#define MP_CHAT_TOOLS_REJECT  2

#endif
