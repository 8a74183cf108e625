/* SPDX-License-Identifier: Apache-2.0 */
/* planning: the library from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <apr_getopt.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "analyze.h"
#include "ci.h"
#include "core/pl_log.h"
#include "db/pl_migrate.h"
#include "git/pl_git_netproc.h"
#include "auth/pl_password.h"
#include "core/pl_status.h"
#include "auth/pl_store_users.h"
#include "core/pl_version.h"

#ifndef PL_SCHEMA_DIR
#define PL_SCHEMA_DIR "/usr/local/share/mod_planning/schema"
#endif

static void usage(FILE *out)
{
    fprintf(out,
            "usage: planning COMMAND [OPTIONS]\n"
            "\n"
            "commands:\n"
            "  analyze PATH    match the checkout's MASTER_PLAN.md against its code and report;\n"
            "                  see planning analyze --help\n"
            "  ci analyze      run an analysis on a server from a CI job and judge it;\n"
            "                  see planning ci analyze --help\n"
            "  migrate         apply the schema migrations the database lacks\n"
            "  create-user     create an account: --username NAME [--admin | --role ROLE];\n"
            "                  the password is read from standard input (prompted on a terminal)\n"
            "  schema-version  print the database's schema version\n"
            "  version         print the version of mod_planning and its schema\n"
            "  git-remote      internal: run by the module for a git fetch, pull, push or\n"
            "                  clone job (PlanningAnalyzer); reads its request, one JSON\n"
            "                  object, on standard input and writes lines of progress and\n"
            "                  its outcome on standard output\n"
            "\n"
            "database options (the values of DBDriver and DBDParams):\n"
            "  --driver NAME     sqlite3 or mysql (default sqlite3)\n"
            "  --params PARAMS   sqlite3: the database file; mysql: \"host=... user=... pass=... dbname=...\"\n"
            "  --schema-dir DIR  where sqlite3/ and mysql/ migrations lie (default %s)\n",
            PL_SCHEMA_DIR);
}

static void log_to_stderr(pl_log_level_e level, const char *file, int line, apr_status_t rv,
                          const char *msg, void *baton)
{
    fprintf(stderr, "planning: %s\n", msg);
}

static void report_step(int version, const char *name, void *baton)
{
    printf("applied %s\n", name);
}

typedef struct {
    const char *driver;
    const char *params;
    const char *schema_dir;
    const char *username;
    const char *role;
} options_t;

static int parse_options(apr_pool_t *p, int argc, const char *const *argv, options_t *o)
{
    static const apr_getopt_option_t opts[] = {
        { "driver", 'd', 1, "database driver" },
        { "params", 'p', 1, "database parameters" },
        { "schema-dir", 's', 1, "migrations directory" },
        { "username", 'u', 1, "account name" },
        { "role", 'r', 1, "viewer, developer or admin" },
        { "admin", 'a', 0, "the same as --role admin" },
        { "help", 'h', 0, "this help" },
        { NULL, 0, 0, NULL }
    };
    apr_getopt_t *g;
    const char *arg;
    apr_status_t rv;
    int c;

    apr_getopt_init(&g, p, argc, argv);
    while ((rv = apr_getopt_long(g, opts, &c, &arg)) == APR_SUCCESS) {
        switch (c) {
        case 'd': o->driver = arg; break;
        case 'p': o->params = arg; break;
        case 's': o->schema_dir = arg; break;
        case 'u': o->username = arg; break;
        case 'r': o->role = arg; break;
        case 'a': o->role = "admin"; break;
        case 'h': usage(stdout); exit(0);
        }
    }
    if (rv != APR_EOF || g->ind != argc) {
        usage(stderr);
        return 0;
    }
    if (!o->params) {
        fprintf(stderr, "planning: --params is required (the DBDParams of your server)\n");
        return 0;
    }
    return 1;
}

static int open_db(apr_pool_t *p, const options_t *o, pl_db_t **db)
{
    const char *err;

    if (pl_db_open(db, p, o->driver, o->params, &err) != APR_SUCCESS) {
        fprintf(stderr, "planning: cannot open the %s database: %s\n", o->driver, err);
        return 0;
    }
    return 1;
}

static int cmd_migrate(apr_pool_t *p, const options_t *o)
{
    const char *err;
    pl_db_t *db;
    int from, to;

    if (!open_db(p, o, &db))
        return 1;
    if (pl_migrate_apply(db, p, o->schema_dir, &from, &to, report_step, NULL, &err)
        != APR_SUCCESS) {
        fprintf(stderr, "planning: migration failed: %s\n", err ? err : "database error");
        return 1;
    }
    if (to < PL_SCHEMA_VERSION) {
        fprintf(stderr, "planning: %s has migrations up to %d, this build needs %d\n",
                o->schema_dir, to, PL_SCHEMA_VERSION);
        return 1;
    }
    printf(from == to ? "schema is current (version %d)\n"
                      : "schema migrated to version %d\n", to);
    return 0;
}

/* The password from standard input: one line, without its newline. On a
 * terminal it is asked for twice without echo. */
