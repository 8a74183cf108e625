#!/usr/bin/env perl
# Error codes are UPPER_SNAKE everywhere: in a reply, in the chat's SSE
# "error" event, in a reply message's error_code and in a failed job's
# error.code; codes an earlier release stored in lower case are upper-cased
# by migration 011, and states keep their values.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(sleep);
use PlanningTest qw(:all);

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0";
my $UPPER = qr/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

for my $backend (backends()) {
    subtest "$backend: error codes" => sub {
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my $dead = PlanningTest::free_port();
        my $sid = $srv->json('POST', '/api/v1/servers', { name => 'dead', base_url => "http://127.0.0.1:$dead" })
                      ->{json}{id};
        ok($sid, 'a server that does not answer');
        my $tid = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2' })->{json}{id};

        # as a stream: the error event's code
        my ($head, $ev) = sse_post($srv, "/api/v1/threads/$tid/messages", { content => 'hi' });
        is($ev->[-1]{event}, 'error', 'the stream ends with an error event');
        is($ev->[-1]{data}{code}, 'UPSTREAM_UNREACHABLE', 'its code is UPPER_SNAKE');
        # as JSON: the error shape and the stored message
        my $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'hi', stream => JSON::PP::false });
        error_is($r, 502, 'UPSTREAM_UNREACHABLE', 'as JSON: 502 UPSTREAM_UNREACHABLE');
        my $items = $srv->request('GET', "/api/v1/threads/$tid/messages")->{json}{items} || [];
        is($items->[-1]{state}, 'incomplete', 'the state keeps its value');
        is($items->[-1]{error_code}, 'UPSTREAM_UNREACHABLE', 'the stored error_code');
        # a failed job
        my $job = $srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'gemma3:1b' })->{json};
        my $j;
        for (1 .. 150) {
            $j = $srv->request('GET', "/api/v1/jobs/$job->{id}")->{json};
            last if $j && $j->{state} =~ /^(?:succeeded|failed|canceled)$/;
            sleep 0.2;
        }
        is($j->{state}, 'failed', 'the pull failed');
        is($j->{error}{code}, 'UPSTREAM_UNREACHABLE', "the job's code");

        # What an earlier release stored: migration 011 upper-cases it.
        $srv->sql("UPDATE messages SET error_code = 'upstream_unreachable' WHERE error_code IS NOT NULL");
        $srv->sql("UPDATE jobs SET error_code = 'upstream_unreachable' WHERE error_code IS NOT NULL");
        is($srv->request('GET', "/api/v1/jobs/$job->{id}")->{json}{error}{code}, 'upstream_unreachable',
           'a lower-case code as an earlier release stored it');
        $srv->sql('DELETE FROM schema_version WHERE version = 11');
        my ($rc, $out) = PlanningTest::run_cmd($PlanningTest::CLI, 'migrate', '--driver', $backend,
                                               '--params', $srv->params, '--schema-dir', repo_root() . '/schema');
        is($rc, 0, 'planning migrate applies 011') or diag $out;
        $srv->sql('SELECT 1');   # the SQLite files stay the children's
        $items = $srv->request('GET', "/api/v1/threads/$tid/messages")->{json}{items} || [];
        is($items->[-1]{error_code}, 'UPSTREAM_UNREACHABLE', "a message's code is upper-cased");
        is($items->[-1]{state}, 'incomplete', 'and its state is not');
        $j = $srv->request('GET', "/api/v1/jobs/$job->{id}")->{json};
        is($j->{error}{code}, 'UPSTREAM_UNREACHABLE', "a job's code is upper-cased");
        is($j->{state}, 'failed', 'and its state is not');
        like($_->{error_code} // 'NONE', $UPPER, "message $_->{id}: UPPER_SNAKE or none") for @$items;
        $srv->stop;
    };
}

done_testing;
