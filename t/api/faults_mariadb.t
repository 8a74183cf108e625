#!/usr/bin/env perl
# MariaDB failing under the module (issue 11, SECURITY.md 39), with a
# MariaDB of the test's own that it can stop, kill and freeze:
#   - frozen (SIGSTOP) under load: requests get 503 within
#     PlanningDatabaseTimeout, /health too, and all is well after SIGCONT;
#   - stopped and killed under load: 503 with Retry-After meanwhile, never
#     500, and recovery without restarting httpd;
#   - wrong credentials: a start-up line naming DBDParams, and replies that
#     do not tell the client to retry.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);

PlanningTest::require_build();
plan skip_all => 'MariaDB is not among PL_TEST_BACKENDS' unless grep { $_ eq 'mysql' } backends();

my $ROOT = repo_root();
my $DIR = tempdir_shared();
# The client library's own time limits, for the connections apr_dbd_mysql
# opens (it takes none from DBDParams): an option file group named by
# DBDParams' group=, found through MARIADB_HOME, which httpd inherits.
PlanningTest::spew("$DIR/my.cnf", "[planning]\nconnect-timeout=2\n");
PlanningTest::mysql_info();   # the harness's MariaDB, started without it
my ($PORT, $SOCK) = start_mariadb();
END { PlanningTest::run_cmd("$ROOT/t/mariadb", 'stop', $DIR) if $DIR }

