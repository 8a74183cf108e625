/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "auth/pl_user.h"

static const char *const ROLE_NAMES[] = { NULL, "viewer", "developer", "admin" };

pl_role_e pl_role_parse(const char *name)
{
    int i;

    for (i = PL_ROLE_VIEWER; name && i <= PL_ROLE_ADMIN; i++)
        if (!strcmp(name, ROLE_NAMES[i]))
            return (pl_role_e)i;
    return PL_ROLE_NONE;
}

const char *pl_role_name(pl_role_e role)
{
    return role >= PL_ROLE_VIEWER && role <= PL_ROLE_ADMIN ? ROLE_NAMES[role] : "none";
}

int pl_username_valid(const char *name)
{
    apr_size_t n = name ? strlen(name) : 0;

    if (n == 0 || n > PL_USERNAME_MAX || name[0] == '-' || name[0] == '.')
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-") == n;
}

void pl_user_write(pl_jsonw_t *w, const pl_user_t *user)
{
    pl_jsonw_int(w, "id", user->id);
    pl_jsonw_str(w, "username", user->username);
    pl_jsonw_str(w, "role", pl_role_name(user->role));
    pl_jsonw_str(w, "status", user->status);
    pl_jsonw_str(w, "source", user->source);
    pl_jsonw_str(w, "created_at", user->created_at);
    pl_jsonw_str(w, "updated_at", user->updated_at);
    pl_jsonw_str(w, "last_login_at", user->last_login_at);
}
