#!/usr/bin/env perl
# Background jobs against the Ollama stand-in: a model pull answered 202
# and run by a child's mod_watchdog callback, its progress over SSE with
# Ollama's real status sequence, a cancel that aborts the transfer upstream,
# failures kept in the job, who sees which job, and a job whose process died
# taken over by another once its lease runs out.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);
use PlanningSSE;

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\nPlanningJobLease 5";

# Polls the job until test says yes (or 30 s pass); returns the last reply.
sub wait_job {
    my ($srv, $id, $test) = @_;
    my $r;
    for (1 .. 150) {
        $r = $srv->request('GET', "/api/v1/jobs/$id");
        return $r if $r->{json} && $test->($r->{json});
        sleep 0.2;
    }
    return $r;
}

sub ended { $_[0]{state} =~ /^(?:succeeded|failed|canceled)$/ }

for my $backend (backends()) {
    subtest "$backend: model pull" => sub {
        my $fake = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my $sid = $srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} })->{json}{id};

        # A line every 350 ms: the events endpoint reads the row every 250 ms,
        # so it sees every status Ollama sends.
        fake_control($fake, 'POST', 'config', { pull_delay_ms => 350 });
        my $p = $srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'gemma3:1b' });
        status_is($p, 202, 'a pull is accepted as a job');
        my $job = $p->{json} || {};
        like($p->{headers}{location} // '', qr{/api/v1/jobs/$job->{id}$}, 'Location names the job');
        is($job->{kind}, 'model.pull', 'kind');
        is($job->{state}, 'queued', 'queued');
        is_deeply($job->{payload}, { model => 'gemma3:1b' }, 'the payload names the model');
        is($job->{server_id}, $sid, 'and the server');

        my ($st, $ev) = $srv->sse('GET', "/api/v1/jobs/$job->{id}/events", undef,
                                  until => sub { $_[0]{event} ne 'progress' }, timeout => 60);
        is($st, 200, 'events: 200');
        is($ev->[-1]{event}, 'done', 'the stream ends with done') or diag explain $ev;
        is($ev->[-1]{data}{state}, 'succeeded', 'the job succeeded');
        is_deeply([ map { $_->{id} } @$ev ], [ 1 .. @$ev ], 'every event has an increasing id');
        my @status;
        for (grep { $_->{event} eq 'progress' && defined $_->{data}{status} } @$ev) {
            push @status, $_->{data}{status} unless @status && $status[-1] eq $_->{data}{status};
        }
        my @layers = grep { /^pulling [0-9a-f]{12}$/ } @status;
        is(scalar @layers, 5, 'five layers pulled') or diag explain \@status;
        is_deeply(\@status, [ 'pulling manifest', @layers, 'verifying sha256 digest', 'writing manifest' ],
                  "Ollama's status sequence, in order") or diag explain \@status;
        my %seen;
        my $monotonic = 1;
        for my $e (grep { $_->{event} eq 'progress' && $_->{data}{digest} } @$ev) {
            my $d = $e->{data};
            $monotonic = 0 if defined $seen{ $d->{digest} } && $d->{completed} < $seen{ $d->{digest} };
            $monotonic = 0 unless $d->{total} && $d->{completed} <= $d->{total};
            $monotonic = 0 unless $d->{digest} =~ /^sha256:[0-9a-f]{64}$/ && $d->{status} eq 'pulling ' . substr($d->{digest}, 7, 12);
            $seen{ $d->{digest} } = $d->{completed};
        }
        ok($monotonic && keys %seen == 5, 'digest, completed and total per layer, completed never going back')
            or diag explain $ev;
        ok((grep { $_->{event} eq 'progress' && $_->{data}{percent} > 0 && $_->{data}{percent} < 100 } @$ev),
           'a percent between 0 and 100 on the way');

        # The overall figure: bytes over every layer seen so far, by digest.
        my @pe = map { $_->{data} } grep { $_->{event} eq 'progress' } @$ev;
        my @ov = map { $_->{overall_percent} } @pe;
        ok(!(grep { !defined $ov[$_] || $ov[$_] < $ov[ $_ - 1 ] } 1 .. $#ov), 'overall_percent never goes back')
            or diag explain \@ov;
        ok((grep { $_ > 0 && $_ < 100 } @ov), 'an overall percent between 0 and 100 on the way');
        ok(!(grep { $_->{overall_percent} == 100 && $_->{status} ne 'success' } @pe), '100 overall only at success');
        ok((grep { $_->{percent} == 100 && $_->{overall_percent} < 100 } @pe),
           'a layer done is not the pull done') or diag explain \@pe;
        my %layer_total;
        $layer_total{ $_->{digest} } = $_->{total} for grep { $_->{digest} } @pe;
        my $sum = 0;
        $sum += $_ for values %layer_total;
        my ($last) = grep { defined $_->{overall_total} } reverse @pe;
        is($last->{overall_total}, $sum, 'overall_total is the sum of the layers\' totals');
        ok(!(grep { defined $_->{overall_total} && $_->{overall_completed} > $_->{overall_total} } @pe),
           'overall_completed within overall_total');
        is($pe[0]{overall_total}, undef, 'unknown (null) before the first layer');

        my $g = $srv->request('GET', "/api/v1/jobs/$job->{id}");
        status_is($g, 200, 'GET the job');
        is($g->{json}{progress}{percent}, 100, '100 %');
        is($g->{json}{progress}{overall_percent}, 100, '100 % overall');
        is($g->{json}{progress}{overall_completed}, $sum, 'every byte of every layer');
        is($g->{json}{progress}{status}, 'success', 'status success');
        is_deeply($g->{json}{result}, { model => 'gemma3:1b' }, 'the result');
        ok($g->{json}{started_at} && $g->{json}{finished_at}, 'started and finished');
        is($g->{json}{attempts}, 1, 'one attempt');
        my $up = (fake_control($fake, 'GET', 'log?path=/api/pull') || [])->[-1] || {};
        is($up->{body}{model}, 'gemma3:1b', 'the stand-in was asked for the model');
        my $m = $srv->request('GET', "/api/v1/servers/$sid/models");
        ok((grep { $_->{name} eq 'gemma3:1b' } @{ $m->{json}{items} || [] }), 'the server has the model now');

        # An ended job: the events are just "done".
        ($st, $ev) = $srv->sse('GET', "/api/v1/jobs/$job->{id}/events", undef, timeout => 10);
        is_deeply([ map { $_->{event} } @$ev ], ['done'], 'events of an ended job: done at once');

        # Cancel in the middle: the stand-in sees the transfer aborted.
        fake_control($fake, 'POST', 'config', { pull_delay_ms => 200 });
        my $c = $srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'smollm2:135m' })->{json};
        my $running = wait_job($srv, $c->{id}, sub { ($_[0]{progress}{status} // '') =~ /^pulling [0-9a-f]/ });
        is($running->{json}{state}, 'running', 'the second pull is running');
        my $x = $srv->request('POST', "/api/v1/jobs/$c->{id}/cancel");
        status_is($x, 202, 'cancel a running job => 202');
        ok($x->{json}{cancel_requested}, 'cancel_requested');
        my $t0 = time;
        my $done = wait_job($srv, $c->{id}, \&ended);
        is($done->{json}{state}, 'canceled', 'the job ends canceled');
        cmp_ok(time - $t0, '<', 3, 'within moments');
        my $log;
        for (1 .. 30) {
            $log = (fake_control($fake, 'GET', 'log?path=/api/pull') || [])->[-1] || {};
            last if $log->{aborted};
            sleep 0.1;
        }
        ok($log->{aborted} && $log->{body}{model} eq 'smollm2:135m', 'the stand-in saw the pull aborted')
            or diag explain $log;
        $m = $srv->request('GET', "/api/v1/servers/$sid/models");
        ok(!(grep { $_->{name} =~ /^smollm2/ } @{ $m->{json}{items} || [] }), 'nothing was installed');
        my $again = $srv->request('DELETE', "/api/v1/jobs/$c->{id}");
        status_is($again, 200, 'canceling an ended job => 200, unchanged');
        is($again->{json}{state}, 'canceled', 'still canceled');

        # A model the registry does not have: the job fails with Ollama's message.
        fake_control($fake, 'POST', 'config', { pull_delay_ms => 5 });
        my $u = $srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'nosuch:1b' })->{json};
        my $f = wait_job($srv, $u->{id}, \&ended)->{json};
        is($f->{state}, 'failed', 'an unknown model => failed');
        is($f->{error}{code}, 'UPSTREAM_ERROR', 'UPSTREAM_ERROR');
        is($f->{error}{message}, 'pull model manifest: file does not exist', "Ollama's message");

        # A server that does not answer.
        my $dead = PlanningTest::free_port();
        my $did = $srv->json('POST', '/api/v1/servers', { name => 'dead', base_url => "http://127.0.0.1:$dead" })->{json}{id};
        my $dj = $srv->json('POST', "/api/v1/servers/$did/models/pull", { name => 'gemma3:1b' })->{json};
        $f = wait_job($srv, $dj->{id}, \&ended)->{json};
        is($f->{state}, 'failed', 'an unreachable server => failed');
        is($f->{error}{code}, 'UPSTREAM_UNREACHABLE', 'UPSTREAM_UNREACHABLE');

        # Bad requests.
        for my $bad ('', 'llama 3', '../etc/passwd', 'a/b/c/d', '-x', 'x' x 81, 'model:', 'ns.x/model') {
            error_is($srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => $bad }), 400,
                     'VALIDATION_ERROR', "name '$bad' => 400");
        }
        error_is($srv->json('POST', "/api/v1/servers/$sid/models/pull", {}), 400, 'VALIDATION_ERROR', 'no name => 400');
        error_is($srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 7 }), 400, 'VALIDATION_ERROR',
                 'a number => 400');
        error_is($srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'x', insecure => 1 }), 400,
                 'VALIDATION_ERROR', 'an unknown field => 400');
        error_is($srv->json('POST', '/api/v1/servers/99999/models/pull', { name => 'x' }), 404, 'NOT_FOUND',
                 'an unknown server => 404');
        my $oa = $srv->json('POST', '/api/v1/servers', { name => 'oa', base_url => $fake->{url}, kind => 'openai' })->{json};
        error_is($srv->json('POST', "/api/v1/servers/$oa->{id}/models/pull", { name => 'x' }), 400, 'NOT_SUPPORTED',
                 'an OpenAI-kind server => 400');
        error_is($srv->request('GET', '/api/v1/jobs/99999'), 404, 'NOT_FOUND', 'an unknown job => 404');
        error_is($srv->request('GET', '/api/v1/jobs/abc/events'), 404, 'NOT_FOUND', 'a malformed id => 404');

        # Whose jobs: the creator's (here the admin's); another user sees none.
        my (undef, $dev) = $srv->add_user('dev', 'developer');
        my $as_dev = { Authorization => "Bearer $dev" };
        my $l = $srv->request('GET', '/api/v1/jobs', $as_dev);
        status_is($l, 200, "a developer's list");
        is($l->{json}{total}, 0, 'holds none of the admin\'s jobs');
        error_is($srv->request('GET', "/api/v1/jobs/$job->{id}", $as_dev), 404, 'NOT_FOUND', "another's job => 404");
        error_is($srv->request('POST', "/api/v1/jobs/$job->{id}/cancel", $as_dev), 404, 'NOT_FOUND',
                 "cancel another's job => 404");
        my ($es) = $srv->sse('GET', "/api/v1/jobs/$job->{id}/events", undef, token => $dev, timeout => 5);
        is($es, 404, "events of another's job => 404");
        error_is($srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'x' }, $as_dev), 403, 'FORBIDDEN',
                 'a developer cannot pull');
        my $all = $srv->request('GET', '/api/v1/jobs?limit=2');
        is($all->{json}{total}, 4, "the admin lists every job");
        is(scalar @{ $all->{json}{items} }, 2, 'limit');
        is($all->{json}{items}[0]{id}, $dj->{id}, 'newest first');
        $srv->stop;
    };

    subtest "$backend: a job's progress is followed while the user's chats fill their cap" => sub {
        my $fake = start_fake(args => ['--token-delay-ms', '100']);
        my $srv = start_server(backend => $backend, extra => "$EXTRA\nPlanningMaxStreamsPerUser 1");
        my $sid = $srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} })->{json}{id};
        my $tid = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest' })->{json}{id};
        fake_control($fake, 'POST', 'config', { endless => JSON::PP::true, pull_delay_ms => 100 });
        my $chat = PlanningSSE->start($srv, 'POST', "/api/v1/threads/$tid/messages", body => { content => 'talk on' });
        is($chat->status, 200, 'a chat generates: the one stream the user may have');
        my $job = $srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'gemma3:1b' })->{json} || {};
        my ($st, $ev) = $srv->sse('GET', "/api/v1/jobs/$job->{id}/events", undef,
                                  until => sub { $_[0]{event} ne 'progress' }, timeout => 60);
        is($st, 200, "the pull's events are followed all the same");
        is(($ev->[-1] || {})->{event}, 'done', 'to the end');
        status_is($srv->request('POST', "/api/v1/threads/$tid/stop"), 202, 'the chat stopped');
        $chat->leave;
        $srv->stop;
    };

    subtest "$backend: a job whose process died runs again" => sub {
        my $fake = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my $sid = $srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} })->{json}{id};
        fake_control($fake, 'POST', 'config', { pull_delay_ms => 150 });
        my $j = $srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'gemma3:1b' })->{json};
        wait_job($srv, $j->{id}, sub { $_[0]{state} eq 'running' });
        my ($worker) = $srv->sql("SELECT worker FROM jobs WHERE id = $j->{id}") =~ m{/(\d+)\s*$};
        ok($worker, "the row names the process running it ($worker)");
        ok($worker && kill('KILL', $worker), 'kill that child');
        # The lease (PlanningJobLease 5) runs out; a child that serves the API
        # claims the job again. These polls are its requests.
        my $r = wait_job($srv, $j->{id}, \&ended);
        is($r->{json}{state}, 'succeeded', 'the job was taken over and succeeded') or diag_res($r);
        is($r->{json}{attempts}, 2, 'on the second attempt');
        my ($other) = $srv->sql("SELECT COUNT(*) FROM jobs WHERE id = $j->{id} AND worker IS NULL") =~ /(\d+)/;
        is($other, 1, 'the worker let go of it');

        # A graceful restart hands the running job back at once; a new child
        # takes it over (no lease to wait for) and the old one exits cleanly.
        fake_control($fake, 'POST', 'config', { pull_delay_ms => 100 });
        my $g = $srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'smollm2:135m' })->{json};
        wait_job($srv, $g->{id}, sub { ($_[0]{progress}{status} // '') =~ /^pulling [0-9a-f]/ });
        my ($rc, $out) = PlanningTest::run_cmd('apache2', '-f', $srv->conf, '-k', 'graceful');
        is($rc, 0, 'graceful restart') or diag $out;
        my $t0 = time;
        $r = wait_job($srv, $g->{id}, \&ended);
        is($r->{json}{state}, 'succeeded', 'the pull finished in the new generation') or diag_res($r);
        cmp_ok(time - $t0, '<', 6.5, 'sooner than the lease (5 s) and the pull again (3 s)');
        is($r->{json}{attempts}, 1, 'a hand-back is not an attempt');
        my $pulls = grep { ($_->{body}{model} // '') eq 'smollm2:135m' } @{ fake_control($fake, 'GET', 'log?path=/api/pull') || [] };
        is($pulls, 2, 'the stand-in saw the pull begun again');
        unlike(PlanningTest::slurp($srv->error_log), qr/exit signal (?:Abort|Segmentation)/, 'no child crashed');
        $srv->stop;
    };
}

done_testing;
