#!/usr/bin/env perl
# Local git through libgit2 (issue 14 item 2): status with staged, unstaged,
# untracked and conflicted files and their line counts; stage and unstage
# (paths and hunks); commit as the account; log paged and per path; a commit
# shown; diffs as JSON and unified text; branches created, switched and
# deleted; ref names that look like options refused (SECURITY.md item 28);
# nothing from the repository's own configuration runs (hooks, fsmonitor,
# filter drivers). Fixtures are made with the git CLI.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(sleep);
use PlanningTest qw(:all);

PlanningTest::require_build();

sub bearer { { Authorization => "Bearer $_[0]" } }
sub lines_of { join '', map { "$_\n" } @_ }
sub esc { (my $s = shift) =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge; $s }

for my $backend (backends()) {
    subtest $backend => sub {
        my $R = make_roots();
        my $root = $R->{root};
        my $srv = start_server(backend => $backend, roots => [$root], extra => 'PlanningLoginRateLimit 0');
        my (undef, $alice) = $srv->add_user('alice', 'developer');
        my $A = bearer($alice);
        my $project = sub {
            my ($dir) = @_;
            (my $name = $dir) =~ s{.*/}{};
            my $r = $srv->json('POST', '/api/v1/projects', { name => $name, local_path => $dir }, $A);
            status_is($r, 201, "project $name");
            return "/api/v1/projects/" . ($r->{json}{id} // 0) . "/git";
        };
        my $get = sub { $srv->request('GET', $_[0], { %$A, Accept => 'application/json', %{ $_[1] || {} } }) };
        my $post = sub { $srv->json('POST', $_[0], $_[1], $A) };
        my $file_of = sub {
            my ($status, $path) = @_;
            my ($f) = grep { $_->{path} eq $path } @{ $status->{json}{files} || [] };
            return $f || {};
        };

        subtest 'not a repository' => sub {
            my $plain = $project->(project_dir($R, 'plain'));
            error_is($get->("$plain/status"), 404, 'NOT_A_REPOSITORY', 'a plain directory => 404');
            # a directory inside a repository that is not a project: never climbed to
            git_repo("$root/outer", { 'x.txt' => "x\n" });
            my $inner = $project->(project_dir($R, 'outer/inner'));
            error_is($get->("$inner/status"), 404, 'NOT_A_REPOSITORY', 'no search upwards => 404');
            error_is($get->("$inner/log"), 404, 'NOT_A_REPOSITORY', 'log too');
            # the directory swapped for a symlink since it was saved: confined again at every use
            my $moving = $project->(git_repo("$root/moving", { 'm.txt' => "m\n" }));
            rename("$root/moving", "$root/moved") or die "rename: $!";
            symlink("$root/moved", "$root/moving") or die "symlink: $!";
            error_is($get->("$moving/status"), 409, 'PROJECT_PATH_INVALID', 'a swapped directory => 409');
        };

        my $dir = git_repo("$root/repo", { 'a.txt' => lines_of(1 .. 3), 'b.txt' => "b\n",
                                            'dir/c.txt' => "c\n" });
        my $G = $project->($dir);

        subtest 'status' => sub {
            PlanningTest::spew("$dir/a.txt", lines_of(1, 'two', 3));           # unstaged: +1 -1
            PlanningTest::spew("$dir/b.txt", "b\nb2\nb3\n");                   # staged: +2
            git_in($dir, 'add', 'b.txt');
            PlanningTest::spew("$dir/u.txt", "u1\nu2\n");                      # untracked: 2 lines
            git_in($dir, 'status');    # (gives the files back to the server's user)
            my $s = $get->("$G/status");
            status_is($s, 200, 'GET status');
            is($s->{json}{branch}, 'main', 'the branch');
            ok(!$s->{json}{detached}, 'not detached');
            like($s->{json}{head} // '', qr/^[0-9a-f]{40}$/, 'HEAD');
            ok(exists $s->{json}{upstream} && !defined $s->{json}{upstream}, 'no upstream');
            my $a = $file_of->($s, 'a.txt');
            is($a->{unstaged}, 'modified', 'a.txt: unstaged modified');
            is($a->{staged}, undef, 'a.txt: nothing staged');
            is_deeply([ @{ $a->{unstaged_lines} || {} }{qw(additions deletions)} ], [1, 1], 'a.txt: +1 -1');
            my $b = $file_of->($s, 'b.txt');
            is($b->{staged}, 'modified', 'b.txt: staged modified');
            is($b->{unstaged}, undef, 'b.txt: nothing unstaged');
            is_deeply([ @{ $b->{staged_lines} || {} }{qw(additions deletions)} ], [2, 0], 'b.txt: +2 staged');
            my $u = $file_of->($s, 'u.txt');
            ok($u->{untracked}, 'u.txt: untracked');
            is(($u->{unstaged_lines} || {})->{additions}, 2, 'u.txt: 2 lines');
            ok(!$a->{conflicted}, 'a.txt: no conflict');
            # stale stat data in the index (the chown of every fixture step changed
            # each file's ctime) is refreshed and written, as git status does
            my $m0 = (stat "$dir/.git/index")[9];
            sleep 1.1;
            system('chown', '-R', '--reference', "$dir/.git", $dir);    # (ctime changes even so)
            status_is($get->("$G/status"), 200, 'status again');
            cmp_ok((stat "$dir/.git/index")[9], '>', $m0, 'the index was refreshed');
        };

        subtest 'stage and unstage' => sub {
            my $s = $post->("$G/stage", { paths => ['a.txt', 'u.txt'] });
            status_is($s, 200, 'stage a.txt and u.txt');
            is($file_of->($s, 'a.txt')->{staged}, 'modified', 'a.txt staged');
            is($file_of->($s, 'a.txt')->{unstaged}, undef, 'a.txt: nothing left unstaged');
            is($file_of->($s, 'u.txt')->{staged}, 'added', 'u.txt added');
            like(git_in($dir, 'diff', '--cached', '--name-only'), qr/^a\.txt$/m, 'git sees a.txt staged');
            $s = $post->("$G/unstage", { paths => ['a.txt', 'u.txt'] });
            status_is($s, 200, 'unstage them');
            is($file_of->($s, 'a.txt')->{staged}, undef, 'a.txt no longer staged');
            is($file_of->($s, 'a.txt')->{unstaged}, 'modified', 'a.txt still modified');
            ok($file_of->($s, 'u.txt')->{untracked}, 'u.txt untracked again');
            is($file_of->($s, 'b.txt')->{staged}, 'modified', 'b.txt untouched');
            unlink "$dir/dir/c.txt";
            $s = $post->("$G/stage", { paths => ['dir'] });
            status_is($s, 200, 'stage a directory with a deleted file');
            is($file_of->($s, 'dir/c.txt')->{staged}, 'deleted', 'dir/c.txt staged as deleted');
            status_is($post->("$G/unstage", { paths => ['dir'] }), 200, 'unstage it');
            git_in($dir, 'checkout', '--', 'dir/c.txt');
            symlink('/etc', "$dir/etc-link");
            for my $bad (['.git/config', 400], ['../repo/a.txt', 400], ['/etc/passwd', 400],
                         ['', 400], ['etc-link/passwd', 403]) {
                my $r = $post->("$G/stage", { paths => [$bad->[0]] });
                is($r->{status}, $bad->[1], "stage '$bad->[0]' => $bad->[1]") or diag_res($r);
            }
            unlink "$dir/etc-link";
            error_is($post->("$G/stage", { paths => [] }), 400, 'VALIDATION_ERROR', 'no paths => 400');
            error_is($post->("$G/stage", { files => ['a.txt'] }), 400, 'VALIDATION_ERROR', 'an unknown field => 400');
            unlike(git_in($dir, 'diff', '--cached', '--name-only'), qr/config|passwd/, 'nothing of those staged');
            # another git holds the index's lock: refused, not a 5xx
            PlanningTest::spew("$dir/.git/index.lock", '');
            error_is($post->("$G/stage", { paths => ['a.txt'] }), 409, 'REPOSITORY_LOCKED', 'index.lock => 409');
            unlink "$dir/.git/index.lock";
            # a file over 8 MB is diffed as binary, never read whole for lines
            PlanningTest::spew("$dir/big.log", "line\n" x (2 << 20));
            my $big = $file_of->($get->("$G/status"), 'big.log');
            ok($big->{untracked} && $big->{unstaged_lines}{binary}, 'a 10 MB untracked file: binary')
                or diag explain $big;
            unlink "$dir/big.log";
        };

        subtest 'stage hunks' => sub {
            PlanningTest::spew("$dir/h.txt", lines_of(1 .. 30));
            git_in($dir, 'add', 'h.txt');
            git_in($dir, 'commit', '-q', '-m', 'h', '--', 'h.txt');
            PlanningTest::spew("$dir/h.txt", lines_of('one', 2 .. 19, 'twenty', 'extra', 21 .. 30));
            git_in($dir, 'status');
            my $d = $get->("$G/diff?path=h.txt");
            status_is($d, 200, 'the unstaged diff of h.txt');
            my $hunks = $d->{json}{files}[0]{hunks} || [];
            is(scalar @$hunks, 2, 'two hunks');
            my $s = $post->("$G/stage", { path => 'h.txt', hunks => [1] });
            status_is($s, 200, 'stage the second hunk');
            my $staged = git_in($dir, 'diff', '--cached', 'h.txt');
            like($staged, qr/^\+twenty$/m, 'the second change is staged');
            unlike($staged, qr/^\+one$/m, 'the first is not');
            like(git_in($dir, 'diff', 'h.txt'), qr/^\+one$/m, 'the first is still unstaged');
            error_is($post->("$G/stage", { path => 'h.txt', hunks => [5] }), 400, 'VALIDATION_ERROR',
                     'a hunk that does not exist => 400');
            error_is($post->("$G/stage", { path => 'h.txt', hunks => ['x'] }), 400, 'VALIDATION_ERROR',
                     'a hunk that is not an index => 400');
            # unstage a hunk: the whole file staged, then its first hunk taken back
            status_is($post->("$G/stage", { paths => ['h.txt'] }), 200, 'stage the whole file');
            my $sd = $get->("$G/diff?staged=1&path=h.txt");
            is(scalar @{ $sd->{json}{files}[0]{hunks} || [] }, 2, 'two staged hunks');
            $s = $post->("$G/unstage", { path => 'h.txt', hunks => [0] });
            status_is($s, 200, 'unstage the first hunk');
            is($file_of->($s, 'h.txt')->{staged}, 'modified', '... the file is still staged');
            $staged = git_in($dir, 'diff', '--cached', 'h.txt');
            like($staged, qr/^\+twenty$/m, 'the second change stays staged');
            unlike($staged, qr/^\+one$/m, 'the first is no longer staged');
            like(git_in($dir, 'diff', 'h.txt'), qr/^\+one$/m, '... but back in the unstaged diff');
            like(PlanningTest::slurp("$dir/h.txt"), qr/^one$/m, 'the work tree is untouched');
            error_is($post->("$G/unstage", { path => 'h.txt', hunks => [1] }), 400, 'VALIDATION_ERROR',
                     'a staged hunk that does not exist => 400');
            error_is($post->("$G/unstage", { path => 'dir/c.txt', hunks => [0] }), 400, 'VALIDATION_ERROR',
                     'a file with nothing staged => 400');
            error_is($post->("$G/unstage", { path => 'h.txt', hunks => [] }), 400, 'VALIDATION_ERROR',
                     'no hunk => 400');
            git_in($dir, 'reset', '-q', 'h.txt');
            git_in($dir, 'checkout', '--', 'h.txt');
        };

        my $first_sha;
        subtest 'commit' => sub {
            error_is($post->("$G/commit", { message => '' }), 400, 'VALIDATION_ERROR', 'an empty message => 400');
            error_is($post->("$G/commit", { message => "  \n\n \t\n" }), 400, 'VALIDATION_ERROR',
                     'a blank message => 400');
            error_is($post->("$G/commit", {}), 400, 'VALIDATION_ERROR', 'no message => 400');
            my $c = $post->("$G/commit", { message => "Add b2 and b3\n\nBecause." });
            status_is($c, 201, 'commit what is staged (b.txt)');
            is($c->{json}{author}{name}, 'alice', 'the author is the account');
            like($c->{json}{author}{email} // '', qr/^alice@/, 'its e-mail is username@host');
            like($c->{json}{author}{time} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/, 'its time is RFC 3339 UTC');
            is($c->{json}{summary}, 'Add b2 and b3', 'the summary');
            like(git_in($dir, 'log', '-1', '--format=%an <%ae>|%s'), qr/^alice <alice@[^>]+>\|Add b2 and b3$/,
                 'git sees the commit');
            is(git_in($dir, 'diff', '--cached', '--name-only'), '', 'nothing staged afterwards');
            like(git_in($dir, 'status', '--short'), qr/^ M a\.txt$/m, 'the unstaged change is left');
            $first_sha = $c->{json}{sha};
            status_is($get->($c->{json}{_links}{self}{href}), 200, 'its self link answers');
            error_is($post->("$G/commit", { message => 'again' }), 409, 'NOTHING_TO_COMMIT',
                     'nothing staged => 409');
        };

        subtest 'log' => sub {
            for my $i (1 .. 4) {
                PlanningTest::spew("$dir/log$i.txt", "$i\n");
                git_in($dir, 'add', "log$i.txt");
                git_in($dir, 'commit', '-q', '-m', "log $i");
            }
            my $l = $get->("$G/log?limit=2");
            status_is($l, 200, 'GET log?limit=2');
            is_deeply([ map { $_->{summary} } @{ $l->{json}{items} } ], ['log 4', 'log 3'], 'the newest two');
            ok($l->{json}{has_more}, 'has_more');
            my $next = $get->($l->{json}{_links}{next}{href});
            is_deeply([ map { $_->{summary} } @{ $next->{json}{items} } ], ['log 2', 'log 1'], 'the next page');
            my $all = $get->("$G/log?limit=200");
            is(scalar @{ $all->{json}{items} }, 7, 'seven commits in all');
            ok(!$all->{json}{has_more}, 'no more');
            ok(!exists $all->{json}{_links}{next}, 'no next link on the last page');
            my $p = $get->("$G/log?path=b.txt");
            is_deeply([ map { $_->{summary} } @{ $p->{json}{items} } ], ['Add b2 and b3', 'first'],
                      'per path: only the commits that changed b.txt');
            is_deeply([ map { $_->{summary} } @{ $get->("$G/log?path=log3.txt&limit=1&offset=0")->{json}{items} } ],
                      ['log 3'], 'per path, paged');
            error_is($get->("$G/log?path=../x"), 400, 'VALIDATION_ERROR', 'a path out => 400');
            error_is($get->("$G/log?limit=0"), 400, 'VALIDATION_ERROR', 'limit 0 => 400');
        };

        subtest 'show a commit' => sub {
            my $c = $get->("$G/commits/$first_sha");
            status_is($c, 200, 'GET commits/{sha}');
            is($c->{json}{sha}, $first_sha, 'the sha');
            is(scalar @{ $c->{json}{parents} }, 1, 'one parent');
            is($c->{json}{committer}{name}, 'alice', 'the committer');
            my ($b) = grep { $_->{path} eq 'b.txt' } @{ $c->{json}{files} || [] };
            is_deeply([ @{ $b || {} }{qw(status additions deletions)} ], ['modified', 2, 0], 'b.txt: modified +2');
            is_deeply([ map { $_->{origin} . $_->{content} } @{ $b->{hunks}[0]{lines} } ], [' b', '+b2', '+b3'],
                      'its lines');
            status_is($get->('/api/v1/projects/0/git/status'), 404, 'no project 0');
            is($get->("$G/commits/" . substr($first_sha, 0, 8))->{json}{sha}, $first_sha, 'a prefix finds it');
            my $t = $get->("$G/commits/$first_sha?format=patch");
            status_is($t, 200, 'as a patch');
            like($t->{content}, qr/^diff --git a\/b\.txt b\/b\.txt$/m, 'unified text');
            error_is($get->("$G/commits/" . ('0' x 40)), 404, 'COMMIT_NOT_FOUND', 'an unknown sha => 404');
            error_is($get->("$G/commits/HEAD"), 404, 'COMMIT_NOT_FOUND', 'not a sha => 404');
        };

        subtest 'diff' => sub {
            my $d = $get->("$G/diff");
            status_is($d, 200, 'the work tree against the index');
            my ($a) = @{ $d->{json}{files} };
            is($a->{path}, 'a.txt', 'a.txt');
            my $h = $a->{hunks}[0];
            is_deeply([ @$h{qw(old_start old_lines new_start new_lines)} ], [1, 3, 1, 3], 'the hunk range');
            like($h->{header}, qr/^@@ -1,3 \+1,3 @@/, 'its header');
            is_deeply([ map { [ $_->{origin}, $_->{old_no}, $_->{new_no}, $_->{content} ] } @{ $h->{lines} } ],
                      [[' ', 1, 1, '1'], ['-', 2, undef, '2'], ['+', undef, 2, 'two'], [' ', 3, 3, '3']],
                      'numbered lines');
            ok(!$d->{json}{truncated}, 'not truncated');
            PlanningTest::spew("$dir/b.txt", "b\nb2\nb3\nb4\n");
            git_in($dir, 'add', 'b.txt');
            my $s = $get->("$G/diff?staged=1");
            is_deeply([ map { $_->{path} } @{ $s->{json}{files} } ], ['b.txt'], 'staged: b.txt only');
            my $since = $get->("$G/diff?from=HEAD");
            is_deeply([ map { $_->{path} } @{ $since->{json}{files} } ], ['a.txt', 'b.txt'],
                      'from a revision to the work tree: staged and unstaged together');
            my $two = $get->("$G/diff?from=HEAD~2&to=HEAD");
            is_deeply([ map { $_->{path} } @{ $two->{json}{files} } ], ['log3.txt', 'log4.txt'], 'between two commits');
            my $one = $get->("$G/diff?from=$first_sha&to=HEAD&path=log2.txt");
            is_deeply([ map { $_->{path} } @{ $one->{json}{files} } ], ['log2.txt'], 'one file');
            my $t = $get->("$G/diff", { Accept => 'text/plain' });
            status_is($t, 200, 'Accept: text/plain');
            like($t->{headers}{'content-type'}, qr{^text/}, 'a text type');
            like($t->{content}, qr/^-2\n\+two$/m, 'unified text');
            is($get->("$G/diff?format=patch&staged=1")->{content} =~ /^\+b4$/m ? 1 : 0, 1, '?format=patch');
            for my $bad ('--upload-pack=x', '-o', 'HEAD..main', 'main@{1}', ':/first', 'HEAD:a.txt') {
                error_is($get->("$G/diff?from=" . esc($bad)), 400, 'VALIDATION_ERROR',
                         "from=$bad => 400");
            }
            error_is($get->("$G/diff?from=nosuch"), 400, 'UNKNOWN_REVISION', 'an unknown branch => 400');
            error_is($get->("$G/diff?to=HEAD"), 400, 'VALIDATION_ERROR', 'to without from => 400');
            error_is($get->("$G/diff?staged=2"), 400, 'VALIDATION_ERROR', 'staged=2 => 400');
            error_is($get->("$G/diff?path=.git/config"), 400, 'VALIDATION_ERROR', 'a path in .git => 400');
            git_in($dir, 'reset', '-q', 'b.txt');
            git_in($dir, 'checkout', '--', 'b.txt', 'a.txt');
        };

        subtest 'branches' => sub {
            my $l = $get->("$G/branches");
            status_is($l, 200, 'GET branches');
            is_deeply([ map { [ $_->{name}, $_->{current} ? 1 : 0 ] } @{ $l->{json}{items} } ], [['main', 1]], 'main only');
            my $before = git_in($dir, 'for-each-ref', '--format=%(refname)');
            for my $bad ('--upload-pack=x', '-o', '-f', 'a..b', '', 'HEAD', 'x y', 'x~1', 'a.lock', '.hidden') {
                error_is($post->("$G/branches", { name => $bad }), 400, 'VALIDATION_ERROR', "name '$bad' => 400");
            }
            error_is($post->("$G/branches", { name => 'ok', from => '--upload-pack=x' }), 400, 'VALIDATION_ERROR',
                     'from as an option => 400');
            error_is($post->("$G/checkout", { branch => '-f' }), 400, 'VALIDATION_ERROR', 'checkout -f => 400');
            error_is($srv->request('DELETE', "$G/branches/-D", $A), 400, 'VALIDATION_ERROR', 'delete -D => 400');
            is(git_in($dir, 'for-each-ref', '--format=%(refname)'), $before, 'no ref was made or changed');

            my $c = $post->("$G/branches", { name => 'feature/x' });
            status_is($c, 201, 'create feature/x');
            ok((grep { $_->{name} eq 'feature/x' && $_->{merged} } @{ $c->{json}{items} }), 'listed, merged');
            error_is($post->("$G/branches", { name => 'feature/x' }), 409, 'BRANCH_EXISTS', 'again => 409');
            error_is($post->("$G/branches", { name => 'y', from => 'nosuch' }), 400, 'UNKNOWN_REVISION',
                     'from an unknown revision => 400');
            my $s = $post->("$G/checkout", { branch => 'feature/x' });
            status_is($s, 200, 'switch to feature/x');
            is($s->{json}{branch}, 'feature/x', 'the status says so');
            PlanningTest::spew("$dir/a.txt", "feature\n");
            git_in($dir, 'commit', '-q', '-am', 'on feature');
            status_is($post->("$G/checkout", { branch => 'main' }), 200, 'back to main');
            is(PlanningTest::slurp("$dir/a.txt"), lines_of(1 .. 3), 'the work tree follows');
            error_is($srv->request('DELETE', "$G/branches/feature/x", $A), 409, 'BRANCH_NOT_MERGED',
                     'an unmerged branch => 409');
            error_is($srv->request('DELETE', "$G/branches/main", $A), 409, 'BRANCH_IS_CURRENT',
                     'the current branch => 409');
            error_is($srv->request('DELETE', "$G/branches/nosuch", $A), 404, 'BRANCH_NOT_FOUND', 'none => 404');
            status_is($post->("$G/branches", { name => 'done', from => 'HEAD~1' }), 201, 'a branch behind main');
            status_is($srv->request('DELETE', "$G/branches/done", $A), 204, 'a merged branch is deleted');
            unlike(git_in($dir, 'branch'), qr/done/, 'gone');

            # a local change the switch would overwrite: refused, nothing changed
            PlanningTest::spew("$dir/a.txt", "mine\n");
            error_is($post->("$G/checkout", { branch => 'feature/x' }), 409, 'CHECKOUT_CONFLICT',
                     'a dirty switch => 409');
            is(PlanningTest::slurp("$dir/a.txt"), "mine\n", 'the change is kept');
            like(git_in($dir, 'symbolic-ref', 'HEAD'), qr{refs/heads/main}, 'still on main');
            error_is($post->("$G/checkout", { branch => 'nosuch' }), 404, 'BRANCH_NOT_FOUND', 'no such branch => 404');
            git_in($dir, 'checkout', '--', 'a.txt');
        };

        subtest 'switching with local changes, as git does' => sub {
            status_is($post->("$G/branches", { name => 'carry' }), 201, 'a branch at main');
            PlanningTest::spew("$dir/b.txt", "carried\n");
            git_in($dir, 'add', 'b.txt');
            my $s = $post->("$G/checkout", { branch => 'carry' });
            status_is($s, 200, 'a staged change that the switch does not touch is carried');
            is($file_of->($s, 'b.txt')->{staged}, 'modified', 'still staged on the other branch');
            git_in($dir, 'reset', '-q', '--hard');
            git_in($dir, 'checkout', '-q', 'main');
            # an untracked file where the target branch has one
            PlanningTest::spew("$dir/only-there.txt", "mine\n");
            git_in($dir, 'checkout', '-q', '-b', 'has-it');
            git_in($dir, 'add', 'only-there.txt');
            git_in($dir, 'commit', '-q', '-m', 'only there');
            git_in($dir, 'checkout', '-q', 'main');
            PlanningTest::spew("$dir/only-there.txt", "untracked, mine\n");
            error_is($post->("$G/checkout", { branch => 'has-it' }), 409, 'CHECKOUT_CONFLICT',
                     'an untracked file in the way => 409');
            is(PlanningTest::slurp("$dir/only-there.txt"), "untracked, mine\n", 'the untracked file is kept');
            unlink "$dir/only-there.txt";
        };

        subtest 'a repository without commits' => sub {
            my $e = "$root/empty";
            mkdirs($e);
            git_in($e, 'init', '-q', '-b', 'trunk');
            PlanningTest::spew("$e/new.txt", "n\n");
            git_in($e, 'status');
            my $EG = $project->($e);
            my $s = $get->("$EG/status");
            status_is($s, 200, 'status');
            is($s->{json}{branch}, 'trunk', 'the unborn branch');
            is($s->{json}{head}, undef, 'no HEAD commit');
            ok($file_of->($s, 'new.txt')->{untracked}, 'new.txt untracked');
            is_deeply($get->("$EG/log")->{json}{items}, [], 'an empty history');
            error_is($post->("$EG/commit", { message => 'x' }), 409, 'NOTHING_TO_COMMIT', 'nothing staged');
            status_is($post->("$EG/stage", { paths => ['new.txt'] }), 200, 'stage');
            is($file_of->($get->("$EG/status"), 'new.txt')->{staged}, 'added', 'staged as added');
            ok($file_of->($post->("$EG/unstage", { paths => ['new.txt'] }), 'new.txt')->{untracked},
               'unstaged: untracked again');
            status_is($post->("$EG/stage", { paths => ['new.txt'] }), 200, 'staged again');
            my $c = $post->("$EG/commit", { message => 'root' });
            status_is($c, 201, 'the first commit');
            is_deeply($c->{json}{parents}, [], 'without parents');
            is(git_in($e, 'log', '--format=%s'), "root\n", 'git sees it');
        };

        subtest 'a switch never writes through a symlink' => sub {
            my $s = git_repo("$root/sym", { 'a.txt' => "a\n" });
            git_in($s, 'checkout', '-q', '-b', 'dirs');
            mkdirs("$s/link");
            PlanningTest::spew("$s/link/f.txt", "planted\n");
            git_in($s, 'add', 'link/f.txt');
            git_in($s, 'commit', '-q', '-m', 'a directory');
            git_in($s, 'checkout', '-q', 'main');
            symlink($R->{outside}, "$s/link") or die "symlink: $!";
            git_in($s, 'add', 'link');
            git_in($s, 'commit', '-q', '-m', 'a symlink out');
            my $SG = $project->($s);
            my $r = $post->("$SG/checkout", { branch => 'dirs' });
            ok($r->{status} == 200 || $r->{status} == 409, 'the switch is done or refused, never a 5xx')
                or diag_res($r);
            note("the switch answered $r->{status}");
            ok(!-e "$R->{outside}/f.txt", 'nothing was written outside the project');
            ok(!-l "$s/link" && -f "$s/link/f.txt", 'the symlink was replaced by the directory')
                if $r->{status} == 200;
        };

        subtest 'conflicted' => sub {
            git_in($dir, 'checkout', '-q', '-b', 'other');
            PlanningTest::spew("$dir/b.txt", "other\n");
            git_in($dir, 'commit', '-q', '-am', 'other');
            git_in($dir, 'checkout', '-q', 'main');
            PlanningTest::spew("$dir/b.txt", "main\n");
            git_in($dir, 'commit', '-q', '-am', 'main');
            eval { git_in($dir, 'merge', '-q', 'other') };    # fails: a conflict
            git_in($dir, 'status');
            my $s = $get->("$G/status");
            ok($file_of->($s, 'b.txt')->{conflicted}, 'b.txt is conflicted') or diag_res($s);
            error_is($post->("$G/commit", { message => 'merge' }), 409, 'CONFLICT', 'no commit during a merge');
            git_in($dir, 'merge', '--abort');
        };

        subtest 'nothing from the repository config runs' => sub {
            my $h = git_repo("$root/hooked", { 'f.txt' => "f\n", '.gitattributes' => "*.txt filter=evil\n" });
            my $marker = "$R->{base}/marker";
            mkdirs("$h/myhooks");
            for my $hook ('pre-commit', 'commit-msg', 'post-commit', 'post-checkout', 'post-index-change') {
                for my $d ("$h/myhooks", "$h/.git/hooks") {
                    PlanningTest::spew("$d/$hook", "#!/bin/sh\necho $hook >> $marker\n");
                    chmod 0755, "$d/$hook";
                }
            }
            git_in($h, 'config', 'core.hooksPath', "$h/myhooks");
            git_in($h, 'config', 'core.fsmonitor', "$h/myhooks/pre-commit");
            git_in($h, 'config', 'filter.evil.clean', "sh -c 'echo clean >> $marker; cat'");
            git_in($h, 'config', 'filter.evil.smudge', "sh -c 'echo smudge >> $marker; cat'");
            git_in($h, 'config', 'filter.evil.process', "$h/myhooks/pre-commit");
            unlink $marker;
            my $HG = $project->($h);
            PlanningTest::spew("$h/f.txt", "f\ng\n");
            system('chown', '-R', '--reference', "$h/.git", "$h/f.txt");
            status_is($get->("$HG/status"), 200, 'status');
            status_is($post->("$HG/stage", { paths => ['f.txt'] }), 200, 'stage');
            status_is($post->("$HG/commit", { message => 'hooked' }), 201, 'commit');
            status_is($post->("$HG/branches", { name => 'b2' }), 201, 'branch');
            status_is($post->("$HG/checkout", { branch => 'b2' }), 200, 'checkout');
            ok(!-e $marker, 'no hook, fsmonitor or filter program ran') or diag(PlanningTest::slurp($marker));
            # the control: the git CLI does run them, so the fixture would show it
            git_in($h, 'config', '--unset', $_) for qw(core.fsmonitor filter.evil.process);   # (the CLI fails on those)
            git_in($h, 'commit', '-q', '--allow-empty', '-m', 'by the CLI');
            like(PlanningTest::slurp($marker), qr/pre-commit/, 'the CLI runs the pre-commit hook');
        };

        $srv->check_links;
        $srv->stop;
    };
}

done_testing();
