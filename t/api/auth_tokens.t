#!/usr/bin/env perl
# Sessions and access tokens (/tmp/plan/AUTH.md; SECURITY.md items 1-7):
# forged, altered and stale JWTs all get the same 401; a role change,
# deletion, logout or password change ends the tokens at the next request;
# first-run setup; login; refresh-token rotation with reuse detection;
# session cookies with their CSRF header; password edge cases; and httpd
# refusing to start without a usable signing key or with bad directives.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Digest::SHA qw(hmac_sha256 hmac_sha512);
use MIME::Base64 qw(encode_base64 decode_base64);
use JSON::PP;
use POSIX ();
use PlanningTest qw(:all);

PlanningTest::require_build();

my $J = JSON::PP->new->canonical->utf8;
# Logins happen often here: the login limit has its own test (ratelimit.t).
my $EXTRA = "PlanningLoginRateLimit 0";

sub b64url { (my $s = encode_base64($_[0], '')) =~ tr{+/}{-_}; $s =~ s/=+$//; $s }
sub b64url_decode { (my $s = $_[0]) =~ tr{-_}{+/}; $s .= '=' x ((4 - length($s) % 4) % 4); decode_base64($s) }

sub key_of { PlanningTest::slurp("$_[0]{rundir}/token.key") }

# The claims of a token the server issued.
sub claims_of {
    my ($token) = @_;
    my (undef, $p) = split /\./, $token // '';
    return eval { $J->decode(b64url_decode($p // '')) } || {};
}

# forge(key, header, claims, sign => 'HS256'|'HS512'|'none'): a JWT whose
# header and claims are exactly as given (hashrefs, or raw strings that are
# encoded as they are).
sub forge {
    my ($key, $header, $claims, %o) = @_;
    my $h = ref $header ? $J->encode($header) : $header;
    my $c = ref $claims ? $J->encode($claims) : $claims;
    my $input = b64url($h) . '.' . b64url($c);
    my $sign = $o{sign} // 'HS256';
    my $sig = $sign eq 'HS256' ? b64url(hmac_sha256($input, $key))
            : $sign eq 'HS512' ? b64url(hmac_sha512($input, $key))
            : '';
    return "$input.$sig";
}

sub good_claims {
    my ($srv, $sub, $ver, %over) = @_;
    my $now = time;
    my %c = (iss => 'mod_planning', aud => '127.0.0.1', typ => 'access', sub => $sub + 0,
             ver => $ver + 0, iat => $now, exp => $now + 600, jti => sprintf('%032x', int rand 2**31));
    @c{ keys %over } = values %over;
    delete $c{$_} for grep { !defined $c{$_} } keys %c;
    return \%c;
}

sub me { my ($srv, $token) = @_; $srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $token" }) }

# Every refused token: 401 UNAUTHORIZED, and one body and WWW-Authenticate for all.
sub refused_alike {
    my ($res, $ref, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $ok = error_is($res, 401, 'UNAUTHORIZED', "$name => 401");
    is(body_sans_id($res), body_sans_id($ref), "$name: same body as any refused token")
        or diag_res($res);
    is($res->{headers}{'www-authenticate'}, $ref->{headers}{'www-authenticate'},
       "$name: same WWW-Authenticate");
}

sub cookies_of {
    my ($res) = @_;
    my %c;
    # (raw replies join repeated headers with ", ", as Expires dates do too)
    for my $line (map { split /,\s*(?=[\w-]+=)(?![^;]*GMT)/ } header_list($res, 'Set-Cookie')) {
        my ($nv, @attrs) = split /\s*;\s*/, $line;
        my ($n, $v) = split /=/, $nv, 2;
        $c{$n} = { value => $v, line => $line, map { my ($k, $x) = split /=/, $_, 2; (lc $k => $x // 1) } @attrs };
    }
    return \%c;
}

for my $backend (backends()) {
    subtest "$backend: forged, altered and stale tokens" => sub {
        # httpd's own header limit (8,190 bytes) would answer a 64 KiB token
        # with 400 before the module sees it; raised here so the module's
        # length check is what is tested (the default is checked further on).
        my $srv = start_server(backend => $backend, extra => "$EXTRA\nLimitRequestFieldSize 131072");
        my $key = key_of($srv);
        is(length $key, 32, 'the harness made a 32-byte key');
        my $admin = claims_of($srv->{token});
        is($admin->{iss}, 'mod_planning', 'issued token: iss');
        is($admin->{aud}, '127.0.0.1', 'issued token: aud is the ServerName');
        is($admin->{typ}, 'access', 'issued token: typ');
        my ($ver, $sub) = @$admin{qw(ver sub)};
        my $hdr = { alg => 'HS256', typ => 'JWT' };

        # Control: a token made here the way the server makes them is accepted,
        # so every refusal below is about the one thing that differs.
        my $ok = me($srv, forge($key, $hdr, good_claims($srv, $sub, $ver)));
        status_is($ok, 200, 'a correctly forged token is accepted (control)');
        is(($ok->{json} || {})->{authenticated_by}, 'token', 'authenticated_by token');
        status_is(me($srv, forge($key, { %$hdr, kid => '../../../dev/null', jku => 'http://127.0.0.1:1/k',
                                         x5u => 'http://127.0.0.1:1/x' }, good_claims($srv, $sub, $ver))),
                  200, 'kid/jku/x5u are ignored, not followed');
        status_is(me($srv, forge($key, { alg => 'HS256' }, good_claims($srv, $sub, $ver))),
                  200, 'a header without typ is accepted (control)');

        my $ref = me($srv, 'x.y.z');
        error_is($ref, 401, 'UNAUTHORIZED', 'garbage token => 401');
        like($ref->{headers}{'www-authenticate'} // '', qr/^Bearer\b/, '401 has WWW-Authenticate: Bearer');

        my $claims = good_claims($srv, $sub, $ver);
        my %cases = (
            # SECURITY 1
            'alg none, no signature'   => forge($key, { alg => 'none', typ => 'JWT' }, $claims, sign => 'none'),
            'alg none, HMAC signature' => forge($key, { alg => 'none', typ => 'JWT' }, $claims),
            'alg None'                 => forge($key, { alg => 'None', typ => 'JWT' }, $claims, sign => 'none'),
            'alg None, HMAC signature' => forge($key, { alg => 'None', typ => 'JWT' }, $claims),
            'alg hs256'                => forge($key, { alg => 'hs256', typ => 'JWT' }, $claims),
            'alg missing'              => forge($key, { typ => 'JWT' }, $claims),
            'HS256, empty signature'   => forge($key, $hdr, $claims, sign => 'none'),
            'HS256, signature of another key' => forge('k' x 32, $hdr, $claims),
            # SECURITY 2
            'alg HS512 signed with the key'          => forge($key, { alg => 'HS512', typ => 'JWT' }, $claims, sign => 'HS512'),
            'alg HS256 but an HS512 signature'       => forge($key, $hdr, $claims, sign => 'HS512'),
            'alg RS256, HMAC-SHA256 with the key'    => forge($key, { alg => 'RS256', typ => 'JWT' }, $claims),
            'alg RS256, HMAC-SHA512 with the key'    => forge($key, { alg => 'RS256', typ => 'JWT' }, $claims, sign => 'HS512'),
            'alg ES256, HMAC-SHA256 with the key'    => forge($key, { alg => 'ES256', typ => 'JWT' }, $claims),
            'crit header'                            => forge($key, { %$hdr, crit => ['exp'] }, $claims),
            'header typ not JWT'                     => forge($key, { alg => 'HS256', typ => 'JWE' }, $claims),
            # SECURITY 3
            'expired'              => forge($key, $hdr, good_claims($srv, $sub, $ver, exp => time - 5, iat => time - 905)),
            'exp missing'          => forge($key, $hdr, good_claims($srv, $sub, $ver, exp => undef)),
            'exp as a string'      => forge($key, $hdr, good_claims($srv, $sub, $ver, exp => '' . (time + 600))),
            'exp as a float'       => forge($key, $hdr, good_claims($srv, $sub, $ver, exp => time + 600.5)),
            'exp null'             => forge($key, $hdr, '{"iss":"mod_planning","aud":"127.0.0.1","typ":"access","sub":' . $sub
                                                        . ',"ver":' . $ver . ',"exp":null}'),
            'nbf in the future'    => forge($key, $hdr, good_claims($srv, $sub, $ver, nbf => time + 3600)),
            'nbf as a string'      => forge($key, $hdr, good_claims($srv, $sub, $ver, nbf => '0')),
            'wrong aud'            => forge($key, $hdr, good_claims($srv, $sub, $ver, aud => 'example.org')),
            'aud as an array'      => forge($key, $hdr, good_claims($srv, $sub, $ver, aud => ['127.0.0.1'])),
            'aud missing'          => forge($key, $hdr, good_claims($srv, $sub, $ver, aud => undef)),
            'wrong iss'            => forge($key, $hdr, good_claims($srv, $sub, $ver, iss => 'someone-else')),
            'iss missing'          => forge($key, $hdr, good_claims($srv, $sub, $ver, iss => undef)),
            'typ refresh'          => forge($key, $hdr, good_claims($srv, $sub, $ver, typ => 'refresh')),
            'typ missing'          => forge($key, $hdr, good_claims($srv, $sub, $ver, typ => undef)),
            'sub as a string'      => forge($key, $hdr, good_claims($srv, $sub, $ver, sub => "$sub")),
            'sub of no user'       => forge($key, $hdr, good_claims($srv, 999999, 0)),
            'old token version'    => forge($key, $hdr, good_claims($srv, $sub, $ver - 1)),
            'next token version'   => forge($key, $hdr, good_claims($srv, $sub, $ver + 1)),
            'payload not an object' => forge($key, $hdr, '[1,2,3]'),
            'payload not JSON'     => forge($key, $hdr, '{"exp":'),
            'refresh token as access token' => $srv->{last_login}{json}{refresh_token},
            # SECURITY 5: odd base64 and shapes
            'two parts'            => join('.', (split /\./, $srv->{token})[0, 1]),
            'four parts'           => "$srv->{token}.AAAA",
            'padded signature'     => "$srv->{token}=",
            'standard base64 alphabet' => do { (my $t = forge($key, $hdr, $claims)) =~ tr{-_}{+/}; $t =~ /[+\/]/ ? $t : "$t+" },
            'space inside'         => do { my $t = $srv->{token}; substr($t, 10, 0, ' '); $t },
            'characters outside base64url' => '%%%.***.!!!',
            'empty parts'          => '..',
            'non-canonical last signature character' => do {
                # 43 characters carry 258 bits: the last 2 are padding. Setting
                # them gives the same bytes to a lax decoder; it must not pass.
                my $t = forge($key, $hdr, $claims);
                my @a = ('A' .. 'Z', 'a' .. 'z', '0' .. '9', '-', '_');
                my %v; @v{@a} = 0 .. 63;
                my $last = substr($t, -1);
                substr($t, -1) = $a[ $v{$last} | 1 ];
                $t;
            },
        );
        for my $name (sort keys %cases) {
            refused_alike(me($srv, $cases{$name}), $ref, $name);
        }
        # The same tokens in the session cookie are refused alike.
        for my $name ('alg none, no signature', 'expired', 'wrong aud') {
            my $r = $srv->request('GET', '/api/v1/auth/me',
                                  { Authorization => undef, Cookie => "pl_access=$cases{$name}" });
            refused_alike($r, $ref, "$name (as the pl_access cookie)");
        }

        # SECURITY 5: size. 5,000 bytes is over the 4,096 the module parses;
        # 64 KiB is over httpd's header limit too.
        my $pad = forge($key, $hdr, good_claims($srv, $sub, $ver, pad => 'x' x 3800));
        cmp_ok(length $pad, '>', 4096, 'a token over 4,096 bytes');
        refused_alike(me($srv, $pad), $ref, 'a correctly signed token over 4,096 bytes');
        my $huge = 'A' x 65536 . '.' . 'B' x 10 . '.' . 'C' x 43;
        my $big = $srv->raw_request(method => 'GET', path => '/api/v1/auth/me',
                                    headers => [Authorization => "Bearer $huge"]);
        ok($big->{status} == 401 || $big->{status} == 431, 'a 64 KiB token => 401 or 431')
            or diag_res($big);
        is(body_sans_id($big), body_sans_id($ref), 'a 64 KiB token: the same body as any refused token')
            if $big->{status} == 401;
        my $big_cookie = $srv->raw_request(method => 'GET', path => '/api/v1/auth/me',
                                           headers => [Authorization => '', Cookie => "pl_access=$huge"]);
        ok($big_cookie->{status} == 401 || $big_cookie->{status} == 431,
           'a 64 KiB pl_access cookie => 401 or 431') or diag_res($big_cookie);
        status_is(me($srv, $srv->{token}), 200, 'the real admin token still works afterwards');

        security_headers_ok($srv);
        $srv->stop;
    };

    subtest "$backend: demoted, disabled and deleted users" => sub {
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my ($did, $dtok) = $srv->add_user('dora', 'developer');
        my ($xid, $xtok) = $srv->add_user('xena', 'developer');
        my ($sid, $stok) = $srv->add_user('sam', 'developer');
        status_is(me($srv, $dtok), 200, 'dora signed in');
        status_is(me($srv, $xtok), 200, 'xena signed in');

        # SECURITY 4: demotion.
        status_is($srv->json('PATCH', "/api/v1/users/$did", { role => 'viewer' }), 200, 'demote dora');
        error_is(me($srv, $dtok), 401, 'UNAUTHORIZED', "dora's token after the demotion => 401");
        my $d2 = $srv->login('dora', 'pw-dora-0123456789');
        ok($d2, 'dora signs in again');
        my $me = me($srv, $d2);
        is(($me->{json} || {})->{user}{role}, 'viewer', 'the new token carries the new role');
        error_is($srv->json('POST', '/api/v1/auth/keys', { name => 'k', scopes => ['write'] },
                            { Authorization => "Bearer $d2" }), 403, 'FORBIDDEN',
                 'a viewer cannot make a write key');

        # Deletion.
        status_is($srv->request('DELETE', "/api/v1/users/$xid"), 204, 'delete xena');
        error_is(me($srv, $xtok), 401, 'UNAUTHORIZED', "xena's token after deletion => 401");
        is($srv->login('xena', 'pw-xena-0123456789'), undef, 'xena cannot sign in');

        # Disabled, then active again.
        status_is($srv->json('PATCH', "/api/v1/users/$sid", { status => 'disabled' }), 200, 'disable sam');
        error_is(me($srv, $stok), 401, 'UNAUTHORIZED', "sam's token after disabling => 401");
        is($srv->login('sam', 'pw-sam-0123456789'), undef, 'a disabled user cannot sign in');
        status_is($srv->json('PATCH', "/api/v1/users/$sid", { status => 'active' }), 200, 'enable sam');
        error_is(me($srv, $stok), 401, 'UNAUTHORIZED', "sam's old token stays dead");
        ok($srv->login('sam', 'pw-sam-0123456789'), 'sam signs in again');

        # The last admin cannot be demoted.
        error_is($srv->json('PATCH', '/api/v1/users/1', { role => 'developer' }), 409, 'CONFLICT',
                 'the last admin cannot be demoted');
        status_is(me($srv, $srv->{token}), 200, 'and keeps a working token');
        security_headers_ok($srv);
        $srv->stop;
    };

    subtest "$backend: first-run setup" => sub {
        my $srv = start_server(backend => $backend, admin => 0,
                               extra => "$EXTRA\nPlanningAccessTokenLifetime 60");
        status_is($srv->request('GET', '/api/v1/auth/me'), 401, 'no user, no token => 401');
        my $st = $srv->request('GET', '/api/v1/auth/setup');
        status_is($st, 200, 'GET /auth/setup without credentials => 200');
        ok(is_true(($st->{json} || {})->{setup_required}), 'setup_required while no account exists') or diag_res($st);
        error_is($srv->json('POST', '/api/v1/auth/setup', { username => 'root', password => 'short' }),
                 400, 'VALIDATION_ERROR', 'setup with a short password => 400');
        error_is($srv->json('POST', '/api/v1/auth/setup', { username => 'a b', password => 'long-enough-password' }),
                 400, 'VALIDATION_ERROR', 'setup with a bad user name => 400');
        error_is($srv->json('POST', '/api/v1/auth/setup', { username => 'root', password => 'long-enough-password',
                                                            role => 'viewer' }),
                 400, undef, 'setup with an unknown field => 400');
        my $r = $srv->json('POST', '/api/v1/auth/setup', { username => 'root', password => 'long-enough-password' });
        status_is($r, 201, 'setup => 201');
        my $j = $r->{json} || {};
        like($j->{access_token} // '', qr/^[\w-]+\.[\w-]+\.[\w-]{43}$/, 'an access token');
        is($j->{token_type}, 'Bearer', 'token_type Bearer');
        is($j->{expires_in}, 60, 'expires_in is PlanningAccessTokenLifetime');
        like($j->{refresh_token} // '', qr/^plr_\d+_[\w-]+$/, 'a refresh token');
        ok(($j->{refresh_expires_in} // 0) > 0, 'refresh_expires_in');
        is($j->{user}{username}, 'root', 'user.username');
        is($j->{user}{role}, 'admin', 'the first user is an admin');
        ok(!exists $j->{user}{password_hash} && $r->{content} !~ /argon2/i, 'no password hash in the reply');
        my $c = claims_of($j->{access_token});
        is($c->{exp} - $c->{iat}, 60, 'the token lives PlanningAccessTokenLifetime seconds');
        my $me = me($srv, $j->{access_token});
        status_is($me, 200, 'the setup token works');
        is(($me->{json} || {})->{effective_role}, 'admin', 'as an admin');
        my $again = $srv->json('POST', '/api/v1/auth/setup', { username => 'evil', password => 'long-enough-password' },
                               { Authorization => undef });
        error_is($again, 409, 'CONFLICT', 'a second setup => 409');
        $st = $srv->request('GET', '/api/v1/auth/setup', { Authorization => undef });
        ok(is_false(($st->{json} || {})->{setup_required}), 'GET /auth/setup: no longer required') or diag_res($st);
        is($srv->login('evil', 'long-enough-password'), undef, 'and made no account');
        ok($srv->login('root', 'long-enough-password'), 'root signs in with the setup password');
        security_headers_ok($srv);
        $srv->stop;

        my $full = start_server(backend => $backend, extra => $EXTRA);
        error_is($full->json('POST', '/api/v1/auth/setup', { username => 'evil', password => 'long-enough-password' },
                             { Authorization => undef }), 409, 'CONFLICT',
                 'setup on a server with an admin => 409');
        # With httpd's default header limit a 64 KiB token is refused by httpd
        # itself (400); whatever answers, it is never a success or a 5xx.
        my $huge = 'A' x 65536 . '.B.' . 'C' x 43;
        my $big = $full->raw_request(method => 'GET', path => '/api/v1/auth/me',
                                     headers => [Authorization => "Bearer $huge"]);
        ok($big->{status} == 400 || $big->{status} == 401 || $big->{status} == 431,
           'default limits: a 64 KiB token => 400, 401 or 431') or diag_res($big);
        security_headers_ok($full, skip => sub {    # httpd's own 400 page
            $_[0]{status} == 400 && ($_[0]{headers}{'content-type'} // '') =~ m{^text/html} });
        $full->stop;
    };

    subtest "$backend: login, refresh, logout, password" => sub {
        my $srv = start_server(backend => $backend, extra => "$EXTRA\nPlanningRefreshReuseGrace 2");
        my ($uid) = $srv->add_user('lena', 'developer');
        my $pw = 'pw-lena-0123456789';

        # Login: a wrong password and an unknown user look the same.
        my $wrong = $srv->json('POST', '/api/v1/auth/login', { username => 'lena', password => 'not-the-password' },
                               { Authorization => undef });
        error_is($wrong, 401, 'UNAUTHORIZED', 'wrong password => 401');
        my $nobody = $srv->json('POST', '/api/v1/auth/login', { username => 'nobody', password => 'not-the-password' },
                                { Authorization => undef });
        error_is($nobody, 401, 'UNAUTHORIZED', 'unknown user => 401');
        is(body_sans_id($nobody), body_sans_id($wrong), 'the same body for both');
        ok(!exists $wrong->{headers}{'set-cookie'}, 'a failed login sets no cookie');
        error_is($srv->json('POST', '/api/v1/auth/login', { username => 'lena' }, { Authorization => undef }),
                 400, 'VALIDATION_ERROR', 'login without a password => 400');
        error_is($srv->json('POST', '/api/v1/auth/login', { username => 'lena', password => 12345678901234 },
                            { Authorization => undef }), 400, 'VALIDATION_ERROR', 'a numeric password => 400');
        my $login = sub {
            my $r = $srv->json('POST', '/api/v1/auth/login', { username => 'lena', password => $_[0] // $pw },
                               { Authorization => undef });
            return $r->{status} == 200 ? $r->{json} : do { diag_res($r); {} };
        };
        my $s1 = $login->();
        ok($s1->{access_token} && $s1->{refresh_token}, 'login => a token pair');
        is($s1->{user}{username}, 'lena', 'login reply names the user');
        is($s1->{user}{id}, $uid, 'with the id');

        # Refresh rotation and reuse detection.
        my $refresh = sub {
            $srv->json('POST', '/api/v1/auth/refresh', { refresh_token => $_[0] }, { Authorization => undef });
        };
        my $r2 = $refresh->($s1->{refresh_token});
        status_is($r2, 200, 'refresh => 200');
        my $s2 = $r2->{json} || {};
        ok($s2->{access_token} && $s2->{refresh_token}, 'a new pair');
        isnt($s2->{refresh_token}, $s1->{refresh_token}, 'the refresh token rotated');
        status_is(me($srv, $s2->{access_token}), 200, 'the new access token works');
        status_is(me($srv, $s1->{access_token}), 200, 'the old access token still works (refresh is not logout)');
        # A refresh never leaves the session without a live token, not even
        # for a moment: requests with the access token sent while the
        # session rotates again and again are all answered (the browser's
        # background renewal runs beside the page's calls).
        {
            my $pid = open(my $kid, '-|') // die "fork: $!";
            if (!$pid) {
                my ($ok, $bad) = (0, 0);
                for (1 .. 400) {
                    my $st = me($srv, $s2->{access_token})->{status};
                    $st == 200 ? $ok++ : $bad++;
                    last if -e "$srv->{rundir}/race.done";
                }
                print "$ok $bad\n";
                POSIX::_exit(0);
            }
            my ($rt, $rotated) = ($r2->{json}{refresh_token}, 0);
            for (1 .. 150) {
                my $r = $refresh->($rt);
                last unless $r->{status} == 200;
                ($rt, $rotated) = ($r->{json}{refresh_token}, $rotated + 1);
            }
            open my $done, '>', "$srv->{rundir}/race.done" or die $!;
            my ($ok, $bad) = split ' ', scalar <$kid>;
            close $kid;
            is($rotated, 150, '150 refreshes in a row rotate');
            is($bad, 0, "an access token used during them is never refused ($ok answered)");
            $r2 = $refresh->($rt);    # the family goes on
            $s2 = $r2->{json} || {};
        }
        # A token spent moments ago, presented again while its session lives:
        # its own client lost the reply (a reload during a background
        # refresh) or asked twice; it gets a successor, nothing ends.
        {
            my $g1 = $login->();
            my $g2 = $refresh->($g1->{refresh_token})->{json} || {};
            my $again = $refresh->($g1->{refresh_token});
            status_is($again, 200, 'a token spent a moment ago renews within PlanningRefreshReuseGrace');
            isnt($again->{json}{refresh_token} // '', $g2->{refresh_token} // '', '... with a successor of its own');
            status_is($refresh->($g2->{refresh_token}), 200, '... and the reply it lost still renews: the session goes on');
            my $h1 = $login->();
            my $h2 = $refresh->($h1->{refresh_token})->{json} || {};
            status_is($srv->json('POST', '/api/v1/auth/logout', { refresh_token => $h2->{refresh_token} },
                                 { Authorization => undef }), 204, 'a sign-out');
            error_is($refresh->($h1->{refresh_token}), 401, 'UNAUTHORIZED',
                     'after it, a token spent a moment ago renews nothing');
        }
        sleep 2;    # past the grace: a reuse now is a stolen copy
        my $s_other = $login->();    # another session of the same user
        my $reuse = $refresh->($s1->{refresh_token});
        error_is($reuse, 401, 'UNAUTHORIZED', 'reusing a rotated refresh token => 401');
        error_is($refresh->($s2->{refresh_token}), 401, 'UNAUTHORIZED',
                 'reuse revoked the family: the successor is refused too');
        my $r3 = $refresh->($s_other->{refresh_token});
        status_is($r3, 200, "another session's refresh token is unaffected");
        error_is($refresh->('plr_1_' . ('A' x 43)), 401, 'UNAUTHORIZED', 'an invented refresh token => 401');
        error_is($refresh->($s_other->{access_token}), 401, 'UNAUTHORIZED', 'an access token as refresh token => 401');
        error_is($srv->json('POST', '/api/v1/auth/refresh', {}, { Authorization => undef }), 401, 'UNAUTHORIZED',
                 'refresh with nothing => 401');

        # Logout.
        my $s4 = $login->();
        status_is(me($srv, $s4->{access_token}), 200, 'a fresh session works');
        my $out = $srv->json('POST', '/api/v1/auth/logout', { refresh_token => $s4->{refresh_token} },
                             { Authorization => undef });
        status_is($out, 204, 'logout => 204');
        error_is(me($srv, $s4->{access_token}), 401, 'UNAUTHORIZED', 'its access token => 401 at once');
        error_is($refresh->($s4->{refresh_token}), 401, 'UNAUTHORIZED', 'its refresh token => 401');
        # Issue 10 item 9: logout ends that session only.
        status_is(me($srv, ($r3->{json} || {})->{access_token} // 'x'), 200,
                  "logout ends its session only: the user's other session goes on");
        # A second logout with the revoked token is refused: an old token must
        # not be able to end the user's newer sessions.
        my $out2 = $srv->json('POST', '/api/v1/auth/logout', { refresh_token => $s4->{refresh_token} },
                              { Authorization => undef });
        error_is($out2, 401, 'UNAUTHORIZED', 'a second logout with the revoked token => 401');
        error_is($refresh->($s4->{refresh_token}), 401, 'UNAUTHORIZED', 'the refresh token stays dead');
        status_is(me($srv, $srv->{token}), 200, "another user's token is unaffected");

        # Issue 9 item 3: logout with a Bearer access token ends that token's session.
        my $s8 = $login->();
        my $s9 = $login->();
        my $bo = $srv->request('POST', '/api/v1/auth/logout', { Authorization => "Bearer $s8->{access_token}" });
        status_is($bo, 204, 'logout with only a Bearer access token => 204');
        error_is(me($srv, $s8->{access_token}), 401, 'UNAUTHORIZED', 'that access token => 401 at once');
        error_is($refresh->($s8->{refresh_token}), 401, 'UNAUTHORIZED', "and its session's refresh token => 401");
        status_is(me($srv, $s9->{access_token}), 200, 'the other session goes on');
        error_is($srv->request('POST', '/api/v1/auth/logout', { Authorization => "Bearer $s8->{access_token}" }),
                 401, 'UNAUTHORIZED', 'a second Bearer logout with the ended token => 401');
        error_is($srv->request('POST', '/api/v1/auth/logout', { Authorization => undef }), 401, 'UNAUTHORIZED',
                 'logout with no credential at all => 401');
        # Ending every session is its own call.
        my $s10 = $login->();
        error_is($srv->request('POST', '/api/v1/auth/logout-all', { Authorization => undef }), 401, 'UNAUTHORIZED',
                 'logout-all without credentials => 401');
        status_is($srv->request('POST', '/api/v1/auth/logout-all', { Authorization => "Bearer $s10->{access_token}" }),
                  204, 'POST /auth/logout-all => 204');
        error_is(me($srv, $s9->{access_token}), 401, 'UNAUTHORIZED', "logout-all: another session's access token => 401");
        error_is($refresh->($s9->{refresh_token}), 401, 'UNAUTHORIZED', "logout-all: another session's refresh token => 401");
        error_is(me($srv, $s10->{access_token}), 401, 'UNAUTHORIZED', "logout-all: the caller's own token => 401");
        status_is(me($srv, $srv->{token}), 200, "logout-all: another user's token is unaffected");

        # Password change.
        my $s5 = $login->();
        my $s6 = $login->();
        my $bad = $srv->json('PUT', '/api/v1/auth/password',
                             { current_password => 'not-the-password', new_password => 'a-new-password-0123' },
                             { Authorization => "Bearer $s5->{access_token}" });
        error_is($bad, 400, 'VALIDATION_ERROR', 'wrong current password => 400');
        status_is(me($srv, $s5->{access_token}), 200, 'a refused change ends nothing');
        error_is($srv->json('PUT', '/api/v1/auth/password',
                            { current_password => $pw, new_password => 'short' },
                            { Authorization => "Bearer $s5->{access_token}" }),
                 400, 'VALIDATION_ERROR', 'a too short new password => 400');
        my $chg = $srv->json('PUT', '/api/v1/auth/password',
                             { current_password => $pw, new_password => 'a-new-password-0123' },
                             { Authorization => "Bearer $s5->{access_token}" });
        status_is($chg, 200, 'password change => 200');
        my $s7 = $chg->{json} || {};
        ok($s7->{access_token} && $s7->{refresh_token}, 'with a new pair');
        error_is(me($srv, $s5->{access_token}), 401, 'UNAUTHORIZED', 'the old access token => 401');
        error_is(me($srv, $s6->{access_token}), 401, 'UNAUTHORIZED', "another session's access token => 401");
        error_is($refresh->($s6->{refresh_token}), 401, 'UNAUTHORIZED', "another session's refresh token => 401");
        error_is($refresh->($s5->{refresh_token}), 401, 'UNAUTHORIZED', 'the old refresh token => 401');
        status_is(me($srv, $s7->{access_token}), 200, 'the new access token works');
        status_is($refresh->($s7->{refresh_token}), 200, 'the new refresh token works');
        is($srv->login('lena', $pw), undef, 'the old password no longer signs in');
        ok($srv->login('lena', 'a-new-password-0123'), 'the new one does');
        security_headers_ok($srv);
        $srv->stop;
    };

    subtest "$backend: session cookies and CSRF" => sub {
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        $srv->add_user('cleo', 'developer');
        my $r = $srv->json('POST', '/api/v1/auth/login', { username => 'cleo', password => 'pw-cleo-0123456789' },
                           { Authorization => undef });
        status_is($r, 200, 'login');
        my $c = cookies_of($r);
        for my $n (qw(pl_access pl_refresh pl_csrf)) {
            ok($c->{$n} && length $c->{$n}{value}, "login sets $n") or diag_res($r);
        }
        my ($a, $f, $x) = map { $c->{$_} || {} } qw(pl_access pl_refresh pl_csrf);
        is($a->{value}, $r->{json}{access_token}, 'pl_access holds the access token');
        is($f->{value}, $r->{json}{refresh_token}, 'pl_refresh holds the refresh token');
        for my $pair ([pl_access => $a], [pl_refresh => $f]) {
            my ($n, $ck) = @$pair;
            ok($ck->{httponly}, "$n is HttpOnly") or diag($ck->{line} // '');
            ok($ck->{secure}, "$n is Secure") or diag($ck->{line} // '');
            is(lc($ck->{samesite} // ''), 'strict', "$n is SameSite=Strict");
        }
        is($a->{path}, '/', 'pl_access Path=/');
        is($f->{path}, '/api/v1/auth', 'pl_refresh Path=/api/v1/auth');
        ok(!$x->{httponly}, 'pl_csrf is readable by scripts (not HttpOnly)') or diag($x->{line} // '');
        ok($x->{secure}, 'pl_csrf is Secure');
        is(lc($x->{samesite} // ''), 'strict', 'pl_csrf is SameSite=Strict');
        cmp_ok(length($x->{value} // ''), '>=', 32, 'pl_csrf has at least 32 characters');

        my $jar = "pl_access=$a->{value}; pl_csrf=$x->{value}";
        my $me = $srv->request('GET', '/api/v1/auth/me', { Authorization => undef, Cookie => $jar });
        status_is($me, 200, 'a cookie-authenticated GET works');
        is(($me->{json} || {})->{authenticated_by}, 'cookie', 'authenticated_by cookie');
        is(($me->{json} || {})->{user}{username}, 'cleo', 'as cleo');

        my $settings = sub { $srv->request('GET', '/api/v1/users/me/settings', { Authorization => undef, Cookie => $jar }) };
        my $put = sub {
            my ($hdrs) = @_;
            $srv->json('PUT', '/api/v1/users/me/settings', { theme => 'dark' },
                       { Authorization => undef, Cookie => $jar, %$hdrs });
        };
        error_is($put->({}), 403, 'CSRF_FAILED', 'cookie PUT without X-CSRF-Token => 403 CSRF_FAILED');
        error_is($put->({ 'X-CSRF-Token' => 'x' . substr($x->{value} // '', 1) }), 403, 'CSRF_FAILED',
                 'cookie PUT with a wrong X-CSRF-Token => 403');
        error_is($put->({ 'X-CSRF-Token' => '' }), 403, 'CSRF_FAILED', 'cookie PUT with an empty X-CSRF-Token => 403');
        is(($settings->()->{json} || {})->{theme}, 'system', 'the refused PUTs changed nothing');
        my $post = $srv->json('POST', '/api/v1/auth/keys', { name => 'k', scopes => ['read'] },
                              { Authorization => undef, Cookie => $jar });
        error_is($post, 403, 'CSRF_FAILED', 'cookie POST without X-CSRF-Token => 403 CSRF_FAILED');
        # Only pl_access, no pl_csrf cookie: a header alone is not enough.
        error_is($srv->json('PUT', '/api/v1/users/me/settings', { theme => 'dark' },
                            { Authorization => undef, Cookie => "pl_access=$a->{value}", 'X-CSRF-Token' => $x->{value} }),
                 403, 'CSRF_FAILED', 'X-CSRF-Token without the pl_csrf cookie => 403');
        status_is($put->({ 'X-CSRF-Token' => $x->{value} }), 200, 'cookie PUT with the right X-CSRF-Token => 200');
        is(($settings->()->{json} || {})->{theme}, 'dark', 'and it took effect');
        my $ok = $srv->json('POST', '/api/v1/auth/keys', { name => 'k', scopes => ['read'] },
                            { Authorization => undef, Cookie => $jar, 'X-CSRF-Token' => $x->{value} });
        status_is($ok, 201, 'cookie POST with the right X-CSRF-Token => 201');
        # Bearer requests need no CSRF header.
        my $cleo = $r->{json}{access_token};
        status_is($srv->json('PUT', '/api/v1/users/me/settings', { theme => 'light' }, { Authorization => "Bearer $cleo" }),
                  200, 'a Bearer PUT needs no CSRF header');
        # Refresh through the cookie.
        # Refresh through the cookie, as a browser's fetch() sends it: POST
        # with no body, which is Content-Length: 0 (HTTP::Tiny does the same).
        # Issue 10 item 9: the cookie refreshes and logs out only with the
        # CSRF header (a page on a sibling subdomain cannot end the session).
        my $fjar = "pl_refresh=$f->{value}; pl_csrf=$x->{value}";
        for my $case ([[], 'no X-CSRF-Token'], [['X-CSRF-Token' => 'x' . substr($x->{value} // '', 1)], 'a wrong X-CSRF-Token'],
                      [['Content-Type' => 'text/plain'], 'a text/plain form post']) {
            for my $what (qw(refresh logout)) {
                error_is($srv->raw_request(method => 'POST', path => "/api/v1/auth/$what",
                                           headers => [Authorization => '', Cookie => $fjar, @{ $case->[0] }]),
                         403, 'CSRF_FAILED', "cookie $what with $case->[1] => 403 CSRF_FAILED");
            }
        }
        error_is($srv->raw_request(method => 'POST', path => '/api/v1/auth/logout',
                                   headers => [Authorization => '', Cookie => "pl_access=$a->{value}; pl_csrf=$x->{value}"]),
                 403, 'CSRF_FAILED', 'cookie logout with only the access cookie, no header => 403');
        status_is($me = $srv->request('GET', '/api/v1/auth/me', { Authorization => undef, Cookie => $jar }), 200,
                  'the refused requests ended nothing');
        my $rf = $srv->raw_request(method => 'POST', path => '/api/v1/auth/refresh',
                                   headers => [Authorization => '', Cookie => $fjar, 'X-CSRF-Token' => $x->{value}]);
        status_is($rf, 200, 'refresh with the pl_refresh cookie and the CSRF header, no body => 200');
        my $c2 = cookies_of($rf);
        ok($c2->{pl_refresh} && $c2->{pl_refresh}{value} ne $f->{value}, 'refresh sets a new pl_refresh cookie');
        my $x2 = ($c2->{pl_csrf} || {})->{value} // '';
        my $rf0 = $srv->raw_request(method => 'POST', path => '/api/v1/auth/refresh', body => '',
                                    headers => [Authorization => '', 'X-CSRF-Token' => $x2,
                                                Cookie => 'pl_refresh=' . (($c2->{pl_refresh} || {})->{value} // '')
                                                          . "; pl_csrf=$x2"]);
        status_is($rf0, 200, 'refresh with the pl_refresh cookie, the header and Content-Length: 0 => 200');
        my $c3 = cookies_of($rf0);
        my ($f3, $x3, $a3) = map { (($c3->{$_} || {})->{value}) // '' } qw(pl_refresh pl_csrf pl_access);
        my $other = $srv->login('cleo', 'pw-cleo-0123456789');
        my $lo = $srv->raw_request(method => 'POST', path => '/api/v1/auth/logout',
                                   headers => [Authorization => '', 'X-CSRF-Token' => $x3,
                                               Cookie => "pl_refresh=$f3; pl_csrf=$x3; pl_access=$a3"]);
        status_is($lo, 204, 'cookie logout with the CSRF header => 204');
        error_is($srv->request('GET', '/api/v1/auth/me', { Authorization => undef, Cookie => "pl_access=$a3" }), 401,
                 'UNAUTHORIZED', "the session's access cookie => 401");
        error_is(me($srv, $cleo), 401, 'UNAUTHORIZED', "the same session's token from the login reply => 401");
        status_is(me($srv, $other), 200, "cleo's other session goes on");
        security_headers_ok($srv);
        $srv->stop;
    };

    subtest "$backend: password edge cases (SECURITY 7)" => sub {
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my $nul = '{"username":"nul","password":"abcdefghijkl\u0000mnopqrstuvwxyz","role":"developer"}';
        error_is($srv->json('POST', '/api/v1/users', $nul), 400, undef, 'create a user with a NUL in the password => 400');
        error_is($srv->json('POST', '/api/v1/auth/login', '{"username":"admin","password":"'
                            . $PlanningTest::ADMIN_PASSWORD . '\u0000anything"}', { Authorization => undef }),
                 400, undef, 'login with a NUL after the right password => 400');
        error_is($srv->json('POST', '/api/v1/auth/login', '{"username":"admin\u0000x","password":"x"}',
                            { Authorization => undef }), 400, undef, 'a NUL in the user name => 400');
        is($srv->login('nul', 'abcdefghijkl'), undef, 'the NUL user does not exist (prefix)');
        error_is($srv->json('PUT', '/api/v1/auth/password', '{"current_password":"' . $PlanningTest::ADMIN_PASSWORD
                            . '","new_password":"abcdefghijkl\u0000mnop"}'), 400, undef,
                 'a new password with a NUL => 400');
        ok($srv->login('admin', $PlanningTest::ADMIN_PASSWORD), 'the admin password is unchanged');

        # Over 72 bytes: no bcrypt-style truncation.
        my $long = join '', map { chr(65 + $_ % 26) } 0 .. 99;
        status_is($srv->json('POST', '/api/v1/users', { username => 'longpw', password => $long, role => 'viewer' }),
                  201, 'a user with a 100-byte password');
        is($srv->login('longpw', substr($long, 0, 72)), undef, 'its first 72 bytes do not sign in');
        is($srv->login('longpw', substr($long, 0, 72) . 'x' x 28), undef,
           'the first 72 bytes and a different tail do not sign in');
        ok($srv->login('longpw', $long), 'the full 100 bytes do');
        my $u = "p\x{e9}\x{e9}-unicode-password";
        status_is($srv->json('POST', '/api/v1/users', { username => 'uni', password => $u, role => 'viewer' }),
                  201, 'a user with a non-ASCII password');
        ok($srv->login('uni', $u), 'signs in with it');

        # 1 MB: refused, never a crash or a 5xx.
        my $mb = 'p' x (1024 * 1024);
        for my $case (['login', '/api/v1/auth/login', { username => 'admin', password => $mb }, { Authorization => undef }],
                      ['create user', '/api/v1/users', { username => 'huge', password => $mb, role => 'viewer' }, {}],
                      ['create user, 1,025 bytes', '/api/v1/users',
                       { username => 'huge2', password => 'p' x 1025, role => 'viewer' }, {}]) {
            my ($name, $path, $body, $h) = @$case;
            my $r = $srv->json('POST', $path, $body, $h);
            ok($r->{status} == 400 || $r->{status} == 413, "$name with a huge password => 400 or 413")
                or diag_res($r);
        }
        my $r = $srv->json('POST', '/api/v1/auth/login', { username => 'admin', password => 'p' x 2000 },
                           { Authorization => undef });
        ok($r->{status} == 400 || $r->{status} == 401, 'login with a 2,000-byte password => 400 or 401')
            or diag_res($r);
        is($srv->login('huge2', 'p' x 1025), undef, 'the 1,025-byte user was not made');
        ok($srv->login('admin', $PlanningTest::ADMIN_PASSWORD), 'the server still answers logins');
        security_headers_ok($srv);
        $srv->stop;
    };
}

subtest 'signing key and directives (SECURITY 6)' => sub {
    my $dir = tempdir_shared();
    my $short = "$dir/short.key";
    PlanningTest::spew($short, 'k' x 10);
    my $good = "$dir/good.key";
    PlanningTest::spew($good, join '', map { chr int rand 256 } 1 .. 32);

    my ($rc, $out) = config_test(keyfile => $good);
    is($rc, 0, 'a 32-byte key file is accepted (control)') or diag($out);

    ($rc, $out) = config_test(keyfile => 'none');
    isnt($rc, 0, 'no PlanningTokenKeyFile: apache2 -t fails');
    like($out, qr/PlanningTokenKeyFile/, '... and names PlanningTokenKeyFile') or diag($out);
    like($out, qr/PLN00103/, '... with PLN00103') or diag($out);

    ($rc, $out) = config_test(keyfile => 'none', extra => "PlanningTokenKeyFile $dir/missing.key");
    isnt($rc, 0, 'a missing key file: apache2 -t fails');
    like($out, qr/PlanningTokenKeyFile.*cannot read/s, '... saying it cannot read it') or diag($out);

    ($rc, $out) = config_test(keyfile => $short);
    isnt($rc, 0, 'a 10-byte key: apache2 -t fails');
    like($out, qr/PlanningTokenKeyFile/, '... and names PlanningTokenKeyFile') or diag($out);
    like($out, qr/holds 10 bytes/, '... and says it holds 10 bytes') or diag($out);

    ($rc, $out) = config_test(keyfile => 'none', extra => "PlanningTokenKeyFile $dir");
    isnt($rc, 0, 'a directory as key file: apache2 -t fails');
    like($out, qr/PlanningTokenKeyFile/, '... and names PlanningTokenKeyFile') or diag($out);

    my $empty = "$dir/empty.key";
    PlanningTest::spew($empty, '');
    ($rc, $out) = config_test(keyfile => $empty);
    isnt($rc, 0, 'an empty key file: apache2 -t fails');
    like($out, qr/PlanningTokenKeyFile/, '... and names PlanningTokenKeyFile') or diag($out);

    for my $case (['PlanningAccessTokenLifetime 5', 'PlanningAccessTokenLifetime 30'],
                  ['PlanningAccessTokenLifetime 86401', 'PlanningAccessTokenLifetime 86400'],
                  ['PlanningRefreshTokenLifetime 299', 'PlanningRefreshTokenLifetime 300'],
                  ['PlanningRefreshReuseGrace 61', 'PlanningRefreshReuseGrace 0'],
                  ['PlanningApacheUserRole god', 'PlanningApacheUserRole developer'],
                  ['PlanningLoginRateLimit x', 'PlanningLoginRateLimit 0'],
                  ['PlanningLoginRateLimit -1', 'PlanningLoginRateLimit 5'],
                  ['PlanningAPIRateLimit 1e3', 'PlanningAPIRateLimit 1000'],
                  ['PlanningTrustApacheUser maybe', 'PlanningTrustApacheUser On']) {
        my ($bad, $fine) = @$case;
        my ($name) = $bad =~ /^(\S+)/;
        ($rc, $out) = config_test(extra => $bad);
        isnt($rc, 0, "'$bad' is refused");
        like($out, qr/\Q$name\E/, "... and the message names $name") or diag($out);
        ($rc, $out) = config_test(extra => $fine);
        is($rc, 0, "'$fine' is accepted") or diag($out);
    }
};

done_testing;
