/* SPDX-License-Identifier: Apache-2.0 */
/* What a model is asked for a commit message drafted from the staged
 * change: the instructions (a system prompt) and the change itself (the
 * staged files with their line counts, always whole, then the unified diff
 * cut at a cap). Building the text only: asking a model is the caller's. */
#ifndef PL_GIT_DRAFT_H
#define PL_GIT_DRAFT_H

#include "git/pl_git.h"

#define PL_GIT_DRAFT_DIFF_MAX  (32 << 10)  /* bytes of diff text in a prompt */
#define PL_GIT_DRAFT_FILES_MAX 500         /* staged files listed by name */
#define PL_GIT_DRAFT_INSTRUCTIONS_MAX 2000 /* characters of a caller's own instructions */

/* The system prompt: a conventional, imperative message, summary line of
 * at most 72 characters, a blank line, a short body; the message alone. */
extern const char pl_git_draft_system[];

/* The user message for the change staged in g (HEAD -> index), with the
 * caller's extra instructions (NULL: none) at its end; the diff text is
 * cut at diff_max bytes with a note that it was. NOTHING_TO_COMMIT when
 * nothing is staged. */
apr_status_t pl_git_draft_prompt(pl_git_t *g, apr_size_t diff_max, const char *instructions,
                                 const char **prompt, pl_git_fail_t *why);

#endif
