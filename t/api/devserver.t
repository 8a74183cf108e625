#!/usr/bin/env perl
# The development server's configuration, made as script/server makes it
# (script/server-conf): a model server on loopback (a local Ollama) is
# allowed out of the box, and var/planning.local.conf is written once as a
# commented example, Included on every start and never rewritten. SQLite
# only, as script/server runs.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();
plan(skip_all => 'script/server runs on SQLite') unless grep { $_ eq 'sqlite3' } backends();

sub slurp { open my $fh, '<', $_[0] or return undef; local $/; <$fh> }

my $fake = start_fake();
my $var = tempdir_shared();
my $local = "$var/planning.local.conf";

subtest 'first start: loopback model servers allowed, an example local file' => sub {
    my $srv = start_server(backend => 'sqlite3', var => $var);
    my $conf = slurp($srv->conf);
    like($conf, qr/^PlanningModelServerAllow 127\.0\.0\.0\/8 ::1$/m, 'loopback allowed');
    like($conf, qr/^IncludeOptional "\Q$local\E"$/m, 'the local file is Included');
    unlike($conf, qr/PlanningNoSuchDirective/, 'PL_EXTRA is not read');

    ok(-f $local, 'the local file was written');
    my @live = grep { /\S/ && !/^\s*#/ } split /\n/, slurp($local) // '';
    is_deeply(\@live, [], 'every line of the example is a comment');

    my $r = $srv->json('POST', '/api/v1/servers', { name => 'local', base_url => $fake->{url} });
    status_is($r, 201, "POST /servers with $fake->{url} (a local Ollama)");
    like($fake->{url}, qr{^http://127\.0\.0\.1:}, 'the stand-in is on loopback');
    my $t = $srv->request('GET', "/api/v1/servers/$r->{json}{id}/test");
    ok($t->{json}{reachable}, 'and it is reachable') or diag_res($t);
    status_is($srv->json('POST', '/api/v1/servers',
                         { name => 'v6', base_url => 'http://[::1]:11434' }), 201, '::1 too');

    # the default body limit (1 MiB) takes 4 KiB
    status_is($srv->json('POST', '/api/v1/threads', { title => 'x' x 200, system_prompt => 'y' x 4000 }),
              201, 'a 4 KiB body is taken by default');
    $srv->stop;
};

subtest 'a later start: the local file is kept and its directives apply' => sub {
    my $mine = "# mine\nPlanningMaxBodySize 1024\n";
    open my $fh, '>', $local or die "$local: $!";
    print $fh $mine;
    close $fh;
    my $srv = start_server(backend => 'sqlite3', var => $var, admin => 0);
    is(slurp($local), $mine, 'the local file is not rewritten');
    my $token = $srv->login($PlanningTest::ADMIN_USER, $PlanningTest::ADMIN_PASSWORD);
    ok($token, 'the database was kept: the admin signs in') or diag_res($srv->{last_login});
    $srv->{token} = $token;
    error_is($srv->json('POST', '/api/v1/threads', { title => 'x' x 200, system_prompt => 'y' x 4000 }),
             413, 'PAYLOAD_TOO_LARGE', 'PlanningMaxBodySize from the local file applies');
    my $list = $srv->request('GET', '/api/v1/servers');
    is(scalar @{ $list->{json}{items} || [] }, 2, 'the servers added before are there');
    $srv->stop;
};

done_testing;
