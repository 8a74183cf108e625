#!/usr/bin/env perl
# Storage that refuses writes (issue 11, SECURITY.md 36 and 38): a reply is
# "complete" only once it is stored, a login is recorded with its audit
# entry or fails, a full disk is 507 and /health says "degraded".
#   - a SQLite write lock held by another process across the end of a reply
#     and across a login;
#   - the disk filled under the database, and under a streaming reply (a
#     small tmpfs; skipped, saying so, where mounting is not permitted).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use POSIX ();
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);
use PlanningSSE;

PlanningTest::require_build();

my $EXTRA = join "\n", 'PlanningModelServerAllow 127.0.0.0/8', 'PlanningLoginRateLimit 0',
                       'PlanningSQLiteBusyTimeout 1500', 'PlanningStreamLease 3';

sub setup {
    my (%o) = @_;
    my $fake = start_fake(args => ['--token-delay-ms', $o{delay} // 150]);
    my $srv = start_server(backend => 'sqlite3', extra => $EXTRA, %{ $o{server} || {} });
    status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
              'a model server');
    my $th = $srv->json('POST', '/api/v1/threads', { title => 'faults', model => 'llama3.2:latest' });
    return ($fake, $srv, $th->{json}{id});
}

# Another process holds SQLite's write lock for secs (after => delay: from
# that many seconds on, without waiting here); returns its pid.
sub hold_lock {
    my ($srv, $secs, %o) = @_;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        sleep $o{after} if $o{after};
        # .timeout: the server's own writes (a reply saved as it grows) may
        # hold the lock for a moment when this one asks for it
        { no warnings 'exec';
          exec('sqlite3', '-bail', '-cmd', '.timeout 5000', $srv->{dbfile}, 'BEGIN IMMEDIATE;',
               'UPDATE threads SET title = title;', ".shell sleep $secs", 'COMMIT;') }
        POSIX::_exit(1);
    }
    sleep 0.3 unless $o{after};   # it has the lock
    return $pid;
}

sub reply_row {
    my ($srv, $tid, $mid) = @_;
    my $items = $srv->request('GET', "/api/v1/threads/$tid/messages")->{json}{items} || [];
    my ($m) = grep { $_->{id} == $mid } @$items;
    return $m;
}

# The reply's row, once it is no longer "streaming" (the lease settles it).
sub settled_row {
    my ($srv, $tid, $mid) = @_;
    my $m;
    for (1 .. 60) {
        $m = reply_row($srv, $tid, $mid);
        last if $m && $m->{state} ne 'streaming';
        sleep 0.25;
    }
    return $m;
}

subtest 'a write lock held across the end of a reply' => sub {
    my ($fake, $srv, $tid) = setup(delay => 150);
    my $words = join ' ', map { "w$_" } 1 .. 14;          # about 2.4 s of tokens
    my $s = PlanningSSE->start($srv, 'POST', "/api/v1/threads/$tid/messages", body => { content => $words });
    my $start = $s->next_event(10);
    is($start->{event}, 'start', 'the stream starts');
    my $mid = $start->{data}{message_id};
    sleep 1.4;                                             # the text so far is saved (every second)
    my $pid = hold_lock($srv, 8);                          # past the end of the reply, past 1.5 s
    my @ev = $s->events(20);
    waitpid $pid, 0;
    my $last = $ev[-1] || {};
    is($last->{event}, 'error', 'the stream does not end with "done"');
    is($last->{data}{code}, 'STORAGE_FAILED', 'it ends with STORAGE_FAILED');
    is($last->{data}{message_id}, $mid, 'naming the reply');
    ok(!(grep { $_->{event} eq 'done' } @ev), 'no "done" was sent');
    my $m = settled_row($srv, $tid, $mid);
    is($m->{state}, 'incomplete', 'the row is kept as incomplete');
    like($m->{content}, qr/^Echo: w1 w2/, 'with the text saved as it grew: ' . ($m->{content} // ''));
    # the same with a JSON reply: 503, not 201
    my $child = hold_lock($srv, 8, after => 1.0);
    my $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => $words, stream => JSON::PP::false });
    waitpid $child, 0;
    error_is($r, 503, 'STORAGE_FAILED', 'a JSON reply whose final save failed => 503 STORAGE_FAILED');
    is($r->{json}{error}{details}{state}, 'incomplete', 'details say the reply is incomplete');
    status_is($srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'after', stream => JSON::PP::false }),
              201, 'with the lock gone, a reply is stored');
    $srv->expect_log(qr/PLN00601:/, qr/PLN01001:/, qr/PLN00401:/);
    $srv->stop;
};

