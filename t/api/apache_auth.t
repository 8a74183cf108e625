#!/usr/bin/env perl
# PlanningTrustApacheUser (/tmp/plan/AUTH.md): with mod_auth_basic in front,
# the user Apache authenticated maps to an account made on first sight
# (source "apache", role from PlanningApacheUserRole); with the directive Off
# such a request is 401 from the module; a wrong Basic password is refused
# by mod_auth_basic before the module runs.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use MIME::Base64 qw(encode_base64);
use PlanningTest qw(:all);

PlanningTest::require_build();

my $mods = `apxs -q LIBEXECDIR`;
chomp $mods;
plan skip_all => "no mod_auth_basic under '$mods'" unless -f "$mods/mod_auth_basic.so";
plan skip_all => 'htpasswd (apache2-utils) not installed' unless system('sh', '-c', 'command -v htpasswd >/dev/null') == 0;

my $dir = tempdir_shared();
my $htpasswd = "$dir/htpasswd";
my %PW = (alice => 'alice-secret-0123', bob => 'bob-secret-0123', 'bad name' => 'bad-secret-0123',
          # another realm's "admin" (not the module's local admin) and an
          # Apache user who becomes an admin there (PlanningApacheUserRole admin)
          admin => 'other-realm-admin-0123', carol => 'carol-secret-0123');
my $first = 1;
for my $u (sort keys %PW) {
    system('sh', '-c', 'htpasswd "$@" 2>/dev/null', 'htpasswd', '-b', ($first ? '-c' : ()), '-B', $htpasswd, $u, $PW{$u}) == 0
        or BAIL_OUT("htpasswd failed for $u");
    $first = 0;
}
chmod 0644, $htpasswd;

sub basic { { Authorization => 'Basic ' . encode_base64("$_[0]:$_[1]", '') } }

sub extra {
    my ($trust, $role) = @_;
    return join "\n",
        (map { "LoadModule ${_}_module $mods/mod_$_.so" } qw(auth_basic authn_file authn_core authz_user)),
        'PlanningLoginRateLimit 0',
        "PlanningTrustApacheUser $trust",
        (defined $role ? "PlanningApacheUserRole $role" : ()),
        '<Location /api/v1>',
        '    AuthType Basic',
        '    AuthName test',
        "    AuthUserFile \"$htpasswd\"",
        '    Require valid-user',
        '</Location>';
}

# mod_auth_basic logs each refusal it makes at level error.
my @BASIC_LOG = (qr/\bAH01617: user alice: authentication failure/, qr/\bAH01618: user mallory not found/,
                 qr/\bAH01614: client used wrong authentication scheme/);