static const char *read_password(apr_pool_t *p)
{
    char buf[PL_PASSWORD_MAX + 2], again[PL_PASSWORD_MAX + 2];
    apr_size_t n = sizeof(buf), m = sizeof(again);

    if (isatty(0)) {
        if (apr_password_get("Password: ", buf, &n) != APR_SUCCESS
            || apr_password_get("Again: ", again, &m) != APR_SUCCESS)
            return NULL;
        if (strcmp(buf, again)) {
            fprintf(stderr, "planning: the passwords differ\n");
            return NULL;
        }
        return apr_pstrdup(p, buf);
    }
    if (!fgets(buf, sizeof(buf), stdin))
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return apr_pstrdup(p, buf);
}

static int cmd_create_user(apr_pool_t *p, const options_t *o)
{
    pl_user_t user;
    const char *password, *why;
    pl_db_t *db;
    apr_status_t rv;
    int version;

    memset(&user, 0, sizeof(user));
    user.username = o->username;
    user.role = pl_role_parse(o->role ? o->role : "viewer");
    if (!o->username || !pl_username_valid(o->username)) {
        fprintf(stderr, "planning: --username must be 1 to 64 of A-Z a-z 0-9 . _ @ -\n");
        return 2;
    }
    if (user.role == PL_ROLE_NONE) {
        fprintf(stderr, "planning: --role must be viewer, developer or admin\n");
        return 2;
    }
    if (!(password = read_password(p))) {
        fprintf(stderr, "planning: no password given on standard input\n");
        return 2;
    }
    if (pl_password_check_policy(password, strlen(password), &why) != APR_SUCCESS) {
        fprintf(stderr, "planning: %s\n", why);
        return 2;
    }
    if (!open_db(p, o, &db))
        return 1;
    if (pl_migrate_version(db, p, &version) != APR_SUCCESS || version < PL_SCHEMA_VERSION) {
        fprintf(stderr, "planning: the database schema is not current: run `planning migrate` first\n");
        return 1;
    }
    if (pl_password_hash(p, password, strlen(password), &user.password_hash) != APR_SUCCESS) {
        fprintf(stderr, "planning: cannot hash the password\n");
        return 1;
    }
    rv = pl_store_user_insert(db, p, &user);
    if (rv == PL_ECONFLICT) {
        fprintf(stderr, "planning: a user named %s exists already\n", o->username);
        return 1;
    }
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "planning: cannot create the user\n");
        return 1;
    }
    printf("created user %s (id %" APR_INT64_T_FMT ", %s)\n", user.username, user.id,
           pl_role_name(user.role));
    return 0;
}

static int cmd_schema_version(apr_pool_t *p, const options_t *o)
{
    pl_db_t *db;
    int version;

    if (!open_db(p, o, &db))
        return 1;
    if (pl_migrate_version(db, p, &version) != APR_SUCCESS) {
        fprintf(stderr, "planning: cannot read the schema version\n");
        return 1;
    }
    printf("%d\n", version);
    return 0;
}

int main(int argc, const char *const *argv)
{
    options_t o = { "sqlite3", NULL, PL_SCHEMA_DIR, NULL, NULL };
    apr_pool_t *p;
    const char *cmd;
    int rc;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS)
        return 2;
    atexit(apr_terminate);
    apr_pool_create(&p, NULL);
    pl_log_set(log_to_stderr, PL_LOG_WARN, NULL);

    cmd = argc > 1 ? argv[1] : "";
    if (!strcmp(cmd, "version")) {
        printf("mod_planning %s (schema version %d)\n", PL_VERSION, PL_SCHEMA_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "analyze")) {
        rc = planning_analyze(p, argc - 1, argv + 1);
        apr_pool_destroy(p);
        return rc;
    }
    if (!strcmp(cmd, "git-remote")) {
        if (argc != 2) {
            usage(stderr);
            return 2;
        }
        rc = pl_git_netproc_main(p, STDIN_FILENO, STDOUT_FILENO);
        apr_pool_destroy(p);
        return rc;
    }
    if (!strcmp(cmd, "ci")) {
        rc = planning_ci(p, argc - 1, argv + 1);
        apr_pool_destroy(p);
        return rc;
    }
    if (strcmp(cmd, "migrate") && strcmp(cmd, "schema-version") && strcmp(cmd, "create-user")) {
        usage(stderr);
        return 2;
    }
    if (!parse_options(p, argc - 1, argv + 1, &o))
        return 2;
    rc = !strcmp(cmd, "migrate") ? cmd_migrate(p, &o)
       : !strcmp(cmd, "create-user") ? cmd_create_user(p, &o) : cmd_schema_version(p, &o);
    apr_pool_destroy(p);
    return rc;
}
