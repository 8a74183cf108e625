#!/usr/bin/env perl
# Single-line fields and what the audit log keeps (issue 10, item 14):
# thread titles (created, renamed, imported), thread models, project,
# server and prompt names all refuse control characters (C0, DEL, C1) and
# line or paragraph separators, through one validator; a failed login's user
# name, any length the body allows, is kept in the audit log cut to 64 bytes
# on a character boundary (MariaDB refused the row before: the attempt went
# unrecorded).
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

my @BREAKS = ("a\nb", "a\rb", "a\tb", "a\x{1b}[31mb", "a\x{7f}b", "a\x{85}b", "a\x{9b}b",
              "a\x{2028}b", "a\x{2029}b");

sub shown { my $s = shift; $s =~ s/([^\x20-\x7e])/sprintf('\\x{%x}', ord $1)/ge; $s }

for my $backend (backends()) {
    subtest $backend => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}], extra => 'PlanningLoginRateLimit 0');

        my $t = $srv->json('POST', '/api/v1/threads', { title => 'plain' });
        status_is($t, 201, 'a thread with a plain title');
        my $tid = $t->{json}{id};
        for my $bad (@BREAKS) {
            my $what = shown($bad);
            for my $case (['POST /threads', sub { $srv->json('POST', '/api/v1/threads', { title => $bad }) }, 'title'],
                          ['PATCH title', sub { $srv->json('PATCH', "/api/v1/threads/$tid", { title => $bad }) }, 'title'],
                          ['PATCH model', sub { $srv->json('PATCH', "/api/v1/threads/$tid", { model => $bad }) }, 'model'],
                          ['import', sub { $srv->json('POST', '/api/v1/threads/import',
                                       { format => 'mod_planning.thread', format_version => 1,
                                         thread => { title => $bad }, messages => [] }) }, 'thread.title'],
                          ['project name', sub { $srv->json('POST', '/api/v1/projects',
                                       { name => $bad, local_path => project_dir($R, 'p' . int(rand 1e9)) }) }, 'name'],
                          ['server name', sub { $srv->json('POST', '/api/v1/servers',
                                       { name => $bad, base_url => 'https://93.184.216.34' }) }, 'name'],
                          ['prompt name', sub { $srv->json('POST', '/api/v1/prompts', { name => $bad, body => 'x' }) }, 'name']) {
                my $r = $case->[1]->();
                error_is($r, 400, 'VALIDATION_ERROR', "$case->[0] $what => 400");
                is($r->{json}{error}{details}{field}, $case->[2], "$case->[0] $what: field $case->[2]")
                    or diag_res($r);
            }
        }
        is($srv->request('GET', "/api/v1/threads/$tid")->{json}{title}, 'plain', 'the title is unchanged');
        status_is($srv->json('PATCH', "/api/v1/threads/$tid", { title => "Ünïcode ✓ title" }), 200,
                  'printable Unicode is fine');

        # failed logins with oversized names: recorded, cut to 64 bytes
        for my $case (['ascii', 'x' x 5000, 'x' x 64],
                      ['two-byte', 'é' x 100, 'é' x 32],
                      ['three-byte', 'a' . '日' x 50, 'a' . '日' x 21]) {
            my ($kind, $name, $kept) = @$case;
            error_is($srv->json('POST', '/api/v1/auth/login', { username => $name, password => 'wrong' },
                                { Authorization => undef }), 401, 'UNAUTHORIZED', "$kind: a failed login");
            my $a = $srv->request('GET', '/api/v1/audit?action=auth.login&limit=1');
            my $e = ($a->{json}{items} || [])->[0] || {};
            is($e->{outcome}, 'failure', "$kind: recorded as a failure") or diag_res($a);
            is($e->{actor}, $kept, "$kind: the name cut to 64 bytes on a character boundary");
        }
        $srv->stop;
    };
}

done_testing;
