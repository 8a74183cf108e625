#!/usr/bin/env perl
# No session secret reaches the error log (issue 10, item 4): at LogLevel
# debug httpd's cookie helpers log what they set (AH00007, every Set-Cookie
# value) and, for a cookie sent twice, the whole Cookie header (AH00011). The
# module writes and reads its cookies itself. A server at LogLevel debug
# signs in, refreshes by cookie, is called with the cookie (once, and twice),
# signs out; the log holds none of the token values and no pl_access= or
# pl_refresh= with a value. (Trace levels log request headers, Authorization
# included: they are not for production, see README.)
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

sub cookies_of {
    my ($res) = @_;
    my %c;
    for my $line (header_list($res, 'Set-Cookie')) {
        my ($nv) = split /;/, $line;
        my ($n, $v) = split /=/, $nv, 2;
        $c{$n} = $v;
    }
    return \%c;
}

for my $backend (backends()) {
    subtest $backend => sub {
        my $srv = start_server(backend => $backend, extra => "LogLevel debug\nPlanningLoginRateLimit 0");
        my $login = $srv->json('POST', '/api/v1/auth/login',
                               { username => $PlanningTest::ADMIN_USER, password => $PlanningTest::ADMIN_PASSWORD },
                               { Authorization => undef });
        status_is($login, 200, 'login');
        my $c = cookies_of($login);
        ok(length($c->{pl_access} // '') > 20 && length($c->{pl_refresh} // '') > 20, 'both cookies set')
            or diag(join "\n", header_list($login, 'Set-Cookie'));
        like((header_list($login, 'Set-Cookie'))[0] // '', qr/;Max-Age=\d+;/, 'with Max-Age, as before');
        my $csrf = $c->{pl_csrf} // '';
        my @secrets = grep { length } ($c->{pl_access}, $c->{pl_refresh}, $login->{json}{access_token},
                                       $login->{json}{refresh_token});

        my $cookie = "pl_refresh=$c->{pl_refresh}; pl_csrf=$csrf";
        my $ref = $srv->request('POST', '/api/v1/auth/refresh',
                                { Authorization => undef, Cookie => $cookie, 'X-CSRF-Token' => $csrf });
        status_is($ref, 200, 'refresh by cookie');
        my $c2 = cookies_of($ref);
        push @secrets, grep { length } ($c2->{pl_access}, $c2->{pl_refresh});
        status_is($srv->request('GET', '/api/v1/auth/me',
                                { Authorization => undef, Cookie => "pl_access=$c2->{pl_access}" }),
                  200, 'a request with the access cookie');
        # the same cookie twice: httpd's reader logged the whole header
        my $twice = $srv->request('GET', '/api/v1/auth/me',
                                  { Authorization => undef,
                                    Cookie => "pl_access=$c2->{pl_access}; pl_access=$c->{pl_access}" });
        error_is($twice, 401, 'UNAUTHORIZED', 'a cookie sent twice counts as none');
        my $out = $srv->request('POST', '/api/v1/auth/logout',
                                { Authorization => undef,
                                  Cookie => "pl_access=$c2->{pl_access}; pl_refresh=$c2->{pl_refresh}; pl_csrf=$csrf",
                                  'X-CSRF-Token' => $csrf });
        ok($out->{status} == 204 || $out->{status} == 200, 'logout') or diag_res($out);
        like(join("\n", header_list($out, 'Set-Cookie')), qr/pl_access=;Max-Age=0;/, 'logout clears the cookies');

        $srv->stop;
        my $log = PlanningTest::slurp($srv->error_log);
        like($log, qr/:debug\]/, 'the server logged at debug level');
        for my $i (0 .. $#secrets) {
            ok(index($log, $secrets[$i]) < 0, "secret $i is not in the error log");
        }
        my @leaks = $log =~ /(pl_(?:access|refresh)=[^;\s',"]+)/g;
        is(scalar @leaks, 0, 'no pl_access= or pl_refresh= value in the error log')
            or diag(join "\n", map { substr($_, 0, 40) . '...' } @leaks[0 .. ($#leaks > 4 ? 4 : $#leaks)]);
    };
}

done_testing;