sub start_mariadb {
    my ($port) = @_;
    my ($rc, $out) = PlanningTest::run_cmd("$ROOT/t/mariadb", 'start', $DIR, $port // ());
    die "t/mariadb start: $out" if $rc;
    my ($p) = PlanningTest::slurp("$DIR/port") =~ /(\d+)/;
    return ($p, "$DIR/mysqld.sock");
}

sub mariadb_pid { (PlanningTest::slurp("$DIR/mysqld.pid") // '') =~ /(\d+)/ ? $1 : undef }

sub root_sql {
    my ($sql) = @_;
    my ($rc, $out) = PlanningTest::run_cmd('mariadb', '--no-defaults', '-uroot', "--socket=$SOCK", '-N', '-B', '-e', $sql);
    die "mariadb -e: $out" if $rc;
    return $out;
}

my $n = 0;
# A server on a fresh database of this MariaDB.
sub server {
    my (%o) = @_;
    my $db = 'pl_f_' . ++$n;
    local $ENV{MARIADB_HOME} = $DIR;
    root_sql("CREATE USER IF NOT EXISTS 'planning'\@'127.0.0.1' IDENTIFIED BY 'pw-f'; CREATE DATABASE $db;"
             . " GRANT ALL ON $db.* TO 'planning'\@'127.0.0.1'");
    return start_server(backend => 'mysql', dbparams => "host=127.0.0.1 port=$PORT user=planning pass=pw-f dbname=$db group=planning",
                         extra => join("\n", 'PlanningAPIRateLimit 0', 'PlanningLoginRateLimit 0', $o{extra} // ()));
}

subtest 'frozen (SIGSTOP) under load' => sub {
    my $srv = server(extra => 'PlanningDatabaseTimeout 2');
    my $load = start_load($srv, workers => 4, secs => 9, path => '/api/v1/threads', timeout => 30);
    sleep 1;
    my $pid = mariadb_pid();
    ok(kill('STOP', $pid), 'MariaDB frozen');
    my $frozen = time;
    sleep 3;
    # once it has not answered for PlanningDatabaseTimeout (2 s), nothing
    # more queues behind it: every request is answered at once
    my @r;
    for my $path (('/api/v1/health', '/api/v1/threads', '/api/v1/projects') x 4) {
        my $t0 = time;
        my $x = $srv->request('GET', $path);
        push @r, { %$x, took => time - $t0, path => $path };
    }
    my ($slowest) = sort { $b <=> $a } map { $_->{took} } @r;
    cmp_ok($slowest, '<', 1, sprintf('12 requests during the freeze, each answered at once (slowest %.2f s)', $slowest));
    ok(!(grep { $_->{status} != 503 } @r), 'each with 503') or diag explain [ map { "$_->{path} $_->{status}" } @r ];
    is($r[0]{json}{status}, 'unavailable', '/health says "unavailable"');
    ok(!(grep { $_->{path} ne '/api/v1/health' && (($_->{json}{error}{code} // '') ne 'DATABASE_UNAVAILABLE'
                                                   || !$_->{headers}{'retry-after'}) } @r),
       'the API: DATABASE_UNAVAILABLE with Retry-After');
    sleep 2;
    ok(kill('CONT', $pid), 'MariaDB thawed');
    my $thawed = time;
    my @all = PlanningTest::load_results($load);
    my @e500 = grep { $_->{status} == 500 } @all;
    ok(!@e500, 'no 500 at any time') or diag explain [ map { sprintf '%+.2f..%+.2f %s', $_->{start} - $frozen, $_->{end} - $frozen, $_->{code} // '-' } @e500 ];
    my @late = grep { $_->{end} > $thawed + 3 && $_->{start} < $thawed } @all;
    is(scalar @late, 0, 'the requests under way when it froze ended by the thaw (or their time limits)');
    my ($st, $t0) = (0, time);
    while (time - $t0 < 6) {
        last if ($st = $srv->request('GET', '/api/v1/threads')->{status}) == 200;
        sleep 0.2;
    }
    is($st, 200, sprintf('after the thaw, requests succeed again (%.1f s)', time - $t0));
    $srv->expect_log(qr/AH00629|AH00633|AH02654|AH02655|DBD \[mysql\] Error|PLN01001:|PLN00401:/);
    $srv->stop;
};

subtest 'stopped, then killed, under load' => sub {
    my $srv = server();
    my $load = start_load($srv, workers => 4, secs => 12, path => '/api/v1/threads', timeout => 30);
    sleep 1;
    my ($rc, $out) = PlanningTest::run_cmd("$ROOT/t/mariadb", 'stop', $DIR);
    my $stopped = time;
    sleep 1.5;
    my $restart1 = time;
    start_mariadb($PORT);
    my $back1 = time;
    sleep 2.5;
    ok(kill('KILL', mariadb_pid()), 'MariaDB killed');
    my $killed = time;
    sleep 1.5;
    my $restart2 = time;
    start_mariadb($PORT);
    my $back2 = time;
    my @all = PlanningTest::load_results($load);
    my @down = grep { ($_->{start} > $stopped + 0.2 && $_->{end} < $restart1)
                      || ($_->{start} > $killed + 0.2 && $_->{end} < $restart2) } @all;
    cmp_ok(scalar @down, '>', 5, scalar(@down) . ' requests while it was down');
    my @bad = grep { $_->{status} != 503 || ($_->{code} // '') ne 'DATABASE_UNAVAILABLE' || !$_->{retry_after} } @down;
    is(scalar @bad, 0, '503 DATABASE_UNAVAILABLE with Retry-After meanwhile')
        or diag explain [ map { "$_->{status} " . ($_->{code} // '-') } @bad[0 .. ($#bad > 5 ? 5 : $#bad)] ];
    ok(!(grep { $_->{status} == 500 } @all), 'no 500 at any time (a lost connection is 503)');
    my @between = grep { $_->{start} > $back1 + 1 && $_->{end} < $killed } @all;
    ok(@between && !(grep { $_->{status} != 200 } @between),
       scalar(@between) . ' requests between the restart and the kill succeeded, httpd not restarted');
    my ($st, $t0) = (0, time);
    while (time - $t0 < 5) {
        last if ($st = $srv->request('GET', '/api/v1/threads')->{status}) == 200;
        sleep 0.2;
    }
    is($st, 200, sprintf('after the kill and a restart too (%.1f s after the load ended)', time - $t0));
    $srv->expect_log(qr/AH00629|AH00633|AH02654|AH02655|DBD \[mysql\] Error|PLN01001:|PLN00401:/);
    $srv->stop;
};

subtest 'wrong credentials' => sub {
    root_sql("CREATE DATABASE IF NOT EXISTS pl_f_creds");
    my $srv = start_server(backend => 'mysql', migrate => 0, admin => 0,
                           dbparams => "host=127.0.0.1 port=$PORT user=planning pass=wrong dbname=pl_f_creds");
    my $log = '';
    for (1 .. 30) { $log = PlanningTest::slurp($srv->error_log); last if $log =~ /PLN01504/; sleep 0.1 }
    like($log, qr/PLN01504: .*DBDParams/, 'a start-up line names DBDParams');
    my $r = $srv->json('POST', '/api/v1/auth/login', { username => 'a', password => 'b' });
    error_is($r, 500, 'DATABASE_MISCONFIGURED', 'requests are told the database settings are wrong');
    unlike($r->{json}{error}{message} // '', qr/retry/i, 'not to retry shortly');
    ok(!$r->{headers}{'retry-after'}, 'and no Retry-After');
    $srv->expect_log(qr/PLN01504:|AH00629|AH00633|AH02654|AH02655|AH00636|DBD \[mysql\] Error/);
    $srv->stop;
};

done_testing;
