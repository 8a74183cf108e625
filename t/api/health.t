#!/usr/bin/env perl
# GET /api/v1/health: the status document when all is well, when the schema is
# behind, and when the database cannot be reached.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

# What the module or mod_dbd may log when the database is down or behind.
my $DB_DOWN_LOG = qr/\[dbd:(?:error|crit)\].*AH0\d{4}: (?:failed to initialise|child init failed|Failed to acquire|Can't connect|failure)/i;
my $SCHEMA_LOG  = qr/\[planning:error\].*PLN00413: .*schema version/;

sub schema_expected {
    my @m = glob(PlanningTest::repo_root() . '/schema/sqlite3/[0-9]*.sql');
    my $max = 0;
    for (@m) { $max = $1 + 0 if m{/(\d+)_[^/]*\.sql$} && $1 > $max }
    return $max;
}
my $EXPECTED = schema_expected();

for my $backend (backends()) {
    subtest "$backend: healthy" => sub {
        my $srv = start_server(backend => $backend);
        my $r = $srv->request('GET', '/api/v1/health');
        status_is($r, 200, 'GET /api/v1/health => 200');
        like($r->{headers}{'content-type'} // '', qr{^application/json}i, 'content type json');
        my $j = $r->{json} || {};
        is($j->{status}, 'ok', 'status ok') or diag_res($r);
        like($j->{version} // '', qr/^\d+\.\d+\.\d+/, 'version is x.y.z');
        ok(is_true($j->{database}{reachable}), 'database.reachable is JSON true') or diag_res($r);
        is($j->{database}{driver}, $backend, 'database.driver names the backend');
        is(json_type($r, qw(database schema_version)), 'number', 'schema_version is a number');
        is(json_type($r, qw(database schema_expected)), 'number', 'schema_expected is a number');
        is($j->{database}{schema_expected}, $EXPECTED, "schema_expected = newest migration ($EXPECTED)");
        is($j->{database}{schema_version}, $EXPECTED, 'schema_version = schema_expected');
        ok(!exists $j->{error}, 'not the error shape');

        my ($rc, $out) = PlanningTest::run_cmd($PlanningTest::CLI, 'schema-version',
            '--driver', $backend, '--params', $srv->params);
        is($rc, 0, 'planning schema-version exits 0') or diag($out);
        like($out, qr/^\s*\Q$EXPECTED\E\s*$/, 'CLI reports the same schema version') or diag($out);

        my $h = $srv->request('HEAD', '/api/v1/health');
        status_is($h, 200, 'HEAD /api/v1/health => 200');
        is(length($h->{content} // ''), 0, 'HEAD has no body');

        # Repeated requests across children stay healthy.
        my @codes = map { $srv->request('GET', '/api/v1/health')->{status} } 1 .. 20;
        is_deeply(\@codes, [(200) x 20], '20 more health requests => 200');
        $srv->stop;
    };

    subtest "$backend: schema behind" => sub {
        my $srv = start_server(backend => $backend, migrate => 0);
        $srv->expect_log($SCHEMA_LOG);
        my $r = $srv->request('GET', '/api/v1/health');
        status_is($r, 503, 'health => 503 when schema not migrated');
        like($r->{headers}{'content-type'} // '', qr{^application/json}i, 'content type json');
        my $j = $r->{json} || {};
        is($j->{status}, 'schema_outdated', 'status schema_outdated') or diag_res($r);
        ok(!exists $j->{error}, 'a status document, not the error shape');
        ok(is_true($j->{database}{reachable}), 'database reachable') or diag_res($r);
        is($j->{database}{schema_expected}, $EXPECTED, 'schema_expected');
        ok(defined $j->{database}{schema_version} && $j->{database}{schema_version} < $EXPECTED,
           'schema_version below expected') or diag_res($r);

        for my $req (['GET', '/api/v1/projects', undef],
                     ['GET', '/api/v1/projects/1', undef],
                     ['POST', '/api/v1/projects', { name => 'x', local_path => '/tmp' }]) {
            my $p = $srv->json(@$req);
            error_is($p, 503, 'SCHEMA_OUTDATED', "$req->[0] $req->[1] => 503 SCHEMA_OUTDATED");
            like($p->{headers}{'retry-after'} // '', qr/^\d+$/, 'Retry-After (seconds)') or diag_res($p);
        }
        $srv->stop;
    };

    subtest "$backend: database unreachable" => sub {
        my $params;
        if ($backend eq 'sqlite3') {
            $params = '{RUNDIR}/no/such/dir/planning.db';
        } else {
            my $dead = PlanningTest::free_port();
            $params = PlanningTest::mysql_params('pl_nowhere', $dead);
        }
        my $srv = start_server(backend => $backend, migrate => 0, dbparams => $params);
        $srv->expect_log($DB_DOWN_LOG, $SCHEMA_LOG);
        my $r = $srv->request('GET', '/api/v1/health');
        status_is($r, 503, 'health => 503 when database unreachable');
        my $j = $r->{json} || {};
        is($j->{status}, 'unavailable', 'status unavailable') or diag_res($r);
        ok(is_false($j->{database}{reachable}), 'database.reachable is JSON false') or diag_res($r);
        ok(!defined $j->{database}{driver} || $j->{database}{driver} eq $backend,
           'driver, when given, names the backend') or diag_res($r);
        like($j->{version} // '', qr/^\d+\.\d+\.\d+/, 'version present');

        my $p = $srv->json('GET', '/api/v1/projects');
        error_is($p, 503, 'DATABASE_UNAVAILABLE', 'GET /api/v1/projects => 503 DATABASE_UNAVAILABLE');
        like($p->{headers}{'retry-after'} // '', qr/^\d+$/, 'Retry-After (seconds)') or diag_res($p);
        $p = $srv->json('POST', '/api/v1/projects', { name => 'x', local_path => '/tmp' });
        error_is($p, 503, 'DATABASE_UNAVAILABLE', 'POST /api/v1/projects => 503 DATABASE_UNAVAILABLE');

        # The server itself keeps answering.
        status_is($srv->request('GET', '/api/v1/health'), 503, 'still answers 503');
        error_is($srv->request('GET', '/api/v1/nope'), 404, 'NOT_FOUND', 'routing still works');
        $srv->stop;
    };
}

done_testing;