subtest 'a write lock held across a login' => sub {
    my ($fake, $srv) = setup();
    my $count = sub { ($srv->sql("SELECT COUNT(*) FROM audit WHERE action = 'auth.login' AND outcome = 'success'") =~ /(\d+)/)[0] };
    my $before = $count->();
    my $pid = hold_lock($srv, 6);
    my $t0 = time;
    my $r = $srv->json('POST', '/api/v1/auth/login', { username => 'admin', password => $PlanningTest::ADMIN_PASSWORD },
                       { Authorization => undef });
    my $took = time - $t0;
    error_is($r, 503, 'DATABASE_BUSY', 'a login that cannot be recorded fails with 503');
    ok($r->{headers}{'retry-after'}, 'with Retry-After');
    # one deadline for the request's three writes: PlanningSQLiteBusyTimeout
    # (1.5 s) and at most one try of the driver (1.6 s) past it
    cmp_ok($took, '<', 3.6, sprintf('within the request deadline, not one per statement (%.1f s)', $took));
    waitpid $pid, 0;
    is($count->(), $before, 'no audit entry, and no session was handed out');
    # a lock let go during the login: it waits, then everything is written together
    $pid = hold_lock($srv, 1);
    my @ok;
    for (1 .. 3) {
        my $x = $srv->json('POST', '/api/v1/auth/login', { username => 'admin', password => $PlanningTest::ADMIN_PASSWORD },
                           { Authorization => undef });
        push @ok, $x if $x->{status} == 200;
    }
    waitpid $pid, 0;
    is(scalar @ok, 3, 'logins during a short lock succeed');
    is($count->(), $before + 3, 'each with its audit entry');
    $srv->expect_log(qr/PLN00310:/, qr/PLN01001:/);
    $srv->stop;
};

subtest 'the disk full under the database and under a streaming reply' => sub {
    my ($mnt, $why) = mount_tmpfs('3m');
    plan skip_all => "cannot test a full disk: $why" unless $mnt;
    my ($fake, $srv, $tid) = setup(delay => 150, server => { dbdir => $mnt });
    status_is($srv->request('GET', '/api/v1/health'), 200, 'healthy before');

    # a stream whose reply ends after the disk filled up
    my $words = join ' ', map { "d$_" } 1 .. 14;
    my $s = PlanningSSE->start($srv, 'POST', "/api/v1/threads/$tid/messages", body => { content => $words });
    my $start = $s->next_event(10);
    my $mid = $start->{data}{message_id};
    sleep 1.4;
    my $filler = PlanningTest::fill_disk($mnt);
    my @ev = $s->events(20);
    is($ev[-1]{event}, 'error', 'the stream ends with an error');
    is($ev[-1]{data}{code}, 'STORAGE_FAILED', 'STORAGE_FAILED: the reply could not be stored');

    # the API with the disk full
    my $big = 'x' x 60000;
    my $r = $srv->json('POST', '/api/v1/threads', { title => 'full', model => 'llama3.2:latest', system_prompt => $big });
    error_is($r, 507, 'INSUFFICIENT_STORAGE', 'a write on a full disk => 507');
    my $h;
    for (1 .. 20) { $h = $srv->request('GET', '/api/v1/health'); last if $h->{status} != 200; sleep 0.2 }
    is($h->{status}, 503, '/health is not 200 with the disk full');
    is($h->{json}{status}, 'degraded', 'it says "degraded"');
    is($h->{json}{database}{write_error}, 'disk_full', 'because the disk is full');

    unlink $filler;
    my $m = settled_row($srv, $tid, $mid);
    is($m->{state}, 'incomplete', 'space again: the reply is kept as incomplete');
    like($m->{content}, qr/^Echo: d1 d2/, 'with what was saved before the disk filled');
    for (1 .. 20) { $h = $srv->request('GET', '/api/v1/health'); last if $h->{status} == 200; sleep 0.25 }
    is($h->{json}{status}, 'ok', '/health is ok again');
    status_is($srv->json('POST', '/api/v1/threads', { title => 'room', model => 'llama3.2:latest' }), 201,
              'and writes succeed');
    my $ic = $srv->sql('PRAGMA integrity_check');
    like($ic, qr/^ok/, 'the database passes its integrity check');
    $srv->expect_log(qr/PLN00601:/, qr/PLN01001:/, qr/PLN01506:/, qr/PLN00401:/);
    $srv->stop;
};

done_testing;
