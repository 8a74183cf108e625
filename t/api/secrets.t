#!/usr/bin/env perl
# Nothing secret reaches a log or a reply (SECURITY.md): after logins (good
# and bad), refreshes, a password change, API key creation and use, with the
# module logging at debug level, neither the error log nor the access log nor
# any listing holds a password, a token, a key, a refresh token or a hash.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

for my $backend (backends()) {
    subtest "$backend: no secret in logs or replies" => sub {
        my $srv = start_server(backend => $backend,
                               extra => "LogLevel warn planning:debug\nPlanningLoginRateLimit 0");
        my @secrets = ($PlanningTest::ADMIN_PASSWORD, $srv->{token});
        my @replies;
        my $keep = sub { push @replies, $_[0]; $_[0] };

        my ($uid, $utoken) = $srv->add_user('sam', 'developer');
        push @secrets, 'pw-sam-0123456789', $utoken;
        my $bad = $keep->($srv->json('POST', '/api/v1/auth/login',
                                     { username => 'sam', password => 'wrong-password-123' },
                                     { Authorization => undef }));
        status_is($bad, 401, 'a wrong password');
        push @secrets, 'wrong-password-123';

        my $login = $keep->($srv->json('POST', '/api/v1/auth/login',
                                       { username => 'sam', password => 'pw-sam-0123456789' },
                                       { Authorization => undef }));
        status_is($login, 200, 'sam signs in');
        push @secrets, $login->{json}{access_token}, $login->{json}{refresh_token};
        my $ref = $keep->($srv->json('POST', '/api/v1/auth/refresh',
                                     { refresh_token => $login->{json}{refresh_token} },
                                     { Authorization => undef }));
        status_is($ref, 200, 'refresh');
        push @secrets, $ref->{json}{access_token}, $ref->{json}{refresh_token};

        my $tok = $ref->{json}{access_token};
        my $pw = $keep->($srv->json('PUT', '/api/v1/auth/password',
                                    { current_password => 'pw-sam-0123456789',
                                      new_password => 'a-new-secret-passphrase' },
                                    { Authorization => "Bearer $tok" }));
        status_is($pw, 200, 'password change');
        push @secrets, 'a-new-secret-passphrase', $pw->{json}{access_token}, $pw->{json}{refresh_token};
        $tok = $pw->{json}{access_token};

        my $key = $keep->($srv->json('POST', '/api/v1/auth/keys', { name => 'ci', scopes => ['read'] },
                                     { Authorization => "Bearer $tok" }));
        status_is($key, 201, 'an API key');
        my $secret_key = $key->{json}{key};
        push @secrets, $secret_key;
        my ($key_secret) = $secret_key =~ /^pl_\d+_(.+)$/;
        push @secrets, $key_secret;
        status_is($keep->($srv->request('GET', '/api/v1/projects', { Authorization => "Bearer $secret_key" })),
                  200, 'the key works');
        status_is($keep->($srv->request('GET', '/api/v1/projects',
                                        { Authorization => "Bearer ${secret_key}x" })), 401,
                  'a wrong key');
        status_is($keep->($srv->request('GET', '/api/v1/auth/me',
                                        { Authorization => "Bearer $tok.x" })), 401, 'a bad token');

        # Listings: keys, users, audit, me.
        for my $path ('/api/v1/auth/keys', '/api/v1/users', '/api/v1/audit?limit=200') {
            my $r = $keep->($srv->request('GET', $path));
            status_is($r, 200, "GET $path");
        }
        $keep->($srv->request('GET', '/api/v1/auth/keys', { Authorization => "Bearer $tok" }));
        $keep->($srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $secret_key" }));
        $srv->stop;

        my $logs = PlanningTest::slurp($srv->error_log) . PlanningTest::slurp($srv->rundir . '/access.log');
        like($logs, qr/PLN00301: credentials refused/, 'the debug log did record the refusals')
            or diag('LogLevel planning:debug produced no PLN00301 line');
        my @found_log = grep { defined && length && index($logs, $_) >= 0 } @secrets;
        is_deeply(\@found_log, [], 'no password, token or key in the error or access log')
            or diag(join "\n", map { substr($_, 0, 12) . '...' } @found_log);

        my $all = join "\n", map { $_->{content} // '' } @replies[1 .. $#replies];
        # Replies that hand a secret out on purpose (login, refresh, password,
        # key creation) are not listings: check the others.
        my @listing = grep { $_->{req} =~ m{GET} } @replies;
        my $text = join "\n", map { $_->{content} // '' } @listing;
        my @found = grep { defined && length && index($text, $_) >= 0 } @secrets;
        is_deeply(\@found, [], 'no secret in any GET reply') or diag(join "\n", @found);
        unlike($text, qr/\$argon2/, 'no password hash in any reply');
        unlike($text, qr/\b[0-9a-f]{64}\b/, 'no SHA-256 secret hash in any reply');
        unlike($text, qr/"(?:password_hash|secret_hash|token_hash)"/, 'no hash fields at all');
        ok(length $all, 'replies were collected');
    };
}

done_testing;
