#!/usr/bin/env perl
# GET /api/v1/openapi.json: the OpenAPI document (doc/openapi/, joined by
# script/openapi-join) names every route of the route table and no other,
# its error codes are those of lib/core/pl_errors.c, Redocly's linter passes
# it (t/openapi), and the module serves it with its ETag. That every reply
# of the live suite matches it is checked by the harness (PlanningContract).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);
use JSON::PP;

PlanningTest::require_build();
my $ROOT = repo_root();
my $REDOCLY = "$ROOT/t/openapi/node_modules/.bin/redocly";

# "GET /api/v1/servers/{server}/models/{name}" for each route; {name*} (a
# parameter that may hold slashes) is {name} in OpenAPI, marked x-slashes.
sub route_keys {
    my ($routes) = @_;
    return sort map { my $p = $_->{path}; $p =~ s/\*\}/}/g; "$_->{method} $p" } @$routes;
}

sub document_keys {
    my ($doc) = @_;
    my @keys;
    for my $path (keys %{ $doc->{paths} }) {
        push @keys, map { uc($_) . " $path" }
                    grep { /^(?:get|put|post|delete|patch)$/ } keys %{ $doc->{paths}{$path} };
    }
    return sort @keys;
}

# The differences of two sorted lists, as text.
sub missing_from {
    my ($what, $have, $want) = @_;
    my %have = map { $_ => 1 } @$have;
    return map { "$_: not in $what" } grep { !$have{$_} } @$want;
}

for my $backend (backends()) {
    subtest "$backend: the document and the route table" => sub {
        my $srv = start_server(backend => $backend);
        my $r = $srv->request('GET', '/api/v1/openapi.json', { Authorization => undef });
        status_is($r, 200, 'anyone may read the document');
        like($r->{headers}{'content-type'} // '', qr{^application/json}, 'as JSON');
        like($r->{headers}{'cache-control'} // '', qr/public, max-age=\d+/, 'cacheable');
        my $etag = $r->{headers}{etag} // '';
        like($etag, qr/^"[0-9a-f]{32}"$/, 'with the ETag of its bytes');
        my $doc = $r->{json} || {};
        like($doc->{openapi} // '', qr/^3\.1\./, 'OpenAPI 3.1');

        my $again = $srv->request('GET', '/api/v1/openapi.json', { 'If-None-Match' => $etag });
        status_is($again, 304, 'If-None-Match with its ETag: 304');
        is($again->{content} // '', '', 'without a body');
        status_is($srv->request('GET', '/api/v1/openapi.json', { 'If-None-Match' => '"other"' }), 200,
                  'another ETag: the document');

        my $routes = $srv->request('GET', '/api/v1/routes')->{json}{routes} || [];
        cmp_ok(scalar @$routes, '>', 100, 'the route table');
        my @routes = route_keys($routes);
        my @documented = document_keys($doc);
        my @bad = (missing_from('the document', \@documented, \@routes),
                   missing_from('the route table', \@routes, \@documented));
        ok(!@bad, scalar(@routes) . ' routes, each documented, and nothing else documented')
            or diag(join "\n", @bad);

        # every path parameter of a route has its entry, in the path
        my @params;
        for my $path (sort keys %{ $doc->{paths} }) {
            my @names = $path =~ /\{([^}]+)\}/g;
            for my $m (grep { ref $doc->{paths}{$path}{$_} eq 'HASH' } keys %{ $doc->{paths}{$path} }) {
                my %given = map { $_->{in} eq 'path' ? ($_->{name} => 1) : () }
                            grep { $_->{in} } @{ $doc->{paths}{$path}{$m}{parameters} || [] };
                push @params, map { "$m $path: {$_} is not a parameter" } grep { !$given{$_} } @names;
            }
        }
        ok(!@params, 'every path parameter is described') or diag(join "\n", @params);

        # the error codes: those of lib/core/pl_errors.c, which script/error-codes prints
        my ($rc, $table) = PlanningTest::run_cmd("$ROOT/script/error-codes");
        my @codes = sort $table =~ /^\| `([A-Z_]+)` \|/mg;
        cmp_ok(scalar @codes, '>', 50, 'script/error-codes lists the codes');
        is_deeply([sort @{ $doc->{components}{schemas}{ErrorCode}{enum} || [] }], \@codes,
                  'ErrorCode names every code of lib/core/pl_errors.c');
        $srv->stop;
    };
}

# The harness's check can fail: replies that break the document are caught.
subtest 'the contract check catches what does not match' => sub {
    PlanningContract::load();
    my $health = { method => 'GET', path => '/api/v1/health', status => 200, type => 'application/json' };
    my $check = sub { PlanningContract::problem({ %$health, %{ $_[0] } }) };
    is($check->({ body => '{"status":"ok","version":"1.0.0","database":{"driver":"sqlite3","reachable":true}}' }),
       undef, 'a reply as documented passes');
    like($check->({ body => '{"status":42}' }), qr/status: Expected string/, 'a property of another type');
    like($check->({ status => 201, body => '{}' }), qr/does not document status 201/, 'an undocumented status');
    like($check->({ type => 'text/html', body => '<p>' }), qr{text/html is not documented}, 'an undocumented content type');
    like($check->({ status => 404, body => '{"error":{"code":"NO_SUCH_CODE","message":"x","request_id":"r"}}' }),
         qr/Not in enum/, 'an error code that is not in ErrorCode');
    like($check->({ path => '/api/v1/no-such-route', status => 200, body => '{}' }), qr/not a documented reply/,
         'a path of no route that answers other than 404/405');
    is($check->({ path => '/api/v1/no-such-route', status => 404,
                  body => '{"error":{"code":"NOT_FOUND","message":"x","request_id":"r"}}' }), undef,
       "the router's 404 in the error shape passes");
    my $job = { method => 'GET', path => '/api/v1/jobs/1/events', status => 200, type => 'text/event-stream', body => '' };
    is(PlanningContract::problem({ %$job, events => [{ event => 'progress', data => { id => 1, state => 'running' } }] }),
       undef, 'a stream whose events are documented passes');
    like(PlanningContract::problem({ %$job, events => [{ event => 'surprise', data => {} }] }),
         qr/event surprise is not in x-events/, 'an undocumented event');
    like(PlanningContract::problem({ %$job, events => [{ event => 'progress', data => { state => 'exploded' } }] }),
         qr/event progress: .*enum/, "an event's data that does not match");
};

subtest 'Redocly lints the document' => sub {
    plan skip_all => "Redocly is not installed: run script/bootstrap (npm ci in t/openapi)"
        unless -x $REDOCLY;
    my ($rc, $out) = PlanningTest::run_cmd('node', $REDOCLY, 'lint', '--format=stylish',
                                           '--config', "$ROOT/t/openapi/redocly.yaml",
                                           "$PlanningTest::BUILD/openapi.json");
    is($rc, 0, 'redocly lint passes (its recommended rules; t/openapi/redocly.yaml says why any is off)')
        or diag($out);
    unlike($out, qr/\d+ warnings?\b/, 'without warnings') or diag($out);
};

done_testing;
