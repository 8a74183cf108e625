#!/usr/bin/env perl
# The plan on the server, with versions (issue 13, item 4): GET and PUT
# /projects/{id}/plan with ETag / If-Match (412 stale, 428 missing,
# If-None-Match: * creates), every save a version (list, one, diff,
# restore), a change made on disk picked up as a version with no author
# (on read and when an analysis starts), a plan over the cap refused with
# nothing written, a plan that does not parse saved with its issues, a plan
# file that is a symlink out of the checkout refused, unknown fields 400,
# and who may read and write.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Digest::SHA qw(sha256_hex);
use POSIX ();
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $CLI = $PlanningTest::CLI;
my $CAP = 2 * 1024 * 1024;

sub bearer { { Authorization => "Bearer $_[0]" } }
sub etag { '"' . sha256_hex($_[0]) . '"' }
sub items { @{ (($_[0] || {})->{json} || {})->{items} || [] } }

sub put_plan {
    my ($srv, $path, $body, %h) = @_;
    return $srv->json('PUT', $path, $body, \%h);
}

my $PLAN1 = <<'MD';
# Shop plan

## Primary objectives

### AUTH-001 User login
- [x] Hash passwords
- [ ] Lock out after five failures
MD

(my $PLAN2 = $PLAN1) =~ s/- \[ \] Lock out/- [x] Lock out/;
my $PLAN_DISK = $PLAN2 . "\n### CART-001 Cart\n- [ ] Add an item\n";