# httpd's own replies (mod_auth_basic's 401 page) are not the module's.
my $not_module = sub { ($_[0]{headers}{'content-type'} // '') =~ m{^text/html} };

sub basic_refused {
    my ($res, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($res->{status}, 401, "$name => 401") or diag_res($res);
    like($res->{headers}{'www-authenticate'} // '', qr/^Basic realm="test"/, "$name: refused by mod_auth_basic");
}

for my $backend (backends()) {
    subtest "$backend: PlanningTrustApacheUser On" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}], admin => 0, extra => extra('On', 'developer'));
        $srv->expect_log(@BASIC_LOG);
        my $me = $srv->request('GET', '/api/v1/auth/me', basic(alice => $PW{alice}));
        status_is($me, 200, 'Basic alice => /auth/me 200');
        my $j = $me->{json} || {};
        is($j->{authenticated_by}, 'apache', 'authenticated_by apache');
        is($j->{user}{username}, 'alice', 'username alice');
        is($j->{user}{source}, 'apache', 'source apache');
        is($j->{user}{role}, 'developer', 'role from PlanningApacheUserRole');
        is($j->{effective_role}, 'developer', 'effective_role developer');
        my $again = $srv->request('GET', '/api/v1/auth/me', basic(alice => $PW{alice}));
        is(($again->{json} || {})->{user}{id}, $j->{user}{id}, 'the same account the second time');
        is($srv->sql("SELECT username, source, role, status FROM users WHERE username = 'alice'"),
           "alice\tapache\tdeveloper\tactive\n", 'the account is in the users table');
        is($srv->sql("SELECT COUNT(*) FROM users WHERE username = 'alice'"), "1\n", 'exactly once');
        is($srv->sql("SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL AND username = 'alice'"), "0\n",
           'with no password of its own');

        basic_refused($srv->request('GET', '/api/v1/auth/me', basic(alice => 'wrong-password')), 'a wrong Basic password');
        basic_refused($srv->request('GET', '/api/v1/auth/me', basic(mallory => 'whatever')), 'an unknown Basic user');
        basic_refused($srv->request('GET', '/api/v1/auth/me', { Authorization => undef }), 'no credentials');
        basic_refused($srv->request('GET', '/api/v1/auth/me', { Authorization => 'Bearer x.y.z' }),
                      'a Bearer token (mod_auth_basic wants Basic)');
        is($srv->sql("SELECT COUNT(*) FROM users WHERE username = 'mallory'"), "0\n", 'no account for the refused user');

        # What a developer may do, and not more.
        my $p = $srv->json('POST', '/api/v1/projects', { name => 'ap', local_path => project_dir($R, 'ap') },
                           basic(alice => $PW{alice}));
        status_is($p, 201, 'alice (developer) creates a project');
        is(($p->{json} || {})->{owner_id}, $j->{user}{id}, '... and owns it') if exists(($p->{json} || {})->{owner_id});
        error_is($srv->request('GET', '/api/v1/users', basic(alice => $PW{alice})), 403, 'FORBIDDEN',
                 'alice cannot list users (admin route)');
        my $bob = $srv->request('GET', "/api/v1/projects/" . (($p->{json} || {})->{id} // 0), basic(bob => $PW{bob}));
        error_is($bob, 404, 'NOT_FOUND', "bob (another Apache user) cannot see alice's project");
        # The Basic password is Apache's, not the module's.
        error_is($srv->json('POST', '/api/v1/auth/login', { username => 'alice', password => $PW{alice} },
                            basic(alice => $PW{alice})), 401, 'UNAUTHORIZED',
                 "the module's login does not accept the Apache user's Basic password");
        error_is($srv->json('PUT', '/api/v1/auth/password', { current_password => $PW{alice}, new_password => 'new-password-0123' },
                            basic(alice => $PW{alice})), 403, 'FORBIDDEN', 'an Apache user has no password to change');
        # A name the module would not accept as an account name.
        error_is($srv->request('GET', '/api/v1/auth/me', basic('bad name' => $PW{'bad name'})), 401, 'UNAUTHORIZED',
                 'an Apache user name that is not a valid account name => 401 from the module');
        is($srv->sql("SELECT COUNT(*) FROM users WHERE username = 'bad name'"), "0\n", '... and no account');
        # Disabled by an admin: the Apache login no longer gets in.
        $srv->sql("UPDATE users SET status = 'disabled' WHERE username = 'alice'");
        error_is($srv->request('GET', '/api/v1/auth/me', basic(alice => $PW{alice})), 401, 'UNAUTHORIZED',
                 'a disabled Apache account => 401');
        status_is($srv->request('GET', '/api/v1/auth/me', basic(bob => $PW{bob})), 200, 'bob is unaffected');
        security_headers_ok($srv, skip => $not_module);
        $srv->stop;
    };

    subtest "$backend: PlanningTrustApacheUser On, default role" => sub {
        my $srv = start_server(backend => $backend, admin => 0, extra => extra('On'));
        my $me = $srv->request('GET', '/api/v1/auth/me', basic(bob => $PW{bob}));
        status_is($me, 200, 'Basic bob => 200');
        is(($me->{json} || {})->{user}{role}, 'viewer', 'the default PlanningApacheUserRole is viewer');
        status_is($srv->json('PUT', '/api/v1/users/me/settings', { theme => 'dark' }, basic(bob => $PW{bob})),
                  200, 'Apache-authenticated writes need no CSRF header (not a cookie session)');
        security_headers_ok($srv, skip => $not_module);
        $srv->stop;
    };

    # Issue 10 item 3: an Apache user never becomes a local account by name.
    subtest "$backend: a local account's name from Apache is refused until an admin links it" => sub {
        my $srv = start_server(backend => $backend, extra => extra('On', 'admin'));
        $srv->expect_log(@BASIC_LOG);
        my $admin_id = $srv->sql("SELECT id FROM users WHERE username = 'admin'") =~ s/\s+//gr;
        is($srv->sql("SELECT source FROM users WHERE username = 'admin'"), "local\n", 'the local admin is local');
        my $carol = $srv->request('GET', '/api/v1/auth/me', basic(carol => $PW{carol}));
        status_is($carol, 200, 'carol (a new Apache user) gets in');
        is((($carol->{json} || {})->{user} || {})->{source}, 'apache', '... as an apache account');
        my $r = $srv->request('GET', '/api/v1/auth/me', basic(admin => $PW{admin}));
        error_is($r, 403, 'FORBIDDEN', 'Apache user "admin" (another realm) => 403, not the local admin');
        like((($r->{json} || {})->{error} || {})->{message} // '', qr/local account.*admin must\s+link/s,
             '... with a message that says why and what to do');
        unlike($r->{content}, qr/"role"\s*:\s*"admin"/, '... and nothing of the account');
        error_is($srv->request('GET', '/api/v1/users', basic(admin => $PW{admin})), 403, 'FORBIDDEN',
                 '... on an admin route too');
        is($srv->sql("SELECT source, role FROM users WHERE username = 'admin'"), "local\tadmin\n",
           'the local account is unchanged');
        my $log = PlanningTest::slurp($srv->error_log);
        like($log, qr/PLN01301: Apache authenticated "admin".*PATCH \/api\/v1\/users\/$admin_id \{"source":"apache"\}/,
             'the error log says what an admin can do');
        my $audit = $srv->request('GET', '/api/v1/audit?action=auth.apache&limit=200', basic(carol => $PW{carol}));
        status_is($audit, 200, 'carol (admin) reads the audit log');
        my @a = @{ ($audit->{json} || {})->{items} || [] };
        ok((grep { $_->{outcome} eq 'failure' && ($_->{actor} // '') eq 'admin' && ($_->{target_id} // '') eq $admin_id } @a),
           'the refusal is audited') or diag_res($audit);

        # An admin links them explicitly; then the name maps to the account.
        error_is($srv->json('PATCH', "/api/v1/users/$admin_id", { source => 'ldap' }, basic(carol => $PW{carol})),
                 400, 'VALIDATION_ERROR', 'source "ldap" => 400');
        my $link = $srv->json('PATCH', "/api/v1/users/$admin_id", { source => 'apache' }, basic(carol => $PW{carol}));
        status_is($link, 200, 'an admin links the account (source apache)');
        is((($link->{json} || {})->{source}), 'apache', '... and the reply says so');
        my $me = $srv->request('GET', '/api/v1/auth/me', basic(admin => $PW{admin}));
        status_is($me, 200, 'the linked name now gets in');
        is((($me->{json} || {})->{user} || {})->{id}, $admin_id, '... as that account');
        status_is($srv->json('PATCH', "/api/v1/users/$admin_id", { source => 'local' }, basic(carol => $PW{carol})),
                  200, 'and unlinks it');
        error_is($srv->request('GET', '/api/v1/auth/me', basic(admin => $PW{admin})), 403, 'FORBIDDEN',
                 'unlinked: refused again');
        security_headers_ok($srv, skip => $not_module);
        $srv->stop;
    };

    subtest "$backend: PlanningTrustApacheUser Off" => sub {
        my $srv = start_server(backend => $backend, admin => 0, extra => extra('Off', 'admin'));
        $srv->expect_log(@BASIC_LOG);
        my $r = $srv->request('GET', '/api/v1/auth/me', basic(alice => $PW{alice}));
        error_is($r, 401, 'UNAUTHORIZED', 'a Basic-authenticated request => 401 from the module');
        like($r->{headers}{'www-authenticate'} // '', qr/^Bearer/, '... with a Bearer challenge');
        error_is($srv->request('GET', '/api/v1/projects', basic(alice => $PW{alice})), 401, 'UNAUTHORIZED',
                 'GET /projects too');
        is($srv->sql("SELECT COUNT(*) FROM users"), "0\n", 'no account was made');
        basic_refused($srv->request('GET', '/api/v1/auth/me', basic(alice => 'wrong')), 'a wrong Basic password');
        security_headers_ok($srv, skip => $not_module);
        $srv->stop;
    };
}

done_testing;
