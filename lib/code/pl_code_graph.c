/* SPDX-License-Identifier: Apache-2.0 */
/* Resolution of imports to files of the tree (the rules are listed in
 * pl_code_imports.h). */
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "code/pl_code_imports.h"

typedef struct {
    apr_pool_t *p;
    const apr_array_header_t *files;    /* pl_code_file_t *, sorted by path */
    apr_hash_t *by_path;                /* path -> 1 + index */
    apr_hash_t *by_base;                /* base name -> apr_array of int */
    apr_hash_t *by_dir;                 /* directory ("" at the root) -> apr_array of int */
    apr_array_header_t *edges;
    int from, first_edge;               /* the file being resolved; its first edge */
} graph_t;

static const char *path_of(const graph_t *g, int i)
{
    return APR_ARRAY_IDX(g->files, i, const pl_code_file_t *)->path;
}

static const char *base_of(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

static const char *dir_of(apr_pool_t *p, const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? apr_pstrmemdup(p, path, (apr_size_t)(s - path)) : "";
}

static void index_into(apr_pool_t *p, apr_hash_t *h, const char *key, int i)
{
    apr_array_header_t *a = apr_hash_get(h, key, APR_HASH_KEY_STRING);

    if (!a) {
        a = apr_array_make(p, 2, sizeof(int));
        apr_hash_set(h, key, APR_HASH_KEY_STRING, a);
    }
    APR_ARRAY_PUSH(a, int) = i;
}

static void add_edge(graph_t *g, int to)
{
    int i;

    if (to < 0 || to == g->from)
        return;
    for (i = g->first_edge; i < g->edges->nelts; i++)
        if (APR_ARRAY_IDX(g->edges, i, pl_code_edge_t).to == to)
            return;
    APR_ARRAY_PUSH(g->edges, pl_code_edge_t) = (pl_code_edge_t){ g->from, to };
}

/* dir joined with rel, with "." and ".." resolved; NULL above the root. */
static const char *join(apr_pool_t *p, const char *dir, const char *rel)
{
    const char *in = apr_pstrcat(p, dir, *dir ? "/" : "", rel, NULL), *s = in;
    char *out = apr_palloc(p, strlen(in) + 1), *o = out;

    while (*s) {
        const char *e = strchr(s, '/');
        apr_size_t n = e ? (apr_size_t)(e - s) : strlen(s);

        if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (o == out)
                return NULL;
            while (o > out && o[-1] != '/')
                o--;
            if (o > out)
                o--;                    /* the separator before the dropped part */
        }
        else if (n && !(n == 1 && s[0] == '.')) {
            if (o > out)
                *o++ = '/';
            memcpy(o, s, n);
            o += n;
        }
        s += n + (e ? 1 : 0);
    }
    *o = '\0';
    return out;
}

static int exact(const graph_t *g, const char *path)
{
    void *v = path ? apr_hash_get(g->by_path, path, APR_HASH_KEY_STRING) : NULL;

    return v ? (int)((apr_uintptr_t)v - 1) : -1;
}

static int shared_dirs(const char *a, const char *b)
{
    int n = 0;

    for (; *a && *a == *b; a++, b++)
        if (*a == '/')
            n++;
    return n;
}

static int depth_of(const char *path)
{
    int n = 0;

    for (; *path; path++)
        n += *path == '/';
    return n;
}

/* The file whose path is suffix or ends in "/" suffix, nearest to the
 * importing file; on a tie, the shallowest (nearest an include root:
 * <vector> is c++/12/vector, not c++/12/debug/vector). */
static int by_suffix(const graph_t *g, const char *suffix)
{
    apr_array_header_t *cands = apr_hash_get(g->by_base, base_of(suffix), APR_HASH_KEY_STRING);
    apr_size_t n = strlen(suffix);
    int i, best = -1, best_shared = -1, best_depth = 0;

    if (!cands)
        return -1;
    for (i = 0; i < cands->nelts; i++) {
        int f = APR_ARRAY_IDX(cands, i, int), shared;
        const char *path = path_of(g, f);
        apr_size_t len = strlen(path);

        if (len < n || strcmp(path + len - n, suffix) != 0 || (len > n && path[len - n - 1] != '/'))
            continue;
        shared = shared_dirs(path, path_of(g, g->from));
        if (shared > best_shared || (shared == best_shared && depth_of(path) < best_depth)) {
            best = f;
            best_shared = shared;
            best_depth = depth_of(path);
        }
    }
    return best;
}

