#!/usr/bin/env perl
# The project list's page cache and ETag: a page is served again only while
# no write has happened since, in any child; If-None-Match gets 304; with
# PlanningListCacheSize 0 nothing is kept and the answers are the same.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

sub list { $_[0]->request('GET', '/api/v1/projects?limit=200') }
sub names { [ map { $_->{name} } @{ ($_[0]->{json} || {})->{items} || [] } ] }

for my $backend (backends()) {
    for my $size ('4M', '0') {
        subtest "$backend: PlanningListCacheSize $size" => sub {
            my $roots = make_roots();
            my $srv = start_server(backend => $backend, roots => [$roots->{root}],
                                   extra => "PlanningListCacheSize $size");
            my $a = $srv->json('POST', '/api/v1/projects',
                               { name => 'alpha', local_path => project_dir($roots, 'alpha') });
            status_is($a, 201, 'create alpha');
            my $id = ($a->{json} || {})->{id};

            my $r1 = list($srv);
            status_is($r1, 200, 'list');
            my $etag = $r1->{headers}{etag};
            like($etag // '', qr/^"[^"]+"$/, 'list has a strong ETag') or diag_res($r1);
            my $r2 = list($srv);
            is($r2->{headers}{etag}, $etag, 'same ETag while nothing changed');
            is($r2->{content}, $r1->{content}, 'same body while nothing changed');

            my $nm = $srv->request('GET', '/api/v1/projects?limit=200', { 'If-None-Match' => $etag });
            status_is($nm, 304, 'If-None-Match with the current ETag => 304');
            is(length($nm->{content} // ''), 0, '304 has no body');
            my $other = $srv->request('GET', '/api/v1/projects?limit=200',
                                      { 'If-None-Match' => '"p999999"' });
            status_is($other, 200, 'If-None-Match with another ETag => 200');

            my $b = $srv->json('POST', '/api/v1/projects',
                               { name => 'beta', local_path => project_dir($roots, 'beta') });
            status_is($b, 201, 'create beta');
            # Every child must see the write at once: 20 requests, no keep-alive.
            my @seen = map { join(',', sort @{ names(list($srv)) }) } 1 .. 20;
            is_deeply(\@seen, [('alpha,beta') x 20], 'every later list shows the new project');
            isnt(list($srv)->{headers}{etag}, $etag, 'the ETag changed with the write');
            status_is($srv->request('GET', '/api/v1/projects?limit=200', { 'If-None-Match' => $etag }),
                      200, 'the old ETag no longer gets 304');

            my $p = $srv->json('PATCH', "/api/v1/projects/$id", { description => 'changed' });
            status_is($p, 200, 'patch alpha');
            my @desc = map {
                my ($x) = grep { $_->{name} eq 'alpha' } @{ (list($srv)->{json} || {})->{items} || [] };
                $x ? $x->{description} : '';
            } 1 .. 10;
            is_deeply(\@desc, [('changed') x 10], 'every later list shows the patch');

            my $dup = $srv->json('POST', '/api/v1/projects',
                                 { name => 'beta', local_path => project_dir($roots, 'beta2') });
            status_is($dup, 409, 'a refused write');
            my $before = list($srv)->{headers}{etag};
            is(list($srv)->{headers}{etag}, $before, 'a refused write leaves the ETag alone');

            # Pages differ by query: each has its own entry.
            my $one = $srv->request('GET', '/api/v1/projects?limit=1');
            is(scalar @{ ($one->{json} || {})->{items} || [] }, 1, 'limit=1 is its own page');
            is(scalar @{ (list($srv)->{json} || {})->{items} || [] }, 2, 'limit=200 still has both');
            $srv->stop;
        };
    }
}

my ($rc, $out) = config_test(extra => 'PlanningListCacheSize lots');
isnt($rc, 0, 'PlanningListCacheSize lots is refused');
like($out, qr/PlanningListCacheSize/, 'the message names the directive');
($rc, $out) = config_test(extra => 'PlanningListCacheSize 0');
is($rc, 0, 'PlanningListCacheSize 0 is accepted') or diag($out);

done_testing;
