/* SPDX-License-Identifier: Apache-2.0 */
/* A plan and a source analysis built in C where the truth is known, for the
 * recommendation tests. The shop has:
 *   AUTH     primary    4 tasks ticked, all in the code, 3 tested    -> done
 *   CART     primary    2 of 4 in the code (2 ticked), tested        -> partial
 *   CHECKOUT secondary  both tasks in the code, no test              -> done, not tested
 *   REPORTS  secondary  marked done, nothing in the code             -> missing, claimed without evidence
 *   NOTIFY   tertiary   nothing ticked, nothing in the code          -> missing
 * CHECKOUT depends on CART and AUTH; REPORTS and NOTIFY on CHECKOUT. */
#ifndef GAP_FIXTURE_H
#define GAP_FIXTURE_H

#include "code/pl_code.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "plan/pl_plan.h"

static pl_code_file_t *fx_file(apr_pool_t *p, pl_code_t *c, const char *path, int is_test,
                               const char *header)
{
    pl_code_file_t *f = apr_pcalloc(p, sizeof(*f));

    f->path = path;
    f->language = "Python";
    f->is_test = is_test;
    f->header_comment = header;
    f->symbols = apr_array_make(p, 4, sizeof(pl_symbol_t));
    f->imports = apr_array_make(p, 1, sizeof(const char *));
    APR_ARRAY_PUSH(c->files, pl_code_file_t *) = f;
    return f;
}

static void fx_sym(pl_code_file_t *f, const char *name, const char *kind, const char *scope,
                   const char *doc, int line, int complexity)
{
    pl_symbol_t *s = apr_array_push(f->symbols);

    memset(s, 0, sizeof(*s));
    s->name = name;
    s->kind = kind;
    s->scope = scope;
    s->doc = doc;
    s->line = line;
    s->end_line = line + 5;
    s->complexity = complexity;
    f->complexity += complexity;
}

static void fx_signature(pl_code_file_t *f, const char *signature)
{
    APR_ARRAY_IDX(f->symbols, f->symbols->nelts - 1, pl_symbol_t).signature = signature;
}

static void fx_import(pl_code_t *c, int from, int to)
{
    pl_code_edge_t *e = apr_array_push(c->edges);

    e->from = from;
    e->to = to;
}

static pl_plan_objective_t *fx_objective(apr_pool_t *p, pl_plan_t *plan, const char *id,
                                         const char *title, pl_plan_level_e level,
                                         const char *status)
{
    pl_plan_objective_t *o = apr_pcalloc(p, sizeof(*o));

    o->id = id;
    o->explicit_id = 1;
    o->title = title;
    o->description = "";
    o->level = level;
    o->status = status;
    o->line = 10 * (plan->objectives->nelts + 1);
    o->parent = -1;
    o->claimed_percent = -1;    /* the plan gives no percentage */
    o->container_index = -1;
    o->tasks = apr_array_make(p, 4, sizeof(pl_plan_task_t));
    o->criteria = apr_array_make(p, 1, sizeof(const char *));
    o->depends = apr_array_make(p, 1, sizeof(const char *));
    o->labels = apr_array_make(p, 1, sizeof(const char *));
    APR_ARRAY_PUSH(plan->objectives, pl_plan_objective_t *) = o;
    return o;
}

static void fx_task(pl_plan_objective_t *o, const char *text, int checked)
{
    pl_plan_task_t *t = apr_array_push(o->tasks);

    t->text = text;
    t->checked = checked;
    t->claim = checked ? PL_CLAIM_DONE : PL_CLAIM_NOT_DONE;
    t->claimed_status = checked ? "done" : "todo";
    t->claimed_percent = -1;
    t->line = o->line + o->tasks->nelts;
}

static void fx_depends(pl_plan_objective_t *o, const char *id)
{
    APR_ARRAY_PUSH(o->depends, const char *) = id;
}

static pl_plan_t *fx_plan_new(apr_pool_t *p)
{
    pl_plan_t *plan = apr_pcalloc(p, sizeof(*plan));

    plan->objectives = apr_array_make(p, 8, sizeof(pl_plan_objective_t *));
    plan->containers = apr_array_make(p, 1, sizeof(pl_plan_container_t));
    plan->issues = apr_array_make(p, 1, sizeof(pl_plan_issue_t));
    return plan;
}

static pl_code_t *fx_code_new(apr_pool_t *p)
{
    pl_code_t *c = apr_pcalloc(p, sizeof(*c));

    c->root = "/srv/shop";
    c->files = apr_array_make(p, 8, sizeof(pl_code_file_t *));
    c->edges = apr_array_make(p, 1, sizeof(pl_code_edge_t));
    c->languages = apr_array_make(p, 1, sizeof(pl_code_lang_t));
    return c;
}