/* A module path without extension: tries each extension in turn. */
static int first_of(const graph_t *g, const char *stem, const char *const *exts, int suffix)
{
    int i, f;

    for (i = 0; exts[i]; i++) {
        const char *cand = apr_pstrcat(g->p, stem, exts[i], NULL);
        if ((f = suffix ? by_suffix(g, cand) : exact(g, cand)) >= 0)
            return f;
    }
    return -1;
}

static char *replace_all(apr_pool_t *p, const char *s, char from, char to)
{
    char *out = apr_pstrdup(p, s), *c;

    for (c = out; *c; c++)
        if (*c == from)
            *c = to;
    return out;
}

static void resolve_python(graph_t *g, const pl_code_import_t *r, const char *dir)
{
    static const char *const PY[] = { ".py", "/__init__.py", ".pyi", NULL };
    const char *m = r->module, *stem;
    int dots = 0, f = -1;

    while (m[dots] == '.')
        dots++;
    if (dots) {
        for (stem = dir; stem && dots > 1; dots--)
            stem = join(g->p, stem, "..");
        if (!stem)
            return;
        stem = m[dots] ? join(g->p, stem, replace_all(g->p, m + dots, '.', '/')) : stem;
        if (stem && r->name)
            f = first_of(g, join(g->p, stem, r->name), PY, 0);
        if (stem && f < 0)
            f = *stem ? first_of(g, stem, PY, 0) : exact(g, "__init__.py");
    }
    else {
        stem = replace_all(g->p, m, '.', '/');
        if (r->name)
            f = first_of(g, apr_pstrcat(g->p, stem, "/", r->name, NULL), PY, 1);
        if (f < 0)
            f = first_of(g, stem, PY, 1);
    }
    add_edge(g, f);
}

static void resolve_dir_files(graph_t *g, const char *dir, const char *ext)
{
    apr_array_header_t *files = apr_hash_get(g->by_dir, dir, APR_HASH_KEY_STRING);
    int i;

    for (i = 0; files && i < files->nelts; i++) {
        int f = APR_ARRAY_IDX(files, i, int);
        const pl_code_file_t *cf = APR_ARRAY_IDX(g->files, f, const pl_code_file_t *);
        apr_size_t n = strlen(cf->path), k = strlen(ext);
        if (!cf->is_test && n > k && strcmp(cf->path + n - k, ext) == 0)
            add_edge(g, f);
    }
}

static void resolve_go(graph_t *g, const char *import_path)
{
    const char *s = import_path;

    /* Longest suffix of the import path that is a directory of the tree. */
    while (s) {
        if (apr_hash_get(g->by_dir, s, APR_HASH_KEY_STRING)) {
            resolve_dir_files(g, s, ".go");
            return;
        }
        s = strchr(s, '/');
        if (s)
            s++;
    }
}

static void resolve_java(graph_t *g, const char *name)
{
    apr_size_t n = strlen(name);
    char *path;
    int f;

    if (n > 2 && strcmp(name + n - 2, ".*") == 0) {
        apr_hash_index_t *hi;
        const char *dir = replace_all(g->p, apr_pstrmemdup(g->p, name, n - 2), '.', '/');
        apr_size_t k = strlen(dir);

        for (hi = apr_hash_first(g->p, g->by_dir); hi; hi = apr_hash_next(hi)) {
            const char *d = apr_hash_this_key(hi);
            apr_size_t dn = strlen(d);
            if (dn >= k && strcmp(d + dn - k, dir) == 0 && (dn == k || d[dn - k - 1] == '/'))
                resolve_dir_files(g, d, ".java");
        }
        return;
    }
    path = replace_all(g->p, name, '.', '/');
    if ((f = by_suffix(g, apr_pstrcat(g->p, path, ".java", NULL))) < 0) {
        char *last = strrchr(path, '/');    /* a static import names a member */
        if (last) {
            *last = '\0';
            f = by_suffix(g, apr_pstrcat(g->p, path, ".java", NULL));
        }
    }
    add_edge(g, f);
}

