#!/usr/bin/env perl
# A project's directory (issue 10, items 6 and 7): local_path reveals nothing
# outside PlanningProjectRoots (a file, a missing path, an unreadable
# directory, a directory outside, a symlink out: one status and one message,
# so a reply cannot be used to probe the filesystem); a project lies strictly
# below a root, never on it; and no two projects share or nest directories,
# whoever owns them and archived or not, however the path is written.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

sub bearer { { Authorization => "Bearer $_[0]" } }

for my $backend (backends()) {
    subtest $backend => sub {
        my $R = make_roots();
        my $root = $R->{root};
        my $srv = start_server(backend => $backend, roots => [$root], extra => 'PlanningLoginRateLimit 0');
        my (undef, $alice) = $srv->add_user('alice', 'developer');
        my (undef, $bob) = $srv->add_user('bob', 'developer');
        my $n = 0;
        my $create = sub {
            my ($token, $path, $name) = @_;
            return $srv->json('POST', '/api/v1/projects', { name => $name // 'p' . ++$n, local_path => $path },
                              bearer($token));
        };

        subtest 'outside the roots: one answer for everything' => sub {
            # a directory the children (www-data) cannot enter
            mkdirs("$R->{base}/locked/inner");
            chmod 0700, "$R->{base}/locked";
            my %outside = (
                'a file'                    => '/etc/passwd',
                'a missing path'            => '/nonexistent-pl-dir/x',
                'a missing path in a file'  => '/etc/passwd/x',
                'an unreadable directory'   => "$R->{base}/locked/inner",
                'a directory outside'       => $R->{outside},
                'the parent of the roots'   => $R->{base},
                'a sibling with the prefix' => "$R->{evil}/p",
                'a symlink out of the roots' => "$root/link-out",
                'through that symlink'      => "$root/link-out/p",
                'missing beyond that symlink' => "$root/link-out/nope",
                'dots out of the roots'     => "$root/../outside/p",
                'a root itself'             => $root,
                'a root with dots'          => "$root/x/..",
                '/'                         => '/',
                'a missing path inside'     => "$root/not-there",
            );
            my $ref;
            for my $k (sort keys %outside) {
                my $r = $create->($alice, $outside{$k}, 'probe');
                error_is($r, 400, 'VALIDATION_ERROR', "$k => 400");
                is($r->{json}{error}{details}{field}, 'local_path', "$k: the field is local_path");
                unlike($r->{content}, qr/\Q$R->{base}\E|passwd|nonexistent/, "$k: no path echoed");
                $ref //= $r;
                is(body_sans_id($r), body_sans_id($ref), "$k: the same body as every other")
                    or diag_res($r);
            }
            like($ref->{json}{error}{message} // '', qr/PlanningProjectRoots/,
                 'the message says where projects may be');
        };

        subtest 'no two projects share or nest a directory' => sub {
            my $a = $create->($alice, project_dir($R, 'outer/inner'));
            status_is($a, 201, "alice's project in outer/inner");
            my $aid = $a->{json}{id};
            for my $case (['the same directory', "$root/outer/inner"],
                          ['the same through dots', "$root/outer/inner/../inner/."],
                          ['a directory inside it', project_dir($R, 'outer/inner/sub')],
                          ['the directory around it', "$root/outer"]) {
                my $r = $create->($bob, $case->[1], 'bobs');
                error_is($r, 409, 'CONFLICT', "bob, $case->[0] => 409");
                is($r->{json}{error}{details}{field}, 'local_path', "$case->[0]: the field is local_path");
                unlike($r->{content}, qr/p1|alice/, "$case->[0]: alice's project is not named");
            }
            # a sibling with the same prefix is another directory
            status_is($create->($bob, project_dir($R, 'outer/inner2'), 'bobs'), 201, 'outer/inner2 is free');

            # archived projects keep their directory: they can come back
            status_is($srv->request('DELETE', "/api/v1/projects/$aid"), 204, "alice's project archived");
            error_is($create->($bob, "$root/outer/inner", 'bobs2'), 409, 'CONFLICT',
                     'an archived project still holds its directory');

            # moving a project onto, into or around another's is refused too
            my $b = $create->($bob, project_dir($R, 'bob-own'), 'bob-own');
            status_is($b, 201, "bob's second project");
            my $bid = $b->{json}{id};
            for my $to ("$root/outer/inner", "$root/outer/inner/sub", "$root/outer") {
                error_is($srv->json('PATCH', "/api/v1/projects/$bid", { local_path => $to }, bearer($bob)),
                         409, 'CONFLICT', "PATCH onto $to => 409");
            }
            error_is($srv->json('PUT', "/api/v1/projects/$bid",
                                { name => 'bob-own', local_path => "$root/outer/inner" }, bearer($bob)),
                     409, 'CONFLICT', 'PUT onto it => 409');
            is($srv->request('GET', "/api/v1/projects/$bid", bearer($bob))->{json}{local_path},
               "$root/bob-own", 'the path is unchanged');
            # its own directory never blocks its other changes
            status_is($srv->json('PATCH', "/api/v1/projects/$bid", { name => 'bob-renamed' }, bearer($bob)),
                      200, 'a rename keeps the path');
            status_is($srv->json('PATCH', "/api/v1/projects/$bid", { local_path => "$root/bob-own/" },
                                 bearer($bob)), 200, 'the same path written again');
            status_is($srv->json('PATCH', "/api/v1/projects/$bid", { local_path => project_dir($R, 'bob-moved') },
                                 bearer($bob)), 200, 'a move to a free directory');
        };
        $srv->stop;
    };
}

done_testing;
