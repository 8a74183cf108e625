#!/usr/bin/env perl
# /api/v1/projects: create, get, list, put, patch, delete and their failures.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(sleep);
use POSIX ();
use PlanningTest qw(:all);

PlanningTest::require_build();

my $TS = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
my @SUBLINKS = qw(members chat-defaults analyses snapshots trends schedule);

sub project_shape_ok {
    my ($r, $want, $name) = @_;
    subtest $name => sub {
        my $p = $r->{json};
        is(ref $p, 'HASH', 'JSON object') or return diag_res($r);
        is(json_type($r, 'id'), 'number', 'id is a number');
        like($p->{id} // '', qr/^[1-9]\d*$/, 'id positive integer');
        for my $k (sort keys %$want) {
            is_deeply($p->{$k}, $want->{$k}, "$k") or diag_res($r);
        }
        is($p->{status}, $want->{status} // 'active', 'status') unless exists $want->{status};
        like($p->{created_at} // '', $TS, 'created_at RFC 3339 UTC with ms');
        like($p->{updated_at} // '', $TS, 'updated_at RFC 3339 UTC with ms');
        ok(($p->{updated_at} // '') ge ($p->{created_at} // 'z'), 'updated_at >= created_at');
        my $id = $p->{id} // 0;
        is($p->{_links}{self}{href}, "/api/v1/projects/$id", '_links.self');
        is($p->{_links}{$_}{href}, "/api/v1/projects/$id/$_", "_links.$_") for @SUBLINKS;
        is($p->{_links}{threads}{href}, "/api/v1/threads?project_id=$id", '_links.threads');
        # (a repository_url into an empty directory also links the clone job
        # it queued: t/api/git_remote.t)
        is_deeply([ sort grep { $_ ne 'clone_job' } keys %{ $p->{_links} || {} } ], [ sort 'self', 'threads', @SUBLINKS ],
                  'links only to what this release serves');
    };
}

for my $backend (backends()) {
    subtest $backend => sub {
        my $R = make_roots();
        my $root = $R->{root};
        my $srv = start_server(backend => $backend, roots => [$root]);
        my $n = 0;
        my $create = sub {
            my ($name, %f) = @_;
            $f{local_path} //= project_dir($R, 'd' . ++$n);
            return $srv->json('POST', '/api/v1/projects', { name => $name, %f });
        };
        my $list = sub { $srv->json('GET', '/api/v1/projects' . (@_ ? "?$_[0]" : '')) };

        subtest 'list' => sub {
            my $r = $list->();
            status_is($r, 200, 'empty list => 200');
            is_deeply($r->{json}{items}, [], 'no items');
            is($r->{json}{total}, 0, 'total 0');
            is($r->{json}{limit}, 50, 'default limit 50');
            is($r->{json}{offset}, 0, 'default offset 0');
            ok(defined $r->{json}{_links}{self}{href}, '_links.self');
            ok(!exists $r->{json}{_links}{next} && !exists $r->{json}{_links}{prev}, 'no next/prev');

            my @ids;
            for my $i (1 .. 5) {
                my $c = $create->("list-$i");
                status_is($c, 201, "create list-$i") or next;
                push @ids, $c->{json}{id} // 0;
                sleep 0.01;
            }
            my @desc = reverse @ids;
            $r = $list->('limit=2');
            status_is($r, 200, 'limit=2');
            is_deeply([map { $_->{id} } @{ $r->{json}{items} }], [@desc[0, 1]], 'newest first')
                or diag_res($r);
            is($r->{json}{total}, 5, 'total 5');
            is(json_type($r, 'total'), 'number', 'total is a number');
            is($r->{json}{limit}, 2, 'limit echoed');
            ok($r->{json}{_links}{next}{href}, 'next link on first page') or diag_res($r);
            ok(!exists $r->{json}{_links}{prev}, 'no prev on first page');
            like($r->{json}{items}[0]{_links}{self}{href} // '', qr{^/api/v1/projects/\d+$}, 'items are projects');

            my $next = $r->{json}{_links}{next}{href} // '/none';
            $r = $srv->json('GET', $next);
            status_is($r, 200, "follow next ($next)");
            is_deeply([map { $_->{id} } @{ $r->{json}{items} }], [@desc[2, 3]], 'second page') or diag_res($r);
            is($r->{json}{offset}, 2, 'offset 2');
            ok($r->{json}{_links}{prev}{href} && $r->{json}{_links}{next}{href}, 'prev and next') or diag_res($r);
            my $prev = $r->{json}{_links}{prev}{href} // '/none';
            my $p = $srv->json('GET', $prev);
            is_deeply([map { $_->{id} } @{ $p->{json}{items} || [] }], [@desc[0, 1]], "follow prev ($prev)")
                or diag_res($p);

            $r = $list->('limit=2&offset=4');
            is_deeply([map { $_->{id} } @{ $r->{json}{items} || [] }], [$desc[4]], 'last page') or diag_res($r);
            ok(!exists $r->{json}{_links}{next}, 'no next on last page') or diag_res($r);
            ok($r->{json}{_links}{prev}, 'prev on last page');
            $r = $list->('offset=10');
            status_is($r, 200, 'offset past the end => 200');
            is_deeply($r->{json}{items}, [], 'no items past the end');
            is($r->{json}{total}, 5, 'total still 5');
            status_is($list->('limit=200'), 200, 'limit=200 ok');
            status_is($list->('limit=1'), 200, 'limit=1 ok');

            for my $q (qw(limit=0 limit=201 limit=-1 limit=abc limit=1x limit= offset=-1 offset=x
                          status=deleted status=ACTIVE)) {
                error_is($list->($q), 400, 'VALIDATION_ERROR', "?$q => 400");
            }

            # An update moves a project to the front (updated_at desc).
            sleep 0.02;
            my $u = $srv->json('PATCH', "/api/v1/projects/$ids[0]", { description => 'touched' });
            status_is($u, 200, 'patch oldest');
            $r = $list->('limit=1');
            is($r->{json}{items}[0]{id} // 'none', $ids[0] // 'no id', 'updated project listed first') or diag_res($r);

            my $d = $srv->json('DELETE', "/api/v1/projects/$ids[1]");
            status_is($d, 204, 'DELETE => 204');
            is($d->{content} // '', '', 'no body on 204');
            my $g = $srv->json('GET', "/api/v1/projects/$ids[1]");
            status_is($g, 200, 'deleted project still readable');
            is($g->{json}{status}, 'archived', 'status archived');
            $r = $list->('status=archived');
            is($r->{json}{total}, 1, 'status=archived total 1') or diag_res($r);
            is_deeply([map { $_->{id} } @{ $r->{json}{items} || [] }], [$ids[1]], 'the archived one');
            $r = $list->('status=active');
            is($r->{json}{total}, 4, 'status=active total 4') or diag_res($r);
            ok(!grep({ $_->{status} ne 'active' } @{ $r->{json}{items} || [] }), 'all active');
            is($list->()->{json}{total}, 5, 'all statuses: 5');
            error_is($srv->json('DELETE', '/api/v1/projects/999999'), 404, 'NOT_FOUND', 'DELETE unknown => 404');
        };

        subtest 'create and get' => sub {
            my $dir = project_dir($R, 'full');
            my $c = $create->('Full Project', description => 'A description',
                              local_path => $dir, repository_url => 'https://127.0.0.1:1/o/r.git');
            status_is($c, 201, 'POST => 201');
            my $id = $c->{json}{id} // 0;
            like($c->{headers}{location} // '', qr{^(?:http://[^/]+)?/api/v1/projects/$id$}, 'Location header')
                or diag_res($c);
            like($c->{headers}{'content-type'} // '', qr{^application/json}i, 'content type');
            project_shape_ok($c, { name => 'Full Project', description => 'A description',
                local_path => $dir, repository_url => 'https://127.0.0.1:1/o/r.git', status => 'active' },
                'created project');

            my $g = $srv->json('GET', "/api/v1/projects/$id");
            status_is($g, 200, 'GET by id');
            like(delete $c->{json}{_links}{clone_job}{href} // '', qr{^/api/v1/jobs/\d+$},
                 'a repository_url and an empty directory: the clone job is linked');
            delete $c->{json}{_links}{clone_job};
            is_deeply($g->{json}, $c->{json}, 'GET returns what POST returned (but the clone job)') or diag_res($g);

            my $m = $create->('minimal');
            status_is($m, 201, 'minimal create');
            project_shape_ok($m, { description => '', repository_url => undef, status => 'active' },
                'defaults: description "", repository_url null');
            is(json_type($m, 'repository_url'), 'null', 'repository_url is JSON null');

            for my $bad (qw(999999 0 -1 abc 1.5 1e3 01x), '%20') {
                error_is($srv->json('GET', "/api/v1/projects/$bad"), 404, 'NOT_FOUND', "GET /projects/$bad => 404");
            }
            error_is($srv->json('GET', "/api/v1/projects/$id/unknown"), 404, 'NOT_FOUND', 'sub-path => 404');

            # Symlink to a directory inside the root: stored resolved.
            my $target = project_dir($R, 'real-target');
            symlink($target, "$root/alias") or die "symlink: $!";
            my $s = $create->('via-alias', local_path => "$root/alias");
            status_is($s, 201, 'symlink inside roots accepted');
            is($s->{json}{local_path}, $target, 'local_path stored resolved');
            # (another directory: no two projects share one)
            my $target2 = project_dir($R, 'real-target2');
            my $t = $create->('via-dots', local_path => "$root/d1/../real-target2");
            status_is($t, 201, '.. inside roots accepted');
            is($t->{json}{local_path}, $target2, '.. resolved');
        };

        subtest 'names' => sub {
            error_is($create->(''), 400, 'VALIDATION_ERROR', 'empty name => 400');
            my $e = $create->('x' x 256);
            error_is($e, 400, 'VALIDATION_ERROR', '256 chars => 400');
            is($e->{json}{error}{details}{field}, 'name', 'details.field = name') or diag_res($e);
            status_is($create->('y' x 255), 201, '255 ASCII chars => 201');
            my $mb = 'é' x 254 . '日';    # 255 code points, 511 bytes
            my $r = $create->($mb);
            status_is($r, 201, '255 multi-byte chars => 201');
            is($r->{json}{name}, $mb, 'multi-byte name round-trips');
            error_is($create->('日' x 256), 400, 'VALIDATION_ERROR', '256 multi-byte chars => 400');
            my $emoji = "\x{1F600} rocket \x{1F680}";
            $r = $create->($emoji);
            status_is($r, 201, '4-byte UTF-8 name');
            is($srv->json('GET', "/api/v1/projects/" . ($r->{json}{id} // 0))->{json}{name}, $emoji,
               '4-byte UTF-8 round-trips through the database');

            status_is($create->('dup'), 201, 'dup created');
            error_is($create->('dup'), 409, 'CONFLICT', 'duplicate name => 409');
            my $other = $create->('Dup');
            status_is($other, 201, 'names are case-sensitive');
            my $oid = $other->{json}{id} // 0;
            error_is($srv->json('PATCH', "/api/v1/projects/$oid", { name => 'dup' }), 409, 'CONFLICT',
                     'rename to existing via PATCH => 409');
            error_is($srv->json('PUT', "/api/v1/projects/$oid",
                     { name => 'dup', local_path => $other->{json}{local_path} }), 409, 'CONFLICT',
                     'rename to existing via PUT => 409');
            is($srv->json('GET', "/api/v1/projects/$oid")->{json}{name}, 'Dup', 'name unchanged after 409');
            status_is($srv->json('PATCH', "/api/v1/projects/$oid", { name => 'Dup' }), 200,
                      'PATCH to own name => 200');

            my $d = 'd' x 10000;
            status_is($create->('desc-max', description => $d), 201, 'description 10000 chars');
            error_is($create->('desc-over', description => $d . 'd'), 400, 'VALIDATION_ERROR',
                     'description 10001 chars => 400');
        };

        subtest 'local_path' => sub {
            my %bad = (
                'missing'             => "$root/does-not-exist",
                'a file'              => do { open my $f, '>', "$root/afile"; "$root/afile" },
                'outside roots'       => "$R->{outside}/p",
                'sibling prefix dir'  => "$R->{evil}/p",
                'sibling prefix root' => $R->{evil},
                'symlink outside'     => "$root/link-out",
                'through symlink'     => "$root/link-out/p",
                'dots escape'         => "$root/../outside/p",
                'relative'            => 'roots/d1',
                'dot relative'        => './d1',
                'empty'               => '',
                '/etc'                => '/etc',
                'root dir'            => '/',
            );
            for my $k (sort keys %bad) {
                my $r = $create->("lp-$k", local_path => $bad{$k});
                error_is($r, 400, 'VALIDATION_ERROR', "local_path $k => 400");
                is($r->{json}{error}{details}{field}, 'local_path', "details.field = local_path ($k)")
                    or diag_res($r);
            }
            error_is($srv->json('POST', '/api/v1/projects', { name => 'no-path' }), 400, 'VALIDATION_ERROR',
                     'missing local_path => 400');
            status_is($create->('trailing-slash', local_path => project_dir($R, 'ts') . '/'), 201,
                      'trailing slash accepted');
        };

        subtest 'repository_url' => sub {
            # (loopback, a closed port: each queues a clone into its empty
            # directory, which must fail at once rather than reach out)
            my @good = ('https://127.0.0.1:1/owner/repo.git', 'ssh://git@127.0.0.1:1/r.git',
                        'git@127.0.0.1:owner/repo.git', 'https://127.0.0.1:1/' . ('a' x 2000));
            my $i = 0;
            for my $u (@good) {
                my $r = $create->('url-good-' . ++$i, repository_url => $u);
                status_is($r, 201, "good url $u");
                is($r->{json}{repository_url}, $u, 'stored as given');
            }
            status_is($create->('url-null', repository_url => undef), 201, 'null url');
            my @bad = ('file:///etc/passwd', '-oProxyCommand=touch /tmp/pwned', '-oProxyCommand',
                       'https://exa mple.com/r.git', "https://example.com/r\n.git", "https://example.com/\tx",
                       'ext::sh -c touch% /tmp/pwned', '--upload-pack=touch /tmp/pwned', 'gopher://x/',
                       'http://example.com/r.git', '', 'https://example.com/' . ('a' x 2030), 'not a url');
            for my $u (@bad) {
                my $r = $create->('url-bad-' . ++$i, repository_url => $u);
                (my $show = $u) =~ s/([\x00-\x1f])/sprintf '\\x%02x', ord $1/ge;
                $show = substr($show, 0, 40) . '...' if length $show > 40;
                error_is($r, 400, 'VALIDATION_ERROR', "bad url '$show' => 400");
                is($r->{json}{error}{details}{field}, 'repository_url', 'details.field') or diag_res($r);
            }
        };

        subtest 'types and unknown fields' => sub {
            my $dir = project_dir($R, 'types');
            my @cases = (
                [{ name => 'u', local_path => $dir, bogus => 1 }, 'unknown field'],
                [{ name => 'u', local_path => $dir, id => 5 }, 'id is not writable'],
                [{ name => 'u', local_path => $dir, created_at => '2020-01-01T00:00:00.000Z' }, 'created_at'],
                [{ name => 123, local_path => $dir }, 'name number'],
                [{ name => undef, local_path => $dir }, 'name null'],
                [{ name => ['a'], local_path => $dir }, 'name array'],
                [{ name => { a => 1 }, local_path => $dir }, 'name object'],
                [{ name => JSON::PP::true, local_path => $dir }, 'name bool'],
                [{ name => 'u', local_path => 5 }, 'local_path number'],
                [{ name => 'u', local_path => [$dir] }, 'local_path array'],
                [{ name => 'u', local_path => undef }, 'local_path null'],
                [{ name => 'u', local_path => $dir, description => 5 }, 'description number'],
                [{ name => 'u', local_path => $dir, description => undef }, 'description null'],
                [{ name => 'u', local_path => $dir, repository_url => 1 }, 'repository_url number'],
                [{ name => 'u', local_path => $dir, repository_url => JSON::PP::false }, 'repository_url bool'],
                [{ name => 'u', local_path => $dir, status => 'deleted' }, 'status value'],
                [{ name => 'u', local_path => $dir, status => 1 }, 'status number'],
                [{}, 'empty object'],
            );
            my $before = $list->()->{json}{total};
            for my $c (@cases) {
                error_is($srv->json('POST', '/api/v1/projects', $c->[0]), 400, 'VALIDATION_ERROR',
                         "POST $c->[1] => 400");
            }
            my $after = $list->()->{json}{total};
            ok(defined $before && defined $after && $after == $before, 'no row created by rejected POSTs')
                or diag('total before ' . ($before // 'undef') . ', after ' . ($after // 'undef'));
        };

        subtest 'put' => sub {
            my $c = $create->('put-me', description => 'd', repository_url => 'git@h:r.git');
            my $id = $c->{json}{id} // 0;
            my $dir = project_dir($R, 'put-new');
            sleep 0.01;
            my $r = $srv->json('PUT', "/api/v1/projects/$id", { name => 'put-renamed', local_path => $dir });
            status_is($r, 200, 'PUT => 200');
            project_shape_ok($r, { id => $id, name => 'put-renamed', local_path => $dir, description => '',
                                   repository_url => undef, status => 'active' }, 'PUT replaces, defaults applied');
            is($r->{json}{created_at}, $c->{json}{created_at}, 'created_at kept');
            ok(($r->{json}{updated_at} // '') gt ($c->{json}{updated_at} // 'z'), 'updated_at advanced')
                or diag_res($r);
            is_deeply($srv->json('GET', "/api/v1/projects/$id")->{json}, $r->{json}, 'GET matches PUT');
            $r = $srv->json('PUT', "/api/v1/projects/$id",
                            { name => 'put-renamed', local_path => $dir, status => 'archived',
                              description => 'x', repository_url => 'https://h/r' });
            status_is($r, 200, 'PUT with every field');
            is($r->{json}{status}, 'archived', 'status set by PUT');
            error_is($srv->json('PUT', "/api/v1/projects/$id", { local_path => $dir }), 400,
                     'VALIDATION_ERROR', 'PUT without name => 400');
            error_is($srv->json('PUT', "/api/v1/projects/$id", { name => 'put-x' }), 400,
                     'VALIDATION_ERROR', 'PUT without local_path => 400');
            error_is($srv->json('PUT', "/api/v1/projects/$id", { name => 'put-x', local_path => $R->{outside} }),
                     400, 'VALIDATION_ERROR', 'PUT local_path outside => 400');
            error_is($srv->json('PUT', "/api/v1/projects/$id", { name => 'put-x', local_path => $dir, x => 1 }),
                     400, 'VALIDATION_ERROR', 'PUT unknown field => 400');
            is($srv->json('GET', "/api/v1/projects/$id")->{json}{name}, 'put-renamed', 'unchanged after 400s');
            error_is($srv->json('PUT', '/api/v1/projects/999999', { name => 'put-y', local_path => $dir }),
                     404, 'NOT_FOUND', 'PUT unknown id => 404');
            error_is($srv->json('PUT', '/api/v1/projects/abc', { name => 'put-y', local_path => $dir }),
                     404, 'NOT_FOUND', 'PUT non-numeric id => 404');
        };

        subtest 'patch' => sub {
            my $c = $create->('patch-me', description => 'd', repository_url => 'https://h/r.git');
            my $id = $c->{json}{id} // 0;
            my $path = "/api/v1/projects/$id";
            sleep 0.01;
            my $r = $srv->json('PATCH', $path, { description => 'new' });
            status_is($r, 200, 'PATCH description');
            is($r->{json}{description}, 'new', 'description changed');
            is($r->{json}{name}, 'patch-me', 'name kept');
            is($r->{json}{repository_url}, 'https://h/r.git', 'url kept');
            ok(($r->{json}{updated_at} // '') gt ($c->{json}{updated_at} // 'z'), 'updated_at advanced');
            $r = $srv->json('PATCH', $path, { repository_url => undef });
            status_is($r, 200, 'PATCH repository_url null');
            is(json_type($r, 'repository_url'), 'null', 'repository_url cleared');
            is(json_type($srv->json('GET', $path), 'repository_url'), 'null', 'cleared in storage');
            my $dir = project_dir($R, 'patch-new');
            $r = $srv->json('PATCH', $path, { name => 'patched', local_path => $dir,
                                              repository_url => 'git@h:o/r.git' });
            status_is($r, 200, 'PATCH several fields');
            is_deeply([@{ $r->{json} }{qw(name local_path repository_url description)}],
                      ['patched', $dir, 'git@h:o/r.git', 'new'], 'fields changed, others kept') or diag_res($r);
            $r = $srv->json('PATCH', $path, { status => 'archived' });
            is($r->{json}{status}, 'archived', 'PATCH status archived') or diag_res($r);
            $r = $srv->json('PATCH', $path, { status => 'active' });
            is($r->{json}{status}, 'active', 'PATCH status active again') or diag_res($r);
            $r = $srv->json('PATCH', $path, { description => 'merge' }, { 'Content-Type' => 'application/merge-patch+json' });
            status_is($r, 200, 'application/merge-patch+json accepted');
            for my $bad ([{ name => '' }, 'empty name'], [{ name => undef }, 'null name'],
                         [{ local_path => undef }, 'null local_path'], [{ local_path => $R->{outside} }, 'path outside'],
                         [{ repository_url => 'file:///x' }, 'bad url'], [{ status => 'gone' }, 'bad status'],
                         [{ bogus => 1 }, 'unknown field'], [{ description => [] }, 'description array']) {
                error_is($srv->json('PATCH', $path, $bad->[0]), 400, 'VALIDATION_ERROR', "PATCH $bad->[1] => 400");
            }
            is($srv->json('GET', $path)->{json}{description}, 'merge', 'unchanged after 400s');
            error_is($srv->json('PATCH', '/api/v1/projects/999999', { description => 'x' }), 404, 'NOT_FOUND',
                     'PATCH unknown id => 404');
            error_is($srv->json('PATCH', '/api/v1/projects/x1', { description => 'x' }), 404, 'NOT_FOUND',
                     'PATCH non-numeric id => 404');
        };

        subtest 'concurrent duplicate creates' => sub {
            my $dir = project_dir($R, 'race');
            my @kids;
            for my $i (1 .. 8) {
                pipe(my $rd, my $wr) or die "pipe: $!";
                my $pid = fork // die "fork: $!";
                if (!$pid) {
                    close $rd;
                    my $r = $srv->json('POST', '/api/v1/projects', { name => 'race', local_path => $dir });
                    print $wr "$r->{status} " . ($r->{json}{error}{code} // '') . "\n";
                    close $wr;
                    POSIX::_exit(0);
                }
                close $wr;
                push @kids, [$pid, $rd];
            }
            my @res;
            for my $k (@kids) { my $fh = $k->[1]; my $l = <$fh> // "none\n"; chomp $l; push @res, $l; waitpid $k->[0], 0 }
            my %n;
            $n{$_}++ for @res;
            is($n{'201 '} // 0, 1, 'exactly one 201') or diag("@res");
            is($n{'409 CONFLICT'} // 0, 7, 'the other seven 409 CONFLICT') or diag("@res");
            my $l = $list->('limit=200');
            is(scalar(grep { $_->{name} eq 'race' } @{ $l->{json}{items} || [] }), 1, 'one row named race');
        };

        subtest 'delete' => sub {
            my $c = $create->('delete-me');
            my $id = $c->{json}{id} // 0;
            status_is($srv->json('DELETE', "/api/v1/projects/$id"), 204, 'DELETE => 204');
            my $g = $srv->json('GET', "/api/v1/projects/$id");
            is($g->{json}{status}, 'archived', 'GET shows archived') or diag_res($g);
            is($g->{json}{name}, 'delete-me', 'row kept');
            error_is($srv->json('DELETE', '/api/v1/projects/abc'), 404, 'NOT_FOUND', 'DELETE non-numeric => 404');
        };

        # Every link leads somewhere: the harness kept each _links entry of
        # the replies above and fetches them all (stop would too).
        subtest 'every link leads somewhere' => sub {
            my $p = $create->('linked')->{json} || {};
            my %rels = map { ($_ => 1) } keys %{ $p->{_links} || {} };
            ok($rels{members} && $rels{'chat-defaults'} && $rels{threads}, 'a project links its sub-resources');
            cmp_ok($srv->links_seen, '>=', 4 * 2, 'the replies of this file gave links');
            my $token = "Bearer $srv->{token}";
            my ($n, undef, undef, @bad) = $srv->link_problems(map { { href => "/api/v1/projects/$p->{id}/$_", auth => $token,
                                                               from => 'a probe' } } qw(plan no-such-resource));
            is(scalar @bad, 2, 'a link to a route this release does not serve would be caught') or diag explain \@bad;
            cmp_ok($srv->check_links, '>=', 8, 'every link seen was fetched');
        };
        $srv->stop;
    };
}

done_testing;