static pl_code_t *fx_shop_code(apr_pool_t *p)
{
    pl_code_t *c = fx_code_new(p);
    pl_code_file_t *f;

    f = fx_file(p, c, "src/auth/login.py", 0, "Login and session handling.");
    fx_sym(f, "login_user", "function", NULL, "Check the password and open a session.", 12, 3);
    fx_signature(f, "(username, password)");
    fx_sym(f, "logout_user", "function", NULL, "Close the session of the current user.", 30, 1);
    fx_sym(f, "SessionStore", "class", NULL, "Sessions kept in the database.", 40, 0);
    fx_sym(f, "expire_session", "member", "SessionStore", NULL, 52, 2);
    f = fx_file(p, c, "src/auth/password.py", 0, NULL);
    fx_sym(f, "hash_password", "function", NULL, "Argon2id with the OWASP parameters.", 5, 1);
    fx_sym(f, "verify_password", "function", NULL, NULL, 20, 2);
    f = fx_file(p, c, "src/auth/throttle.py", 0, NULL);
    fx_sym(f, "LoginRateLimiter", "class", NULL,
           "Five failed login attempts per IP address and minute, then 429.", 3, 0);
    fx_sym(f, "allow_attempt", "member", "LoginRateLimiter", NULL, 10, 4);
    f = fx_file(p, c, "src/cart/cart.py", 0, "The shopping cart.");
    fx_sym(f, "ShoppingCart", "class", NULL, NULL, 1, 0);
    fx_sym(f, "add_item", "member", "ShoppingCart", NULL, 10, 2);
    fx_sym(f, "remove_item", "member", "ShoppingCart", NULL, 20, 2);
    fx_sym(f, "total_price", "member", "ShoppingCart", "Sum of line prices with tax.", 30, 20);
    f = fx_file(p, c, "src/cart/checkout.py", 0, NULL);
    fx_sym(f, "checkout", "function", NULL, "Charge the payment, then create the order.", 1, 3);
    f = fx_file(p, c, "src/reports/export.py", 0, NULL);
    fx_sym(f, "export_orders_csv", "function", NULL, "Orders as CSV for the accountant.", 1, 2);
    f = fx_file(p, c, "src/util/strings.py", 0, "String helpers.");
    fx_sym(f, "slugify", "function", NULL, NULL, 1, 1);
    fx_sym(f, "truncate", "function", NULL, NULL, 9, 1);
    f = fx_file(p, c, "tests/test_login.py", 1, NULL);
    fx_sym(f, "test_login_with_valid_password", "function", NULL, NULL, 1, 1);
    fx_sym(f, "test_logout_clears_session", "function", NULL, NULL, 9, 1);
    fx_sym(f, "test_sixth_failed_login_attempt_is_refused", "function", NULL, NULL, 17, 1);
    f = fx_file(p, c, "tests/test_cart.py", 1, NULL);
    fx_sym(f, "test_add_item_updates_total_price", "function", NULL, NULL, 1, 1);
    /* the tests import what they test: login and throttle, the cart; no
     * test touches password.py or checkout.py */
    fx_import(c, 7, 0);
    fx_import(c, 7, 2);
    fx_import(c, 8, 3);
    return c;
}

static pl_plan_t *fx_shop_plan(apr_pool_t *p)
{
    pl_plan_t *plan = fx_plan_new(p);
    pl_plan_objective_t *o;

    o = fx_objective(p, plan, "AUTH", "User authentication", PL_LEVEL_PRIMARY, NULL);
    fx_task(o, "Log users in with their username and password", 1);
    fx_task(o, "Hash passwords with Argon2id", 1);
    fx_task(o, "Limit failed login attempts per IP address", 1);
    fx_task(o, "Logout ends the session", 1);
    o = fx_objective(p, plan, "CART", "Shopping cart", PL_LEVEL_PRIMARY, NULL);
    fx_task(o, "Add and remove items", 1);
    fx_task(o, "Show the total price", 1);
    fx_task(o, "Apply discount coupons", 0);
    fx_task(o, "Keep the cart between visits for a week", 0);
    o = fx_objective(p, plan, "CHECKOUT", "Checkout", PL_LEVEL_SECONDARY, NULL);
    fx_task(o, "Charge the payment", 0);
    fx_task(o, "Create the order", 0);
    fx_depends(o, "CART");
    fx_depends(o, "AUTH");
    o = fx_objective(p, plan, "REPORTS", "Monthly reports", PL_LEVEL_SECONDARY, "done");
    fx_task(o, "Export monthly sales as PDF", 1);
    fx_task(o, "Email the report to administrators", 1);
    fx_depends(o, "CHECKOUT");
    o = fx_objective(p, plan, "NOTIFY", "Notifications", PL_LEVEL_TERTIARY, NULL);
    fx_task(o, "Send an email when an order ships", 0);
    fx_task(o, "Push notifications to mobile devices", 0);
    fx_task(o, "Let customers unsubscribe", 0);
    fx_depends(o, "CHECKOUT");
    return plan;
}

/* An object for a writer to fill, then read back: what a client would get. */
static pl_jsonw_t *fx_json_open(apr_pool_t *p)
{
    pl_jsonw_t *w = pl_jsonw_create(p, 4096);

    pl_jsonw_object(w, NULL);
    return w;
}

static pl_json_t *fx_json_close(apr_pool_t *p, pl_jsonw_t *w, const char **text)
{
    pl_json_t *doc = NULL;
    const char *err = NULL;
    apr_size_t len;

    pl_jsonw_end(w);
    *text = pl_jsonw_text(w, &len);
    assert_int_equal(pl_json_parse(&doc, p, *text, len, 32, &err), APR_SUCCESS);
    return doc;
}

#endif