static void resolve_js(graph_t *g, const char *spec, const char *dir)
{
    static const char *const JS[] = { "", ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs",
                                      "/index.ts", "/index.tsx", "/index.js", "/index.jsx",
                                      "/index.mjs", NULL };
    static const char *const TS[] = { ".ts", ".tsx", ".mts", NULL };
    const char *base;
    apr_size_t n;
    int f;

    if (strncmp(spec, "./", 2) != 0 && strncmp(spec, "../", 3) != 0 && strcmp(spec, ".") != 0
        && strcmp(spec, "..") != 0)
        return;                     /* a package, or an alias the tree's bundler defines */
    if (!(base = join(g->p, dir, spec)))
        return;
    f = first_of(g, base, JS, 0);
    n = strlen(base);
    /* TypeScript ESM imports name the emitted ./x.js of x.ts. */
    if (f < 0 && n > 3 && (strcmp(base + n - 3, ".js") == 0 || strcmp(base + n - 4, ".mjs") == 0))
        f = first_of(g, apr_pstrmemdup(g->p, base, n - (base[n - 4] == '.' ? 4 : 3)), TS, 0);
    add_edge(g, f);
}

/* The directory that holds the submodules of a Rust file. */
static const char *rust_module_dir(apr_pool_t *p, const char *path, const char *dir)
{
    const char *base = base_of(path);

    if (strcmp(base, "mod.rs") == 0 || strcmp(base, "lib.rs") == 0
        || strcmp(base, "main.rs") == 0)
        return dir;
    return join(p, dir, apr_pstrmemdup(p, base, strlen(base) - (strlen(base) > 3 ? 3 : 0)));
}

static void resolve_rust(graph_t *g, const pl_code_import_t *r, const char *path,
                         const char *dir)
{
    static const char *const RS[] = { ".rs", "/mod.rs", NULL };
    const char *mdir = rust_module_dir(g->p, path, dir), *rest = r->module;
    char *comps, *end;
    int relative = 1, f = -1;

    if (r->how == PL_IMPORT_RUST_MOD) {
        add_edge(g, first_of(g, join(g->p, mdir, r->module), RS, 0));
        return;
    }
    if (strncmp(rest, "crate::", 7) == 0)
        rest += 7, relative = 0;
    else if (strncmp(rest, "self::", 6) == 0)
        rest += 6;
    while (strncmp(rest, "super::", 7) == 0 && mdir) {
        rest += 7;
        mdir = join(g->p, mdir, "..");
    }
    if (!mdir)
        return;
    comps = apr_pstrdup(g->p, rest);
    for (end = comps; (end = strstr(end, "::"));)
        memmove(end, "/", 1), memmove(end + 1, end + 2, strlen(end + 2) + 1);
    /* use a::b::Item: the module is the longest prefix that is a file. */
    for (;;) {
        f = relative ? first_of(g, join(g->p, mdir, comps), RS, 0) : first_of(g, comps, RS, 1);
        if (f >= 0 || !(end = strrchr(comps, '/')))
            break;
        *end = '\0';
    }
    add_edge(g, f);
}

static void resolve_php_use(graph_t *g, const char *name)
{
    char *path = replace_all(g->p, name, '\\', '/'), *s = path;
    int f;

    /* App\Models\User -> App/Models/User.php, Models/User.php (PSR-4 roots). */
    while (s) {
        if ((f = by_suffix(g, apr_pstrcat(g->p, s, ".php", NULL))) >= 0) {
            add_edge(g, f);
            return;
        }
        s = strchr(s, '/');
        if (s && !strchr(++s, '/'))
            return;
    }
}

/* "from m import a, b" comes as m alone and as (m, a), (m, b): m alone
 * adds nothing but its __init__.py, which the pairs reach when a and b are
 * not submodules. */
