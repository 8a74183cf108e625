/* SPDX-License-Identifier: Apache-2.0 */
/* Imports of a source file, and the graph of those that resolve to files of
 * the same tree. ctags reports imports for Python (modules and from-import
 * names), C/C++ (local and system headers), Go, Java and Ruby; for
 * JavaScript/TypeScript, Rust and PHP, whose ctags 5.9 parsers report none,
 * the import lines are read from the code (import/export ... from, require(),
 * import(); use crate::/self::/super::, mod x;; use Ns\Class, require and
 * include of a literal path).
 *
 * Resolution is best effort, without build files or search paths:
 *   Python   relative imports from the file's package; absolute ones by
 *            path suffix (a.b -> a/b.py or a/b/__init__.py), trying a
 *            from-import name as a submodule first;
 *   C/C++    "x.h" beside the file, then any file whose path ends in x.h
 *            (also for <x.h>, which only matches headers of the tree);
 *   Go       the directory whose path is the longest suffix of the import
 *            path: an edge to each non-test .go file of that package;
 *   Java     a.b.C -> a/b/C.java by path suffix (a.b.* -> the directory);
 *   Ruby     require_relative beside the file, require by path suffix;
 *   JS/TS    relative specifiers only, with the extensions and index files
 *            that bundlers try (x.js may name x.ts);
 *   Rust     mod x; beside the module, use crate::a::b by path suffix;
 *   PHP      namespaces by path suffix (PSR-4 style), include paths beside
 *            the file or from the root.
 * Where several files match a suffix, the one sharing the longest directory
 * prefix with the importing file wins. */
#ifndef PL_CODE_IMPORTS_H
#define PL_CODE_IMPORTS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "code/pl_code.h"
#include "code/pl_code_scan.h"
#include "code/pl_ctags.h"

enum {
    PL_IMPORT_PYTHON, PL_IMPORT_C_LOCAL, PL_IMPORT_C_SYSTEM, PL_IMPORT_GO, PL_IMPORT_JAVA,
    PL_IMPORT_RUBY, PL_IMPORT_RUBY_RELATIVE, PL_IMPORT_JS, PL_IMPORT_RUST_USE,
    PL_IMPORT_RUST_MOD, PL_IMPORT_PHP_USE, PL_IMPORT_PHP_FILE
};

typedef struct {
    const char *module;         /* as written: "./util", ".pkg", "util.h", "crate::a::b" */
    const char *name;           /* Python "from module import name": name; else NULL */
    int how;                    /* PL_IMPORT_* */
} pl_code_import_t;

/* Appends the import that a ctags reference tag stands for to refs
 * (pl_code_import_t); 0 when the tag is not an import. */
int pl_code_imports_from_tag(const pl_lang_t *lang, const pl_ctags_tag_t *t,
                             apr_array_header_t *refs);

/* Appends the imports found in the code lines of a JavaScript, TypeScript,
 * Rust or PHP file; nothing for other languages. */
void pl_code_imports_scan(apr_pool_t *p, const pl_code_scan_t *s, apr_array_header_t *refs);

/* The distinct module strings of refs, in order (pl_code_file_t.imports). */
apr_array_header_t *pl_code_imports_written(apr_pool_t *p, const apr_array_header_t *refs);

/* The edges (pl_code_edge_t, sorted, no duplicates or self-loops) of the
 * imports refs[i] (arrays of pl_code_import_t, NULL for none) of files[i],
 * which are sorted by path. */
apr_array_header_t *pl_code_graph(apr_pool_t *p, const apr_array_header_t *files,
                                  apr_array_header_t *const *refs);

#endif