for my $backend (backends()) {
    subtest "$backend: the plan with versions" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningMaxBodySize 6291456\n"
                                      . "PlanningAnalyzer $CLI");
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my ($viewer_id, $viewer) = $srv->add_user('viewer', 'developer');
        # checkouts the server's user may write (httpd runs as another user)
        my $dir = project_dir($R, 'shop');
        chmod 0777, $dir;
        my $file = "$dir/MASTER_PLAN.md";
        my $p = $srv->json('POST', '/api/v1/projects', { name => 'shop', local_path => $dir }, bearer($dev));
        status_is($p, 201, 'a project without a plan');
        my $pid = $p->{json}{id};
        my $base = "/api/v1/projects/$pid/plan";
        status_is($srv->json('PUT', "/api/v1/projects/$pid/members/$viewer_id", { role => 'viewer' }),
                  200, 'a viewer member');
        ok(!exists $p->{json}{_links}{plan}, 'no plan link: a project need not have a plan');

        error_is($srv->request('GET', $base, bearer($dev)), 404, 'PLAN_NOT_FOUND', 'no plan file: 404');
        my $l = $srv->request('GET', "$base/versions", bearer($dev));
        status_is($l, 200, 'the versions of no plan');
        is($l->{json}{total}, 0, '... none');

        # create
        error_is(put_plan($srv, $base, { markdown => $PLAN1 }, %{ bearer($dev) }), 428,
                 'PRECONDITION_REQUIRED', 'a write without If-Match: 428');
        ok(!-e $file, '... nothing written');
        error_is(put_plan($srv, $base, { markdown => $PLAN1 }, %{ bearer($dev) }, 'If-Match' => etag('x')),
                 412, 'PRECONDITION_FAILED', 'If-Match on no plan: 412');
        my $c = put_plan($srv, $base, { markdown => $PLAN1, message => 'first' }, %{ bearer($dev) },
                         'If-None-Match' => '*');
        status_is($c, 201, 'If-None-Match: * creates the plan');
        is(PlanningTest::slurp($file), $PLAN1, '... the file holds it');
        is($c->{headers}{etag}, etag($PLAN1), '... ETag: the SHA-256 of its bytes');
        is($c->{json}{version}, 1, '... version 1');
        is($c->{json}{path}, 'MASTER_PLAN.md', '... at the root');
        is($c->{json}{objectives}[0]{id}, 'AUTH-001', '... parsed');
        my @left = grep { /\.tmp\./ } glob("$dir/*");
        is(scalar @left, 0, '... no temporary file left');
        error_is(put_plan($srv, $base, { markdown => $PLAN2 }, %{ bearer($dev) }, 'If-None-Match' => '*'),
                 412, 'PRECONDITION_FAILED', 'If-None-Match: * over an existing plan: 412');

        # read
        my $g = $srv->request('GET', $base, bearer($viewer));
        status_is($g, 200, 'a viewer reads the plan');
        is($g->{json}{markdown}, $PLAN1, '... its Markdown');
        is($g->{headers}{etag}, etag($PLAN1), '... ETag header');
        is($g->{json}{etag}, etag($PLAN1), '... and in the body');
        is(ref $g->{json}{issues}, 'ARRAY', '... its validation issues');
        is($g->{json}{version}, 1, '... still version 1: reading records nothing new');
        is($srv->request('GET', $base, { %{ bearer($viewer) }, 'If-None-Match' => etag($PLAN1) })->{status}, 304,
           'If-None-Match with its ETag: 304');

        # write
        my $stale = put_plan($srv, $base, { markdown => $PLAN2 }, %{ bearer($dev) }, 'If-Match' => etag('old'));
        error_is($stale, 412, 'PRECONDITION_FAILED', 'a stale ETag: 412');
        is(PlanningTest::slurp($file), $PLAN1, '... the file unchanged');
        error_is(put_plan($srv, $base, { markdown => $PLAN2 }, %{ bearer($viewer) }, 'If-Match' => etag($PLAN1)),
                 403, 'FORBIDDEN', 'a viewer may not write');
        my $w = put_plan($srv, $base, { markdown => $PLAN2, message => 'lockout done' }, %{ bearer($dev) },
                         'If-Match' => etag($PLAN1));
        status_is($w, 200, 'a write with the current ETag');
        is($w->{json}{version}, 2, '... version 2');
        is($w->{headers}{etag}, etag($PLAN2), '... the new ETag');
        is(PlanningTest::slurp($file), $PLAN2, '... on disk');

        # bad input
        error_is(put_plan($srv, $base, { markdown => $PLAN2, colour => 'red' }, %{ bearer($dev) },
                          'If-Match' => etag($PLAN2)), 400, 'VALIDATION_ERROR', 'an unknown field: 400');
        error_is(put_plan($srv, $base, { message => 'no text' }, %{ bearer($dev) }, 'If-Match' => etag($PLAN2)),
                 400, 'VALIDATION_ERROR', 'no markdown: 400');
        error_is(put_plan($srv, $base, { markdown => $PLAN2, message => 7 }, %{ bearer($dev) },
                          'If-Match' => etag($PLAN2)), 400, 'VALIDATION_ERROR', 'a message not a string: 400');
        my $big = "# Big\n" . ('x' x ($CAP + 1 - 6));
        error_is(put_plan($srv, $base, { markdown => $big }, %{ bearer($dev) }, 'If-Match' => etag($PLAN2)),
                 413, 'PLAN_TOO_LARGE', 'a plan over 2 MB: 413');
        is(PlanningTest::slurp($file), $PLAN2, '... the file unchanged');
        is($srv->request('GET', "$base/versions", bearer($dev))->{json}{total}, 2, '... no version');

        # a plan that does not parse is the user's file all the same
        my $odd = "just some notes, no objectives\n";
        my $o = put_plan($srv, $base, { markdown => $odd, message => 'notes' }, %{ bearer($dev) },
                         'If-Match' => etag($PLAN2));
        status_is($o, 200, 'a plan with no objectives saves');
        ok((grep { $_->{code} eq 'no_objectives' && $_->{line} } @{ $o->{json}{issues} }),
           '... and reports its issues with lines') or diag explain $o->{json}{issues};
        is(PlanningTest::slurp($file), $odd, '... on disk');
        is($o->{json}{version}, 3, '... version 3');

        # a change on disk is a version with no author, once
        PlanningTest::spew($file, $PLAN_DISK);
        $g = $srv->request('GET', $base, bearer($viewer));
        is($g->{json}{version}, 4, 'a change made on disk: a new version on read');
        is($g->{json}{markdown}, $PLAN_DISK, '... the file as it is');
        is($srv->request('GET', $base, bearer($viewer))->{json}{version}, 4, '... recorded once');
        my @v = items($srv->request('GET', "$base/versions", bearer($viewer)));
        is_deeply([map { $_->{n} } @v], [4, 3, 2, 1], 'the versions, newest first');
        is($v[0]{author}, undef, '... the change on disk has no author');
        is($v[1]{author}{username}, 'dev', '... a save has its author');
        is($v[2]{message}, 'lockout done', '... and its message');
        ok(!exists $v[0]{markdown}, '... the list leaves the Markdown out');
        is($v[0]{hash}, sha256_hex($PLAN_DISK), '... the hash of the bytes');
        my @page = items($srv->request('GET', "$base/versions?limit=2&offset=1", bearer($viewer)));
        is_deeply([map { $_->{n} } @page], [3, 2], '... paged');
        error_is($srv->request('GET', "$base/versions?limit=0", bearer($viewer)), 400, 'VALIDATION_ERROR',
                 '... limit out of range: 400');
        my $one = $srv->request('GET', "$base/versions/1", bearer($viewer));
        status_is($one, 200, 'one version');
        is($one->{json}{markdown}, $PLAN1, '... with its Markdown');
        error_is($srv->request('GET', "$base/versions/99", bearer($viewer)), 404, 'NOT_FOUND',
                 'a version that is not: 404');

        # diff
        my $d = $srv->request('GET', "$base/diff?from=1&to=2", bearer($viewer));
        status_is($d, 200, 'a diff');
        like($d->{json}{diff}, qr/^--- a\/MASTER_PLAN\.md\n\+\+\+ b\/MASTER_PLAN\.md\n@@ /, '... unified');
        like($d->{json}{diff}, qr/^-- \[ \] Lock out after five failures$/m, '... the line removed');
        like($d->{json}{diff}, qr/^\+- \[x\] Lock out after five failures$/m, '... the line added');
        my $t = $srv->request('GET', "$base/diff?from=1&to=2&format=text", bearer($viewer));
        status_is($t, 200, 'the diff as text');
        like($t->{headers}{'content-type'}, qr{^text/x-diff}, '... text/x-diff');
        is($t->{content}, $d->{json}{diff}, '... the same diff');
        is($srv->request('GET', "$base/diff?from=2&to=2", bearer($viewer))->{json}{diff}, '',
           'a version against itself: no diff');
        error_is($srv->request('GET', "$base/diff?from=1", bearer($viewer)), 400, 'VALIDATION_ERROR',
                 'no to: 400');
        error_is($srv->request('GET', "$base/diff?from=1&to=x", bearer($viewer)), 400, 'VALIDATION_ERROR',
                 'to not a number: 400');
        error_is($srv->request('GET', "$base/diff?from=1&to=2&context=9", bearer($viewer)), 400,
                 'VALIDATION_ERROR', 'an unknown parameter: 400');
        error_is($srv->request('GET', "$base/diff?from=1&to=99", bearer($viewer)), 404, 'NOT_FOUND',
                 'a version that is not: 404');

        # restore
        error_is($srv->request('POST', "$base/versions/1/restore", bearer($viewer)), 403, 'FORBIDDEN',
                 'a viewer may not restore');
        error_is($srv->request('POST', "$base/versions/1/restore", { %{ bearer($dev) }, 'If-Match' => etag($PLAN1) }),
                 412, 'PRECONDITION_FAILED', 'a restore with a stale If-Match: 412');
        my $rs = $srv->request('POST', "$base/versions/1/restore", bearer($dev));
        status_is($rs, 200, 'a restore (If-Match optional)');
        is($rs->{json}{version}, 5, '... a new version');
        is(PlanningTest::slurp($file), $PLAN1, '... the old text on disk');
        my $v5 = $srv->request('GET', "$base/versions/5", bearer($dev))->{json};
        is($v5->{restored_from}, 1, '... restored from 1');
        is($v5->{author}{username}, 'dev', '... by its author');

        # keys: a read key reads, a write key writes
        my $rkey = $srv->json('POST', '/api/v1/auth/keys', { name => 'r', scopes => ['read'] }, bearer($dev))
                       ->{json}{key};
        my $wkey = $srv->json('POST', '/api/v1/auth/keys', { name => 'w', scopes => ['read', 'write'] },
                              bearer($dev))->{json}{key};
        status_is($srv->request('GET', $base, bearer($rkey)), 200, 'a read key reads');
        error_is(put_plan($srv, $base, { markdown => $PLAN2 }, %{ bearer($rkey) }, 'If-Match' => etag($PLAN1)),
                 403, 'FORBIDDEN', '... and may not write');
        status_is(put_plan($srv, $base, { markdown => $PLAN2 }, %{ bearer($wkey) }, 'If-Match' => etag($PLAN1)),
                  200, 'a write key writes');
        my $other = $srv->json('POST', '/api/v1/projects', { name => 'other', local_path => project_dir($R, 'other') },
                               bearer($dev));
        my $okey = $srv->json('POST', '/api/v1/auth/keys', { name => 'o', scopes => ['read', 'write'],
                                                            project_id => $other->{json}{id} }, bearer($dev))->{json}{key};
        error_is($srv->request('GET', $base, bearer($okey)), 403, 'FORBIDDEN',
                 "a key limited to another project: 403 on this one's plan (as on its analyses)");
        error_is($srv->request('GET', "$base/versions", bearer($okey)), 403, 'FORBIDDEN', '... and its versions');
        error_is(put_plan($srv, $base, { markdown => $PLAN1 }, %{ bearer($okey) }, 'If-Match' => etag($PLAN2)),
                 403, 'FORBIDDEN', '... and may not write it');
        error_is($srv->request('GET', "/api/v1/projects/$other->{json}{id}/plan", bearer($okey)), 404,
                 'PLAN_NOT_FOUND', '... and reaches its own project');

        # an analysis started notices a change on disk first
        PlanningTest::spew($file, $PLAN1);
        my $an = $srv->json('POST', "/api/v1/projects/$pid/analyze", {}, bearer($dev));
        ok($an->{status} == 202 || $an->{status} == 200, 'an analysis starts') or diag explain $an;
        my @after = items($srv->request('GET', "$base/versions?limit=1", bearer($dev)));
        is($after[0]{n}, 7, '... the plan changed on disk became version 7 first');
        is($after[0]{author}, undef, '... with no author');

        # two saves with the same ETag at once: one wins, the other is stale
        my $before = $srv->request('GET', $base, bearer($dev))->{json}{version};
        for my $round (1 .. 3) {
            my $tag = $srv->request('GET', $base, bearer($dev))->{headers}{etag};
            my @kids;
            for my $n (1 .. 2) {
                my $kid = fork // die "fork: $!";
                if (!$kid) {
                    my $r = put_plan($srv, $base, { markdown => "$PLAN2\n<!-- round $round, writer $n -->\n" },
                                     %{ bearer($dev) }, 'If-Match' => $tag);
                    POSIX::_exit($r->{status} == 200 ? 0 : $r->{status} == 412 ? 1 : 2);
                }
                push @kids, $kid;
            }
            my @codes = map { waitpid($_, 0); $? >> 8 } @kids;
            is_deeply([sort @codes], [0, 1], "round $round: one save passes, the other gets 412");
        }
        is($srv->request('GET', $base, bearer($dev))->{json}{version}, $before + 3,
           '... three versions more, one per round');

        # the plan file a symlink out of the checkout
        my $dir2 = project_dir($R, 'escape');
        chmod 0777, $dir2, $R->{outside};
        PlanningTest::spew("$R->{outside}/plan.md", "# Outside\n");
        chmod 0666, "$R->{outside}/plan.md";   # only the confinement stands in the way
        symlink("$R->{outside}/plan.md", "$dir2/MASTER_PLAN.md") or die "symlink: $!";
        my $p2 = $srv->json('POST', '/api/v1/projects', { name => 'escape', local_path => $dir2 }, bearer($dev));
        status_is($p2, 201, 'a project whose plan is a symlink out');
        my $base2 = "/api/v1/projects/$p2->{json}{id}/plan";
        error_is($srv->request('GET', $base2, bearer($dev)), 403, 'PLAN_UNSAFE', '... not read');
        error_is(put_plan($srv, $base2, { markdown => "# Mine\n" }, %{ bearer($dev) }, 'If-None-Match' => '*'),
                 403, 'PLAN_UNSAFE', '... not written (create)');
        error_is(put_plan($srv, $base2, { markdown => "# Mine\n" }, %{ bearer($dev) }, 'If-Match' => etag("# Outside\n")),
                 403, 'PLAN_UNSAFE', '... not written (update)');
        is(PlanningTest::slurp("$R->{outside}/plan.md"), "# Outside\n", '... the file outside unchanged');
        ok(-l "$dir2/MASTER_PLAN.md", '... the link left as it was');
        is($srv->request('GET', "$base2/versions", bearer($dev))->{json}{total}, 0, '... no version');

        # a checkout the server's user may not write (httpd runs as another user than root)
        SKIP: {
            skip 'the tests do not run as root', 4 unless $> == 0;
            my $dir4 = project_dir($R, 'readonly');
            PlanningTest::spew("$dir4/MASTER_PLAN.md", $PLAN1);
            my $p4 = $srv->json('POST', '/api/v1/projects', { name => 'readonly', local_path => $dir4 }, bearer($dev));
            my $base4 = "/api/v1/projects/$p4->{json}{id}/plan";
            error_is(put_plan($srv, $base4, { markdown => $PLAN2 }, %{ bearer($dev) }, 'If-Match' => etag($PLAN1)),
                     409, 'PLAN_NOT_WRITABLE', 'a checkout the server may not write: 409');
            is(PlanningTest::slurp("$dir4/MASTER_PLAN.md"), $PLAN1, '... the file unchanged');
            is($srv->request('GET', "$base4/versions", bearer($dev))->{json}{total}, 1, '... only the version read');
            is(scalar(grep { /\.tmp\./ } glob("$dir4/*")), 0, '... no temporary file');
        }

        # a plan named in another case is found and written in place
        my $dir3 = project_dir($R, 'cased');
        chmod 0777, $dir3;
        PlanningTest::spew("$dir3/Master_Plan.md", $PLAN1);
        my $p3 = $srv->json('POST', '/api/v1/projects', { name => 'cased', local_path => $dir3 }, bearer($dev));
        my $base3 = "/api/v1/projects/$p3->{json}{id}/plan";
        is($srv->request('GET', $base3, bearer($dev))->{json}{path}, 'Master_Plan.md', 'a plan in another case');
        status_is(put_plan($srv, $base3, { markdown => $PLAN2 }, %{ bearer($dev) }, 'If-Match' => etag($PLAN1)),
                  200, '... written');
        is(PlanningTest::slurp("$dir3/Master_Plan.md"), $PLAN2, '... in place');
        ok(!-e "$dir3/MASTER_PLAN.md", '... no second file');

        $srv->stop;
    };
}

done_testing();
