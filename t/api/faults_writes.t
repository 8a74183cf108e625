#!/usr/bin/env perl
# kill -9 of the httpd children during many concurrent writes (SECURITY.md
# 37, issue 11), on both databases: every write the API acknowledged is
# there afterwards, and SQLite's file passes its integrity check.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);

PlanningTest::require_build();

sub children {
    my ($srv) = @_;
    my ($ppid) = PlanningTest::slurp($srv->rundir . '/httpd.pid') =~ /(\d+)/;
    return grep { /^\d+$/ } split /\s+/, `pgrep -P $ppid`;
}

for my $backend (backends()) {
    subtest "$backend: kill -9 during concurrent writes" => sub {
        my $srv = start_server(backend => $backend, extra => "PlanningAPIRateLimit 0");
        my $load = start_load($srv, workers => 6, secs => 3.5, method => 'POST', path => '/api/v1/threads',
                              timeout => 10, body => sub { { title => "w-$_[0]-$_[1]" } });
        my $kills = 0;
        for my $at (1.0, 2.2) {
            sleep $at - ($kills ? 1.0 : 0);
            my @kids = children($srv);
            $kills += kill 'KILL', @kids;
        }
        my @all = PlanningTest::load_results($load);
        my @acked = grep { $_->{status} == 201 } @all;
        cmp_ok($kills, '>=', 2, "children killed twice ($kills in all)");
        cmp_ok(scalar @acked, '>', 30, scalar(@acked) . ' writes acknowledged of ' . scalar(@all));
        my @odd = grep { $_->{status} != 201 && $_->{status} != 599 && $_->{status} != 503 } @all;
        is(scalar @odd, 0, 'the rest failed as a connection cut or 503, never 500')
            or diag explain [ map { "$_->{status} $_->{code}" } @odd[0 .. ($#odd > 5 ? 5 : $#odd)] ];
        my %stored = map { $_ => 1 } split /\n/, $srv->sql('SELECT title FROM threads');
        my @lost = grep { !$stored{ $_->{body}{title} } } @acked;
        is(scalar @lost, 0, 'every acknowledged write is in the database')
            or diag explain [ map { $_->{body}{title} } @lost[0 .. ($#lost > 5 ? 5 : $#lost)] ];
        like($srv->sql('PRAGMA integrity_check'), qr/^ok/, 'the database passes its integrity check')
            if $backend eq 'sqlite3';
        status_is($srv->json('POST', '/api/v1/threads', { title => 'after' }), 201, 'the server writes on');
        $srv->expect_log(qr/AH00052|exit signal/);
        $srv->stop;
    };
}

done_testing;
