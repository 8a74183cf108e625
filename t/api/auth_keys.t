#!/usr/bin/env perl
# API keys (/tmp/plan/AUTH.md; SECURITY.md item 10): shown once, accepted
# only as "Authorization: Bearer pl_..."; wrong secret, unknown id, revoked
# and expired keys get the same 401; scopes narrow the owner's role; a
# project-limited key reaches only its project; keys cannot make keys; one
# user cannot see or revoke another's.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP;
use MIME::Base64 ();
use PlanningTest qw(:all);

PlanningTest::require_build();

my $J = JSON::PP->new->canonical->utf8;
my $EXTRA = "PlanningLoginRateLimit 0";

sub bearer { { Authorization => "Bearer $_[0]" } }

sub refused_alike {
    my ($res, $ref, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    error_is($res, 401, 'UNAUTHORIZED', "$name => 401");
    is(body_sans_id($res), body_sans_id($ref), "$name: the same body as any refused credential") or diag_res($res);
}

sub names { [ sort map { $_->{name} } @{ ($_[0]{json} || {})->{items} || [] } ] }

for my $backend (backends()) {
    subtest "$backend: API keys" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}], extra => $EXTRA);
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my ($out_id, $outsider) = $srv->add_user('outsider', 'developer');
        my ($view_id, $viewer) = $srv->add_user('viewer', 'viewer');

        my $mkproj = sub {
            my ($name, $tok) = @_;
            my $r = $srv->json('POST', '/api/v1/projects', { name => $name, local_path => project_dir($R, $name) },
                               bearer($tok));
            status_is($r, 201, "create project $name");
            return ($r->{json} || {})->{id};
        };
        my $A = $mkproj->('alpha', $dev);
        my $B = $mkproj->('beta', $dev);

        my $mkkey = sub {
            my ($tok, %body) = @_;
            my $r = $srv->json('POST', '/api/v1/auth/keys', \%body, bearer($tok));
            status_is($r, 201, "create key $body{name}");
            return $r->{json} || {};
        };

        # Creation and its reply.
        my $kr = $mkkey->($dev, name => 'ci-read', scopes => ['read']);
        like($kr->{key} // '', qr/^pl_\d+_[A-Za-z0-9_-]{43}$/, 'key is pl_<id>_<43 characters>');
        is($kr->{prefix}, "pl_$kr->{id}_", 'prefix is pl_<id>_');
        is(substr($kr->{key} // '', 0, length($kr->{prefix} // 'x')), $kr->{prefix}, 'the key starts with its prefix');
        is_deeply($kr->{scopes}, ['read'], 'scopes');
        ok(exists $kr->{expires_at} && !defined $kr->{expires_at}, 'no expiry unless asked');
        my $kw = $mkkey->($dev, name => 'ci-write', scopes => ['read', 'write']);
        my $kA = $mkkey->($dev, name => 'ci-alpha', scopes => ['write'], project_id => $A);
        is($kA->{project_id}, $A, 'project_id is kept');
        my $kexp = $mkkey->($dev, name => 'ci-expiring', scopes => ['read'], expires_in_days => 1);
        ok(defined $kexp->{expires_at}, 'expires_in_days gives an expires_at');
        my $ka  = $mkkey->($srv->{token}, name => 'admin-all', scopes => ['admin']);
        my $kaA = $mkkey->($srv->{token}, name => 'admin-alpha', scopes => ['admin'], project_id => $A);
        my $kar = $mkkey->($srv->{token}, name => 'admin-read', scopes => ['read']);

        # Validation.
        for my $bad ([{ name => 'x', scopes => [] }, 'empty scopes'],
                     [{ name => 'x', scopes => ['root'] }, 'unknown scope'],
                     [{ name => 'x', scopes => 'read' }, 'scopes not an array'],
                     [{ name => '', scopes => ['read'] }, 'empty name'],
                     [{ name => 'x', scopes => ['read'], expires_in_days => 0 }, 'expires_in_days 0'],
                     [{ name => 'x', scopes => ['read'], expires_in_days => 3651 }, 'expires_in_days 3651'],
                     [{ name => 'x', scopes => ['read'], expires_in_days => '5' }, 'expires_in_days a string'],
                     [{ name => 'x', scopes => ['read'], project_id => 'alpha' }, 'project_id a string'],
                     [{ name => 'x', scopes => ['read'], owner => 1 }, 'unknown field']) {
            my $r = $srv->json('POST', '/api/v1/auth/keys', $bad->[0], bearer($dev));
            error_is($r, 400, undef, "create key with $bad->[1] => 400");
        }
        error_is($srv->json('POST', '/api/v1/auth/keys', { name => 'x', scopes => ['write'] }, bearer($viewer)),
                 403, 'FORBIDDEN', 'a viewer asking for a write key => 403');
        error_is($srv->json('POST', '/api/v1/auth/keys', { name => 'x', scopes => ['admin'] }, bearer($dev)),
                 403, 'FORBIDDEN', 'a developer asking for an admin key => 403');
        error_is($srv->json('POST', '/api/v1/auth/keys', { name => 'x', scopes => ['read'], project_id => $A },
                            bearer($outsider)), 404, 'NOT_FOUND', 'a key for a project one cannot see => 404');
        error_is($srv->json('POST', '/api/v1/auth/keys', { name => 'x', scopes => ['read'], project_id => 999999 },
                            bearer($dev)), 404, 'NOT_FOUND', 'a key for no project => 404');

        # Using keys.
        my $me = $srv->request('GET', '/api/v1/auth/me', bearer($kr->{key}));
        status_is($me, 200, 'a read key works');
        my $mj = $me->{json} || {};
        is($mj->{authenticated_by}, 'api_key', 'authenticated_by api_key');
        is($mj->{user}{username}, 'dev', "as its owner");
        is($mj->{effective_role}, 'viewer', 'read scope: effective role viewer');
        is(($mj->{api_key} || {})->{id}, $kr->{id}, '/auth/me names the key');
        unlike($me->{content}, qr/\Q$kr->{key}\E/, '/auth/me does not echo the secret');
        status_is($srv->request('GET', '/api/v1/projects', bearer($kr->{key})), 200, 'read key: GET /projects');
        status_is($srv->request('GET', "/api/v1/projects/$A", bearer($kr->{key})), 200, 'read key: GET /projects/A');
        error_is($srv->json('POST', '/api/v1/projects', { name => 'gamma', local_path => project_dir($R, 'gamma') },
                            bearer($kr->{key})), 403, 'FORBIDDEN', 'read key: POST /projects => 403');
        error_is($srv->json('PATCH', "/api/v1/projects/$A", { description => 'x' }, bearer($kr->{key})),
                 403, 'FORBIDDEN', 'read key: PATCH /projects/A => 403');
        my $g = $srv->json('POST', '/api/v1/projects', { name => 'gamma', local_path => project_dir($R, 'gamma') },
                           bearer($kw->{key}));
        status_is($g, 201, 'write key: POST /projects => 201');
        is(($srv->request('GET', '/api/v1/auth/me', bearer($kw->{key}))->{json} || {})->{effective_role},
           'developer', 'write scope: effective role developer');
        status_is($srv->request('GET', '/api/v1/users', bearer($ka->{key})), 200, 'admin key: GET /users');
        error_is($srv->request('GET', '/api/v1/users', bearer($kar->{key})), 403, 'FORBIDDEN',
                 "an admin's read key: GET /users => 403");
        error_is($srv->json('POST', '/api/v1/projects', { name => 'delta', local_path => project_dir($R, 'delta') },
                            bearer($kar->{key})), 403, 'FORBIDDEN', "an admin's read key: POST /projects => 403");

        # Issue 10 item 2: a read key changes nothing, not even its user's
        # settings or keys; keys are managed with a session or an admin key.
        my $settings0 = $srv->request('GET', '/api/v1/users/me/settings', bearer($dev))->{content};
        error_is($srv->json('PUT', '/api/v1/users/me/settings', { theme => 'dark' }, bearer($kr->{key})),
                 403, 'FORBIDDEN', 'read key: PUT /users/me/settings => 403');
        is($srv->request('GET', '/api/v1/users/me/settings', bearer($dev))->{content}, $settings0, '... unchanged');
        error_is($srv->request('DELETE', "/api/v1/auth/keys/$kw->{id}", bearer($kr->{key})), 403, 'FORBIDDEN',
                 "read key: DELETE its user's write key => 403");
        status_is($srv->request('GET', '/api/v1/projects', bearer($kw->{key})), 200, '... and the write key still works');
        error_is($srv->request('DELETE', "/api/v1/auth/keys/$kr->{id}", bearer($kr->{key})), 403, 'FORBIDDEN',
                 'read key: DELETE itself => 403');
        error_is($srv->json('POST', "/api/v1/prompts/1/render", { variables => {} }, bearer($kr->{key})), 403, 'FORBIDDEN',
                 'read key: a POST that only reads (render) => 403 too: safe methods only');
        error_is($srv->json('POST', '/api/v1/auth/logout-all', {}, bearer($kr->{key})), 403, 'FORBIDDEN',
                 'read key: POST /auth/logout-all => 403');
        status_is($srv->request('HEAD', '/api/v1/projects', bearer($kr->{key})), 200, 'read key: HEAD is safe');
        for my $k ([$kr, 'read key'], [$kw, 'write key']) {
            error_is($srv->json('POST', '/api/v1/auth/keys', { name => 'child', scopes => ['read'] }, bearer($k->[0]{key})),
                     403, 'FORBIDDEN', "$k->[1] cannot create keys");
            error_is($srv->request('GET', '/api/v1/auth/keys', bearer($k->[0]{key})), 403, 'FORBIDDEN',
                     "$k->[1] cannot list keys");
        }
        error_is($srv->request('DELETE', "/api/v1/auth/keys/$kr->{id}", bearer($kw->{key})), 403, 'FORBIDDEN',
                 'write key: DELETE a key => 403');
        my $child = $srv->json('POST', '/api/v1/auth/keys', { name => 'child', scopes => ['read'] }, bearer($ka->{key}));
        status_is($child, 201, 'an admin-scoped key may create a key');
        status_is($srv->request('GET', '/api/v1/auth/keys', bearer($ka->{key})), 200, '... list keys');
        status_is($srv->request('DELETE', '/api/v1/auth/keys/' . (($child->{json} || {})->{id} // 0), bearer($ka->{key})),
                  204, '... and revoke one');
        error_is($srv->json('PUT', '/api/v1/auth/password',
                            { current_password => 'pw-dev-0123456789', new_password => 'another-password-1' },
                            bearer($kw->{key})), 403, 'FORBIDDEN', 'a key cannot change the password');
        ok($srv->login('dev', 'pw-dev-0123456789'), "dev's password is unchanged");
        $dev = $srv->login('dev', 'pw-dev-0123456789');

        # A project-limited key.
        my $lp = $srv->request('GET', '/api/v1/projects', bearer($kA->{key}));
        status_is($lp, 200, 'project key: GET /projects');
        is_deeply(names($lp), ['alpha'], 'lists only its project');
        is_deeply(names($srv->request('GET', '/api/v1/projects', bearer($dev))), [qw(alpha beta gamma)],
                  '(its owner sees three)');
        status_is($srv->request('GET', "/api/v1/projects/$A", bearer($kA->{key})), 200, 'project key: its project');
        status_is($srv->json('PATCH', "/api/v1/projects/$A", { description => 'by key' }, bearer($kA->{key})),
                  200, 'project key: PATCH its project');
        error_is($srv->request('GET', "/api/v1/projects/$B", bearer($kA->{key})), 403, 'FORBIDDEN',
                 'project key: another project of its owner => 403');
        error_is($srv->json('PATCH', "/api/v1/projects/$B", { description => 'by key' }, bearer($kA->{key})),
                 403, 'FORBIDDEN', 'project key: PATCH another project => 403');
        isnt(($srv->request('GET', "/api/v1/projects/$B", bearer($dev))->{json} || {})->{description}, 'by key',
             '... and it was not changed');
        error_is($srv->request('GET', "/api/v1/projects/$B/members", bearer($kA->{key})), 403, 'FORBIDDEN',
                 "project key: another project's members => 403");
        error_is($srv->request('GET', '/api/v1/users', bearer($kaA->{key})), 403, 'FORBIDDEN',
                 "an admin's project key: GET /users => 403");
        error_is($srv->request('GET', '/api/v1/audit', bearer($kaA->{key})), 403, 'FORBIDDEN',
                 "an admin's project key: GET /audit => 403");
        error_is($srv->request('GET', '/api/v1/auth/keys', bearer($kA->{key})), 403, 'FORBIDDEN',
                 'project key: GET /auth/keys => 403');
        error_is($srv->json('POST', '/api/v1/projects', { name => 'eps', local_path => project_dir($R, 'eps') },
                            bearer($kA->{key})), 403, 'FORBIDDEN', 'project key: POST /projects => 403');
        error_is($srv->request('GET', '/api/v1/users/me/settings', bearer($kA->{key})), 403, 'FORBIDDEN',
                 'project key: settings => 403');
        status_is($srv->request('GET', '/api/v1/auth/me', bearer($kA->{key})), 200, 'project key: /auth/me');
        status_is($srv->request('GET', '/api/v1/health', bearer($kA->{key})), 200, 'project key: /health');
        status_is($srv->request('GET', '/api/v1/routes', bearer($kA->{key})), 200, 'project key: /routes');

        # Listing never shows a secret.
        my $list = $srv->request('GET', '/api/v1/auth/keys', bearer($dev));
        status_is($list, 200, 'GET /auth/keys');
        my @items = @{ ($list->{json} || {})->{items} || [] };
        is(scalar @items, 4, "dev's four keys are listed");
        is(($list->{json} || {})->{total}, 4, 'total 4');
        is_deeply([ sort map { $_->{name} } @items ], [qw(ci-alpha ci-expiring ci-read ci-write)], "only dev's keys");
        ok(!(grep { exists $_->{key} || grep { /hash|secret/ } keys %$_ } @items), 'no key, hash or secret field');
        my @secrets = map { (split /_/, $_->{key}, 3)[2] } $kr, $kw, $kA, $kexp;
        ok(!(grep { index($list->{content}, $_) >= 0 } @secrets), 'no secret anywhere in the listing');
        my $alist = $srv->request('GET', '/api/v1/auth/keys');
        is_deeply([ sort map { $_->{name} } @{ ($alist->{json} || {})->{items} || [] } ],
                  [qw(admin-all admin-alpha admin-read child)], "the admin's listing holds only the admin's keys (and the one its admin key made)");
        is($srv->request('GET', '/api/v1/auth/keys', bearer($kr->{key}))->{status}, 403,
           'a read key may not list its owner\'s keys');

        # Refused keys: all the same 401.
        my $ref = $srv->request('GET', '/api/v1/auth/me', bearer('pl_999999_' . ('A' x 43)));
        error_is($ref, 401, 'UNAUTHORIZED', 'unknown key id => 401');
        my $wrong = $kr->{key};
        substr($wrong, -5, 5) = substr($wrong, -5, 5) eq 'AAAAA' ? 'BBBBB' : 'AAAAA';
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer($wrong)), $ref, 'wrong secret');
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer("pl_$kr->{id}_")), $ref, 'no secret');
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer(substr($kr->{key}, 0, -1))), $ref, 'secret one short');
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer("$kr->{key}A")), $ref, 'secret one long');
        my $swapped = "pl_$kw->{id}_" . (split /_/, $kr->{key}, 3)[2];
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer($swapped)), $ref, "one key's secret under another id");
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer("pl_x$kr->{id}_" . (split /_/, $kr->{key}, 3)[2])),
                      $ref, 'non-numeric id');

        # Sent another way: ignored, so a protected route is 401.
        my $k = $kr->{key};
        for my $way (['cookie pl_access', '/api/v1/auth/me', { Authorization => undef, Cookie => "pl_access=$k" }],
                     ['X-API-Key header', '/api/v1/auth/me', { Authorization => undef, 'X-API-Key' => $k }],
                     ['?api_key= query', "/api/v1/auth/me?api_key=$k", { Authorization => undef }],
                     ['?access_token= query', "/api/v1/auth/me?access_token=$k", { Authorization => undef }],
                     ['Authorization: Token', '/api/v1/auth/me', { Authorization => "Token $k" }],
                     ['Authorization: ApiKey', '/api/v1/auth/me', { Authorization => "ApiKey $k" }],
                     ['Authorization: Basic', '/api/v1/auth/me', { Authorization => 'Basic ' . MIME::Base64::encode_base64("dev:$k", '') }]) {
            my ($name, $path, $h) = @$way;
            error_is($srv->request('GET', $path, $h), 401, 'UNAUTHORIZED', "key as $name => 401");
        }
        # A real Bearer token wins over the other forms; they do not widen it.
        my $both = $srv->json('POST', '/api/v1/projects', { name => 'zeta', local_path => project_dir($R, 'zeta') },
                              { Authorization => "Bearer $kr->{key}", 'X-API-Key' => $kw->{key},
                                Cookie => "pl_access=$dev" });
        error_is($both, 403, 'FORBIDDEN', 'a read key with a write key in X-API-Key and a session cookie => 403');

        # Revocation.
        my $cross = $srv->request('DELETE', "/api/v1/auth/keys/$ka->{id}", bearer($dev));
        error_is($cross, 404, 'NOT_FOUND', "DELETE another user's key => 404");
        status_is($srv->request('GET', '/api/v1/users', bearer($ka->{key})), 200, '... and that key still works');
        error_is($srv->request('DELETE', "/api/v1/auth/keys/$ka->{id}", bearer($outsider)), 404, 'NOT_FOUND',
                 "DELETE another user's key (other developer) => 404");
        error_is($srv->request('DELETE', '/api/v1/auth/keys/999999', bearer($dev)), 404, 'NOT_FOUND',
                 'DELETE no key => 404');
        status_is($srv->request('DELETE', "/api/v1/auth/keys/$kr->{id}", bearer($dev)), 204, 'revoke own key => 204');
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer($kr->{key})), $ref, 'revoked key');
        refused_alike($srv->request('GET', '/api/v1/projects', bearer($kr->{key})), $ref, 'revoked key on /projects');
        my $after = $srv->request('GET', '/api/v1/auth/keys', bearer($dev));
        my ($rk) = grep { $_->{id} == $kr->{id} } @{ ($after->{json} || {})->{items} || [] };
        ok($rk && defined $rk->{revoked_at}, 'the listing shows revoked_at') or diag_res($after);
        status_is($srv->request('DELETE', "/api/v1/auth/keys/$kw->{id}"), 204, "the admin revokes dev's key => 204");
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer($kw->{key})), $ref, 'key revoked by the admin');

        # Expiry: set in the database (no waiting days).
        status_is($srv->request('GET', '/api/v1/auth/me', bearer($kexp->{key})), 200, 'the expiring key works today');
        $srv->sql("UPDATE api_keys SET expires_at = '2001-01-01T00:00:00.000Z' WHERE id = $kexp->{id}");
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer($kexp->{key})), $ref, 'expired key');

        # The owner's role bounds the key: demoted, then deleted.
        status_is($srv->request('GET', "/api/v1/projects/$A", bearer($kA->{key})), 200, 'project key works');
        status_is($srv->json('PATCH', "/api/v1/users/$dev_id", { role => 'viewer' }), 200, 'demote dev to viewer');
        error_is($srv->json('PATCH', "/api/v1/projects/$A", { description => 'after demotion' }, bearer($kA->{key})),
                 403, 'FORBIDDEN', "a write key of a demoted owner cannot write");
        is(($srv->request('GET', '/api/v1/auth/me', bearer($kA->{key}))->{json} || {})->{effective_role}, 'viewer',
           'effective role = min(user role, scope)');
        status_is($srv->request('DELETE', "/api/v1/users/$dev_id"), 204, 'delete dev');
        refused_alike($srv->request('GET', '/api/v1/auth/me', bearer($kA->{key})), $ref, "a deleted owner's key");

        security_headers_ok($srv);
        $srv->stop;
    };
}

done_testing;
