/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "chat/pl_chat_oneshot.h"
#include "chat/pl_chat_title.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "core/pl_text.h"

#define EXCERPT_CHARS 1000
#define TITLE_MAX_CHARS 255

/* Small models follow an instruction that comes after the text better than
 * one before it; the system message says the same for those that read it. */
static const char SYSTEM[] =
    "You name conversations. Answer with a title of three to six words and nothing else.";
static const char INSTRUCTION[] =
    "Write a title of three to six words for this conversation."
    " Reply with the title only, without quotes.";

const char *pl_chat_title_fallback(apr_pool_t *p, const char *content)
{
    return pl_text_one_line(p, content, strlen(content), PL_TITLE_FALLBACK_CHARS, NULL);
}

const char *pl_chat_title_path(pl_server_kind_e kind)
{
    return pl_chat_oneshot_path(kind);
}

static const char *excerpt(apr_pool_t *p, const char *s)
{
    return pl_text_one_line(p, s, strlen(s), EXCERPT_CHARS, NULL);
}

const char *pl_chat_title_request(apr_pool_t *p, pl_server_kind_e kind, const char *model,
                                  const char *question, const char *answer)
{
    return pl_chat_oneshot_request(p, kind, model, SYSTEM,
                                   apr_pstrcat(p, "User: ", excerpt(p, question),
                                               "\n\nAssistant: ", excerpt(p, answer), "\n\n",
                                               INSTRUCTION, NULL),
                                   0.2, 64);
}

/* Leading and trailing characters a model wraps a title in. */
static int wrapping(const char *s, apr_size_t *n)
{
    static const char *const marks[] = {
        "\"", "'", "`", "*", "#", "_", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xc2\xab", "\xc2\xbb", NULL
    };
    int i;

    for (i = 0; marks[i]; i++)
        if (!strncmp(s, marks[i], strlen(marks[i]))) {
            *n = strlen(marks[i]);
            return 1;
        }
    return 0;
}

const char *pl_chat_title_tidy(apr_pool_t *p, const char *raw)
{
    const char *nl, *s = raw;
    char *t, *end;
    apr_size_t n, words = 0, i;

    while (apr_isspace(*s))
        s++;
    nl = strchr(s, '\n');
    t = apr_pstrndup(p, s, nl ? (apr_size_t)(nl - s) : strlen(s));
    for (;;) {                          /* a label, quotes and markup before it */
        while (apr_isspace(*t))
            t++;
        if (!strncasecmp(t, "title:", 6))
            n = 6;
        else if (!wrapping(t, &n))
            break;
        t += n;
    }
    end = t + strlen(t);
    for (;;) {
        while (end > t && apr_isspace(end[-1]))
            end--;
        if (end > t && strchr(".\"'`*_#", end[-1]))
            end--;
        else if (end - t >= 3 && (!strncmp(end - 3, "\xe2\x80\x9d", 3)
                                  || !strncmp(end - 3, "\xe2\x80\x9c", 3)))
            end -= 3;
        else if (end - t >= 2 && !strncmp(end - 2, "\xc2\xbb", 2))
            end -= 2;
        else
            break;
    }
    *end = '\0';
    /* at most PL_TITLE_MAX_WORDS words */
    for (i = 0; t[i]; i++)
        if (apr_isspace(t[i]) && i > 0 && !apr_isspace(t[i - 1]) && ++words == PL_TITLE_MAX_WORDS) {
            t[i] = '\0';
            break;
        }
    t = (char *)pl_text_one_line(p, t, strlen(t), TITLE_MAX_CHARS, NULL);
    return *t ? t : NULL;
}

const char *pl_chat_title_parse(apr_pool_t *p, pl_server_kind_e kind, const char *body,
                                apr_size_t len)
{
    const char *content = pl_chat_oneshot_content(p, kind, body, len);

    if (!content)
        return NULL;
    return pl_chat_title_tidy(p, content);
}
