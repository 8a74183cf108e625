/* SPDX-License-Identifier: Apache-2.0 */
/* Git repositories for tests, made with libgit2: a history of messages on
 * an empty tree (for what reads the history), or one commit of the files a
 * test wrote (for what reads the work tree). */
#ifndef GIT_FIXTURE_H
#define GIT_FIXTURE_H

#include <git2.h>

/* Initialises a repository at dir with one commit per message (NULL
 * ended), an hour apart; last_id (GIT_OID_HEXSZ + 1 bytes, or NULL)
 * receives the id of the newest. */
static inline void fx_git_history(const char *dir, const char *const *messages, char *last_id)
{
    git_repository *repo;
    git_treebuilder *tb;
    git_oid tree_id, commit_id;
    git_tree *tree;
    git_commit *parent = NULL;
    int i;

    git_libgit2_init();
    assert_int_equal(git_repository_init(&repo, dir, 0), 0);
    assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
    assert_int_equal(git_treebuilder_write(&tree_id, tb), 0);
    git_treebuilder_free(tb);
    assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
    for (i = 0; messages[i]; i++) {
        git_signature *sig;
        const git_commit *parents[1];

        assert_int_equal(git_signature_new(&sig, "Ada", "ada@example.org",
                                           1700000000 + 3600 * i, 0), 0);
        parents[0] = parent;
        assert_int_equal(git_commit_create(&commit_id, repo, "HEAD", sig, sig, NULL,
                                           messages[i], tree, parent ? 1 : 0, parents), 0);
        git_signature_free(sig);
        git_commit_free(parent);
        assert_int_equal(git_commit_lookup(&parent, repo, &commit_id), 0);
        if (last_id)
            git_oid_tostr(last_id, GIT_OID_HEXSZ + 1, &commit_id);
    }
    git_commit_free(parent);
    git_tree_free(tree);
    git_repository_free(repo);
    git_libgit2_shutdown();
}

/* Initialises a repository at dir (whose files the test has written) and
 * commits all of them as one commit. */
static inline void fx_git_commit_all(const char *dir)
{
    git_repository *repo;
    git_index *index;
    git_signature *sig;
    git_oid tree_id, commit_id;
    git_tree *tree;

    git_libgit2_init();
    assert_int_equal(git_repository_init(&repo, dir, 0), 0);
    assert_int_equal(git_repository_index(&index, repo), 0);
    assert_int_equal(git_index_add_all(index, NULL, 0, NULL, NULL), 0);
    assert_int_equal(git_index_write(index), 0);
    assert_int_equal(git_index_write_tree(&tree_id, index), 0);
    assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
    assert_int_equal(git_signature_new(&sig, "Ada", "ada@example.org", 1700000000, 0), 0);
    assert_int_equal(git_commit_create(&commit_id, repo, "HEAD", sig, sig, NULL, "files", tree,
                                       0, NULL), 0);
    git_signature_free(sig);
    git_tree_free(tree);
    git_index_free(index);
    git_repository_free(repo);
    git_libgit2_shutdown();
}

#endif
