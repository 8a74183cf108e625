#!/usr/bin/env perl
# Rate limits (SECURITY.md item 9): wrong logins per client address and per
# account, counted across all httpd children (one shared socache store);
# X-Forwarded-For and friends do not give a new address; the per-caller API
# limit leaves other callers alone. 429 carries Retry-After and RateLimit-*.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);

PlanningTest::require_build();

my $J = JSON::PP->new->canonical->utf8;

# The limits count in fixed one-minute windows: start a burst early in one.
sub fresh_window {
    my ($need) = @_;
    my $left = 60 - time % 60;
    sleep($left + 0.3) if $left < $need;
}

sub login_raw {
    my ($srv, $user, $pw, %o) = @_;
    return $srv->raw_request(method => 'POST', path => '/api/v1/auth/login',
                             headers => ['Content-Type' => 'application/json', Authorization => '',
                                         @{ $o{headers} || [] }],
                             body => $J->encode({ username => $user, password => $pw }),
                             local_addr => $o{from});
}

sub limited_ok {
    my ($res, $limit, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    error_is($res, 429, 'RATE_LIMITED', $name);
    # (raw replies join repeated headers with ", ", HTTP::Tiny's make a list)
    my %h = map { ($_ => join(' | ', header_list($res, $_))) }
            qw(Retry-After RateLimit-Limit RateLimit-Remaining RateLimit-Reset);
    my @why;
    push @why, "Retry-After '$h{'Retry-After'}' is not one number of seconds 1..60"
        unless $h{'Retry-After'} =~ /^\d+$/ && $h{'Retry-After'} >= 1 && $h{'Retry-After'} <= 60;
    push @why, "RateLimit-Limit '$h{'RateLimit-Limit'}', want one '$limit'" unless $h{'RateLimit-Limit'} eq $limit;
    push @why, "RateLimit-Remaining '$h{'RateLimit-Remaining'}', want one '0'" unless $h{'RateLimit-Remaining'} eq '0';
    push @why, "RateLimit-Reset '$h{'RateLimit-Reset'}' is not one number of seconds 1..60"
        unless $h{'RateLimit-Reset'} =~ /^\d+$/ && $h{'RateLimit-Reset'} >= 1 && $h{'RateLimit-Reset'} <= 60;
    ok(!@why, "$name: Retry-After and one each of RateLimit-Limit/Remaining/Reset") or diag(join "\n", @why);
}

# The pids of the children that served the requests, from a log with %P.
sub served_by {
    my ($srv) = @_;
    my %pid;
    for (split /\n/, PlanningTest::slurp("$srv->{rundir}/pids.log")) { $pid{$1}++ if /^(\d+) / }
    return \%pid;
}

# concurrently(CLIENTS, EACH, CODE): CLIENTS forked clients each call
# CODE(client, i) EACH times; returns [status, error code, Retry-After] of
# every reply.
sub concurrently {
    my ($clients, $each, $code) = @_;
    my @pipes;
    for my $c (1 .. $clients) {
        pipe(my $r, my $w) or die "pipe: $!";
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            close $r;
            for my $i (1 .. $each) {
                my $res = $code->($c, $i);
                my $e = ref $res->{json} eq 'HASH' && ref $res->{json}{error} eq 'HASH' ? $res->{json}{error}{code} : '-';
                print $w join(' ', $res->{status}, $e // '-', join(',', header_list($res, 'Retry-After')) || '-'), "\n";
            }
            close $w;
            POSIX::_exit(0);
        }
        close $w;
        push @pipes, [$pid, $r];
    }
    my @out;
    for (@pipes) {
        my ($pid, $r) = @$_;
        push @out, map { [split ' '] } <$r>;
        waitpid $pid, 0;
    }
    return @out;
}

for my $backend (backends()) {
    subtest "$backend: login limit" => sub {
        # No harness login (it would count): the account comes from setup,
        # which the login limit does not count.
        my $srv = start_server(backend => $backend, admin => 0,
                               extra => "PlanningLoginRateLimit 5\nCustomLog pids.log \"%P %>s %r\"");
        my $setup = $srv->json('POST', '/api/v1/auth/setup', { username => 'boss', password => 'boss-password-0123' });
        status_is($setup, 201, 'setup makes the account boss');
        my $boss = ($setup->{json} || {})->{access_token};
        fresh_window(40);

        # 24 wrong logins from one address, each a different (unknown) name so
        # that only the per-address counter can trip, from 4 concurrent
        # clients on fresh connections: the children share the count.
        my @pipes;
        for my $c (1 .. 4) {
            pipe(my $r, my $w) or die "pipe: $!";
            my $pid = fork // die "fork: $!";
            if (!$pid) {
                close $r;
                my @st;
                for my $i (1 .. 6) {
                    my $res = login_raw($srv, "nobody-$c-$i", 'wrong-password-0123');
                    push @st, $res->{status};
                }
                print $w join(' ', @st), "\n";
                close $w;
                POSIX::_exit(0);
            }
            close $w;
            push @pipes, [$pid, $r];
        }
        my @statuses;
        for (@pipes) {
            my ($pid, $r) = @$_;
            my $line = <$r> // '';
            waitpid $pid, 0;
            push @statuses, split ' ', $line;
        }
        is(scalar @statuses, 24, '24 attempts made');
        my $n401 = grep { $_ == 401 } @statuses;
        my $n429 = grep { $_ == 429 } @statuses;
        is($n401, 5, 'exactly 5 attempts were judged (401) across all children') or diag("@statuses");
        is($n429, 19, 'all the others were refused with 429') or diag("@statuses");
        my $pids = served_by($srv);
        cmp_ok(scalar keys %$pids, '>=', 2, 'the attempts were served by more than one child')
            or diag(join ', ', map { "$_: $pids->{$_}" } keys %$pids);

        my $r = login_raw($srv, 'boss', 'boss-password-0123');
        limited_ok($r, 5, 'even the right password from this address => 429');
        ok(!exists $r->{headers}{'set-cookie'}, 'and no session cookie');
        for my $h (['X-Forwarded-For' => '203.0.113.7'], ['X-Forwarded-For' => '10.1.2.3, 203.0.113.8'],
                   ['X-Real-IP' => '203.0.113.9'], ['Forwarded' => 'for=203.0.113.10'],
                   ['X-Client-IP' => '203.0.113.11']) {
            limited_ok(login_raw($srv, "spoof-$h->[1]", 'wrong-password-0123', headers => $h), 5,
                       "$h->[0]: $h->[1] does not reset the limit");
        }

        # Per account: 6 tries on one name, each from another loopback address.
        my @acc = map { login_raw($srv, 'boss', 'wrong-password-0123', from => "127.0.0.$_") } 2 .. 6;
        is_deeply([ map { $_->{status} } @acc ], [ (401) x 5 ], '5 wrong passwords for boss from 5 addresses => 401')
            or diag_res((grep { $_->{status} != 401 } @acc)[0]);
        my $sixth = login_raw($srv, 'boss', 'wrong-password-0123', from => '127.0.0.7');
        limited_ok($sixth, 5, 'the 6th for the same account from a new address => 429');
        limited_ok(login_raw($srv, 'boss', 'boss-password-0123', from => '127.0.0.8'), 5,
                   'the account is limited for the window, right password or not');
        my $other = login_raw($srv, 'nobody-else', 'wrong-password-0123', from => '127.0.0.9');
        error_is($other, 401, 'UNAUTHORIZED', 'another account from a new address is judged (401)');
        is($other->{headers}{'ratelimit-remaining'}, 4, '... with RateLimit-Remaining 4');
        status_is($srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $boss" }), 200,
                  'an existing session is not affected');

        security_headers_ok($srv);
        $srv->stop;
    };

    # Issue 10 item 5: a guess of current_password is a login attempt.
    subtest "$backend: password change counts against the login limit" => sub {
        my $srv = start_server(backend => $backend, admin => 0, extra => 'PlanningLoginRateLimit 5');
        my $setup = $srv->json('POST', '/api/v1/auth/setup', { username => 'boss', password => 'boss-password-0123' });
        status_is($setup, 201, 'setup makes the account boss');
        my $boss = ($setup->{json} || {})->{access_token};
        fresh_window(40);
        # 20 wrong guesses with one stolen access token, 4 concurrent clients.
        my @statuses = concurrently(4, 5, sub {
            my ($c, $i) = @_;
            $srv->raw_request(method => 'PUT', path => '/api/v1/auth/password',
                              headers => ['Content-Type' => 'application/json', Authorization => "Bearer $boss"],
                              body => $J->encode({ current_password => "guess-$c-$i-0123456",
                                                   new_password => 'a-new-password-0123' }));
        });
        is(scalar @statuses, 20, '20 guesses made');
        is(scalar(grep { $_->[0] == 400 } @statuses), 5, 'exactly 5 were judged (400 wrong current_password)')
            or diag(join ' ', map { $_->[0] } @statuses);
        is(scalar(grep { $_->[0] == 429 } @statuses), 15, 'the other 15 got 429') or diag(join ' ', map { $_->[0] } @statuses);
        my $r = $srv->raw_request(method => 'PUT', path => '/api/v1/auth/password',
                                  headers => ['Content-Type' => 'application/json', Authorization => "Bearer $boss"],
                                  body => $J->encode({ current_password => 'boss-password-0123',
                                                       new_password => 'a-new-password-0123' }));
        limited_ok($r, 5, 'the right current_password within the window => 429 too');
        limited_ok(login_raw($srv, 'boss', 'boss-password-0123', from => '127.0.0.2'), 5,
                   'and the same account counter holds logins (from another address)');
        status_is($srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $boss" }), 200,
                  'the session itself goes on');
        security_headers_ok($srv);
        $srv->stop;
    };

    subtest "$backend: Argon2 runs at once are capped per process" => sub {
        my $srv = start_server(backend => $backend, extra => "PlanningLoginRateLimit 0\nPlanningPasswordHashes 1 0");
        my @res = concurrently(4, 4, sub {
            login_raw($srv, $PlanningTest::ADMIN_USER, $PlanningTest::ADMIN_PASSWORD);
        });
        my @st = map { $_->[0] } @res;
        is(scalar(grep { $_ != 200 && $_ != 503 } @st), 0, 'every login got 200 or 503') or diag("@st");
        my @busy = grep { $_->[0] == 503 } @res;
        cmp_ok(scalar @busy, '>=', 1, 'with one run at a time and no wait, some concurrent logins got 503') or diag("@st");
        cmp_ok(scalar(grep { $_ == 200 } @st), '>=', 1, '... and the others signed in');
        ok(!(grep { $_->[1] ne 'SERVER_BUSY' || $_->[2] !~ /^\d+$/ } @busy), 'each 503 is SERVER_BUSY with Retry-After')
            or diag(join "\n", map { "@$_" } @busy);
        status_is(login_raw($srv, $PlanningTest::ADMIN_USER, $PlanningTest::ADMIN_PASSWORD), 200,
                  'alone, a login goes through');
        $srv->expect_log(qr/PLN01311/);
        security_headers_ok($srv);
        $srv->stop;
        for my $bad ('0', 'many', '2 -1', '2 70000') {
            my ($rc, $out) = config_test(extra => "PlanningPasswordHashes $bad");
            ok($rc != 0 && $out =~ /PlanningPasswordHashes/, "PlanningPasswordHashes $bad is refused at start") or diag($out);
        }
        my ($rc, $out) = config_test(extra => 'PlanningPasswordHashes 8 500');
        is($rc, 0, 'PlanningPasswordHashes 8 500 is accepted') or diag($out);
    };

    subtest "$backend: API limit per caller" => sub {
        my $srv = start_server(backend => $backend, extra => "PlanningAPIRateLimit 10\nPlanningLoginRateLimit 0");
        my (undef, $u1) = $srv->add_user('one', 'viewer');
        my (undef, $u2) = $srv->add_user('two', 'viewer');
        fresh_window(20);
        my @r = map { $srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $u1" }) } 1 .. 10;
        is_deeply([ map { $_->{status} } @r ], [ (200) x 10 ], '10 requests of one caller => 200')
            or diag_res((grep { $_->{status} != 200 } @r)[0]);
        is($r[0]{headers}{'ratelimit-limit'}, 10, 'RateLimit-Limit 10');
        is_deeply([ map { $_->{headers}{'ratelimit-remaining'} } @r ], [ reverse 0 .. 9 ],
                  'RateLimit-Remaining counts down 9..0 across children');
        my $eleventh = $srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $u1" });
        limited_ok($eleventh, 10, 'the 11th request => 429');
        limited_ok($srv->json('PUT', '/api/v1/users/me/settings', { theme => 'dark' }, { Authorization => "Bearer $u1" }),
                   10, 'a write of the same caller => 429');
        limited_ok($srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $u1", 'X-Forwarded-For' => '203.0.113.5' }),
                   10, 'X-Forwarded-For does not make another caller');
        my $u1b = $srv->login('one', 'pw-one-0123456789');
        limited_ok($srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $u1b" }), 10,
                   'a new token of the same user is the same caller');
        my $two = $srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $u2" });
        status_is($two, 200, 'another caller is unaffected');
        is($two->{headers}{'ratelimit-remaining'}, 9, '... with its own count');
        status_is($srv->request('GET', '/api/v1/auth/me'), 200, 'the admin is unaffected');
        security_headers_ok($srv);
        $srv->stop;
    };
}

done_testing;