static int python_module_named_later(const apr_array_header_t *refs, const pl_code_import_t *r)
{
    int i;

    for (i = 0; i < refs->nelts; i++) {
        const pl_code_import_t *o = &APR_ARRAY_IDX(refs, i, pl_code_import_t);
        if (o->how == PL_IMPORT_PYTHON && o->name && strcmp(o->module, r->module) == 0)
            return 1;
    }
    return 0;
}

static void resolve(graph_t *g, const pl_code_import_t *r)
{
    const char *path = path_of(g, g->from), *dir = dir_of(g->p, path);
    int f;

    switch (r->how) {
    case PL_IMPORT_PYTHON:
        resolve_python(g, r, dir);
        break;
    case PL_IMPORT_C_LOCAL:
        f = exact(g, join(g->p, dir, r->module));
        add_edge(g, f >= 0 ? f : by_suffix(g, r->module));
        break;
    case PL_IMPORT_C_SYSTEM:
        add_edge(g, by_suffix(g, r->module));
        break;
    case PL_IMPORT_GO:
        resolve_go(g, r->module);
        break;
    case PL_IMPORT_JAVA:
        resolve_java(g, r->module);
        break;
    case PL_IMPORT_RUBY_RELATIVE:
    case PL_IMPORT_RUBY: {
        static const char *const RB[] = { "", ".rb", NULL };
        add_edge(g, r->how == PL_IMPORT_RUBY ? first_of(g, r->module, RB, 1)
                                             : first_of(g, join(g->p, dir, r->module), RB, 0));
        break;
    }
    case PL_IMPORT_JS:
        resolve_js(g, r->module, dir);
        break;
    case PL_IMPORT_RUST_USE:
    case PL_IMPORT_RUST_MOD:
        resolve_rust(g, r, path, dir);
        break;
    case PL_IMPORT_PHP_USE:
        resolve_php_use(g, r->module);
        break;
    case PL_IMPORT_PHP_FILE: {
        const char *m = r->module[0] == '/' ? r->module + 1 : r->module;
        f = exact(g, join(g->p, dir, m));
        if (f < 0)
            f = exact(g, join(g->p, "", m));
        add_edge(g, f >= 0 ? f : by_suffix(g, m));
        break;
    }
    default:
        break;
    }
}

static int by_edge(const void *a, const void *b)
{
    const pl_code_edge_t *x = a, *y = b;

    return x->from != y->from ? (x->from > y->from) - (x->from < y->from)
                              : (x->to > y->to) - (x->to < y->to);
}

apr_array_header_t *pl_code_graph(apr_pool_t *p, const apr_array_header_t *files,
                                  apr_array_header_t *const *refs)
{
    graph_t g;
    apr_pool_t *scratch;
    int i, k;

    memset(&g, 0, sizeof(g));
    apr_pool_create(&scratch, p);
    g.p = scratch;
    g.files = files;
    g.edges = apr_array_make(p, files->nelts, sizeof(pl_code_edge_t));
    g.by_path = apr_hash_make(scratch);
    g.by_base = apr_hash_make(scratch);
    g.by_dir = apr_hash_make(scratch);
    for (i = 0; i < files->nelts; i++) {
        const char *path = path_of(&g, i);
        apr_hash_set(g.by_path, path, APR_HASH_KEY_STRING, (void *)(apr_uintptr_t)(i + 1));
        index_into(scratch, g.by_base, base_of(path), i);
        index_into(scratch, g.by_dir, dir_of(scratch, path), i);
    }
    for (i = 0; i < files->nelts; i++) {
        if (!refs[i])
            continue;
        g.from = i;
        g.first_edge = g.edges->nelts;
        for (k = 0; k < refs[i]->nelts; k++) {
            const pl_code_import_t *r = &APR_ARRAY_IDX(refs[i], k, pl_code_import_t);
            if (r->how == PL_IMPORT_PYTHON && !r->name && python_module_named_later(refs[i], r))
                continue;
            resolve(&g, r);
        }
    }
    qsort(g.edges->elts, (size_t)g.edges->nelts, sizeof(pl_code_edge_t), by_edge);
    apr_pool_destroy(scratch);
    return g.edges;
}
