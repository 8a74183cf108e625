#!/usr/bin/env perl
# Threads and messages against the Ollama stand-in: a reply as JSON and as
# Server-Sent Events (one event per token, as they come), the user's message
# kept whatever happens (SECURITY.md 23), failures named by code, failover
# before the first token, and a client that leaves stopping the model (24).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(time sleep);
use POSIX ();
use PlanningTest qw(:all);
use PlanningSSE;

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0";

# The last chat the stand-in saw (stream true): a title request (stream
# false) may follow a thread's first reply.
sub last_chat {
    my ($fake) = @_;
    my @chats = grep { ref $_->{body} && !(JSON::PP::is_bool($_->{body}{stream}) && !$_->{body}{stream}) }
                @{ fake_control($fake, 'GET', 'log?path=/api/chat') || [] };
    return $chats[-1] ? $chats[-1]{body} : {};
}

# An SSE reply: [events], each {id, event, data, at}; leave_after N closes
# the connection after N events, as a client that goes away.
sub sse {
    my ($srv, $path, $body, %o) = @_;
    my $s = PlanningSSE->start($srv, 'POST', $path, body => $body, token => $o{token});
    my @events;
    while (my $e = $s->next_event(30)) {
        push @events, $e;
        if ($o{leave_after} && @events >= $o{leave_after}) { $s->leave; last }
    }
    return ($s->{head}, \@events);
}

for my $backend (backends()) {
    subtest "$backend: chat" => sub {
        my $fake = start_fake(args => ['--token-delay-ms', '40']);
        # no grace: a client that leaves stops the model at once
        my $srv = start_server(backend => $backend, extra => "$EXTRA\nPlanningStreamGrace 0");
        status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
                  'a model server');
        my $th = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest', system_prompt => 'Be brief.',
                                                        options => { temperature => 0.2, num_ctx => 2048 } });
        status_is($th, 201, 'a thread');
        my $tid = $th->{json}{id};

        my $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'hello there', stream => JSON::PP::false });
        status_is($r, 201, 'a reply as JSON');
        is($r->{json}{message}{content}, 'Echo: hello there [end]', 'the model answered');
        is($r->{json}{message}{state}, 'complete', 'complete');
        cmp_ok($r->{json}{message}{completion_tokens}, '>', 0, 'token counts');
        my $up = last_chat($fake);
        is($up->{messages}[0]{role}, 'system', 'the system prompt went first');
        is($up->{options}{num_ctx}, 2048, 'the options went upstream');

        my ($head, $ev) = sse_post($srv, "/api/v1/threads/$tid/messages", { content => 'one two three' });
        like($head, qr{content-type: text/event-stream}i, 'an event stream');
        is_deeply([ map { $_->{event} } @$ev ], [qw(start token token token token token done)],
                  'start, a token per word, done') or diag explain $ev;
        my ($pos, @ids) = (0, '0.0');
        push @ids, ($pos += length $_->{data}{text}) . '.0' for @$ev[1 .. $#$ev - 1];
        is_deeply([ map { $_->{id} } @$ev ], [@ids, "$pos.0.end"],
                  'every id is the position in the reply (bytes of content.thinking), ".end" on the last');
        my @tok = grep { $_->{event} eq 'token' } @$ev;
        cmp_ok($tok[-1]{at} - $tok[0]{at}, '>=', 0.1, 'tokens arrived over time, not at once');
        is(join('', map { $_->{data}{text} } @tok), 'Echo: one two three [end]', 'the tokens make the reply');
        is($ev->[-1]{data}{state}, 'complete', 'done carries the stored message');

        my $m = $srv->request('GET', "/api/v1/threads/$tid/messages");
        is($m->{json}{total}, 4, 'the branch holds the two exchanges');
        $up = last_chat($fake);
        is(scalar @{ $up->{messages} || [] }, 4, 'the history went upstream (system + 3)');

        # Failures: each has its code, and the user's message is kept.
        fake_control($fake, 'POST', 'config', { fail_after_tokens => 2 });
        ($head, $ev) = sse_post($srv, "/api/v1/threads/$tid/messages", { content => 'alpha beta gamma delta' });
        is($ev->[-1]{event}, 'error', 'a mid-stream error ends in an error event');
        is($ev->[-1]{data}{code}, 'UPSTREAM_ERROR', 'UPSTREAM_ERROR');
        fake_control($fake, 'POST', 'reset');
        $m = $srv->request('GET', "/api/v1/threads/$tid/messages");
        my @last = @{ $m->{json}{items} }[-2, -1];
        is($last[0]{content}, 'alpha beta gamma delta', "the user's message is kept");
        is($last[1]{state}, 'incomplete', 'the reply is incomplete');
        like($last[1]{content}, qr/^Echo:/, 'with what arrived');

        fake_control($fake, 'POST', 'config', { die_after_tokens => 2 });
        ($head, $ev) = sse_post($srv, "/api/v1/threads/$tid/messages", { content => 'die please now' });
        is($ev->[-1]{data}{code}, 'UPSTREAM_CLOSED', 'a server that dies => upstream_closed');
        fake_control($fake, 'POST', 'reset');

        $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'x', model => 'nosuch:1b',
                                                                 stream => JSON::PP::false });
        status_is($r, 404, 'an unknown model => 404');
        is($r->{json}{error}{code}, 'MODEL_NOT_FOUND', 'MODEL_NOT_FOUND');

        fake_control($fake, 'POST', 'config', { busy => JSON::PP::true });
        $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'x', stream => JSON::PP::false });
        status_is($r, 503, 'a busy server => 503');
        is($r->{json}{error}{code}, 'BUSY', 'BUSY');
        fake_control($fake, 'POST', 'reset');

        # A client that leaves with no grace period: the model stops at once (SECURITY.md 24).
        fake_control($fake, 'POST', 'config', { token_delay_ms => 100, endless => JSON::PP::true });
        ($head, $ev) = sse_post($srv, "/api/v1/threads/$tid/messages", { content => 'go on forever' }, leave_after => 3);
        my $aborted;
        for (1 .. 50) {
            my $log = fake_control($fake, 'GET', 'log?path=/api/chat') || [];
            $aborted = $log->[-1] if $log->[-1] && $log->[-1]{aborted};
            last if $aborted;
            sleep 0.1;
        }
        ok($aborted, 'the stand-in saw the generation aborted') or diag explain fake_control($fake, 'GET', 'log?path=/api/chat');
        fake_control($fake, 'POST', 'reset');
        sleep 0.3;
        $m = $srv->request('GET', "/api/v1/threads/$tid/messages");
        is($m->{json}{items}[-1]{state}, 'incomplete', 'the partial reply is kept as incomplete');

        # Usage: every reply counted, per model and day.
        my $u = $srv->request('GET', '/api/v1/usage');
        status_is($u, 200, 'usage');
        my ($row) = grep { $_->{model} eq 'llama3.2:latest' } @{ $u->{json}{items} || [] };
        is($row->{source}, 'chat', 'replies in threads have the source chat');
        is(scalar(grep { $_->{model} eq 'llama3.2:latest' } @{ $u->{json}{items} || [] }), 1,
           '... once (a reply is not counted a second time)');
        cmp_ok($row->{requests} // 0, '>=', 6, 'the replies are counted');
        cmp_ok($row->{tokens_out} // 0, '>', 0, 'tokens out');
        cmp_ok($row->{tokens_in} // 0, '>', 0, 'tokens in');
        like($row->{day} // '', qr/^\d{4}-\d\d-\d\d$/, 'per day');
        error_is($srv->request('GET', '/api/v1/usage?since=yesterday'), 400, 'VALIDATION_ERROR', 'a bad date');

        # Another user's thread does not exist for them.
        my (undef, $other) = $srv->add_user('eve', 'developer');
        error_is($srv->request('GET', "/api/v1/threads/$tid", { Authorization => "Bearer $other" }), 404,
                 'NOT_FOUND', "another user's thread => 404");
        error_is($srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'x' }, { Authorization => "Bearer $other" }),
                 404, 'NOT_FOUND', "posting to it => 404");
        my $ou = $srv->request('GET', '/api/v1/usage', { Authorization => "Bearer $other" });
        is_deeply($ou->{json}{items}, [], "eve's usage is her own (none)");
        error_is($srv->request('GET', '/api/v1/usage?user_id=1', { Authorization => "Bearer $other" }), 403,
                 'FORBIDDEN', "another user's usage => 403 for non-admins");
        error_is($srv->request('GET', '/api/v1/usage?user_id=all', { Authorization => "Bearer $other" }), 403,
                 'FORBIDDEN', "everyone's usage => 403 for non-admins");
        error_is($srv->request('GET', '/api/v1/usage?user_id=everyone'), 400, 'VALIDATION_ERROR', 'user_id neither an id nor all');
        # Everyone's at once (admins): each row says whose.
        my $etid = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest' }, { Authorization => "Bearer $other" })->{json}{id};
        status_is($srv->json('POST', "/api/v1/threads/$etid/messages", { content => 'mine', stream => JSON::PP::false },
                             { Authorization => "Bearer $other" }), 201, "eve's reply");
        my $all = $srv->request('GET', '/api/v1/usage?user_id=all');
        status_is($all, 200, "everyone's usage");
        ok(exists $all->{json}{user_id} && !defined $all->{json}{user_id}, '... user_id null: everyone');
        my %whose = map { ($_->{user_id} // 0) => 1 } @{ $all->{json}{items} || [] };
        is(scalar(keys %whose), 2, '... rows of both users, each with its user_id') or diag_res($all);
        my $mine = $srv->request('GET', '/api/v1/usage');
        is_deeply([ map { $_->{user_id} } @{ $mine->{json}{items} } ], [ ($row->{user_id}) x @{ $mine->{json}{items} } ],
                  "one's own usage: one user's rows");
        $srv->stop;
    };

    subtest "$backend: stop and stream caps" => sub {
        my $fake = start_fake(args => ['--token-delay-ms', '100']);
        my $srv = start_server(backend => $backend, extra => "$EXTRA\nPlanningMaxStreamsPerUser 1");
        $srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} });
        my $tid = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest' })->{json}{id};
        fake_control($fake, 'POST', 'config', { endless => JSON::PP::true });

        # A stream in a child process, so this one can act while it runs.
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            my (undef, $ev) = sse_post($srv, "/api/v1/threads/$tid/messages", { content => 'talk until stopped' });
            # _exit: the parent's servers must not be stopped by this copy's END blocks
            POSIX::_exit(($ev->[-1] && $ev->[-1]{event} eq 'error' && $ev->[-1]{data}{code} eq 'STOPPED') ? 0 : 1);
        }
        my $running;
        for (1 .. 50) { my $l = fake_control($fake, 'GET', 'log?path=/api/chat') || []; $running = @$l; last if $running; sleep 0.1 }
        ok($running, 'the stream is running');
        my $busy = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'and me', stream => JSON::PP::false });
        error_is($busy, 503, 'TOO_MANY_STREAMS', 'a second stream of the same user => 503 (SECURITY 26)');
        ok($busy->{headers}{'retry-after'}, 'with Retry-After');
        status_is($srv->request('GET', "/api/v1/threads/$tid"), 200, 'other calls are unaffected');

        status_is($srv->request('POST', "/api/v1/threads/$tid/stop"), 202, 'stop');
        waitpid($pid, 0);
        is($? >> 8, 0, 'the stream ended with an error event "stopped"');
        my $log;
        for (1 .. 50) { $log = fake_control($fake, 'GET', 'log?path=/api/chat') || []; last if $log->[0] && $log->[0]{aborted}; sleep 0.1 }
        ok($log->[0] && $log->[0]{aborted}, 'the stand-in saw the generation aborted');
        my $m = $srv->request('GET', "/api/v1/threads/$tid/messages");
        is($m->{json}{items}[-1]{state}, 'incomplete', 'the partial reply is kept');
        is($m->{json}{items}[-1]{error_code}, 'STOPPED', 'STOPPED');
        fake_control($fake, 'POST', 'reset');
        status_is($srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'again', stream => JSON::PP::false }),
                  201, 'the slot is free again');
        $srv->stop;
    };

    subtest "$backend: a client that leaves, with a grace period" => sub {
        my $fake = start_fake(args => ['--token-delay-ms', '100']);
        my $srv = start_server(backend => $backend, extra => "$EXTRA\nPlanningStreamGrace 2");
        $srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} });
        my $tid = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest' })->{json}{id};
        fake_control($fake, 'POST', 'config', { endless => JSON::PP::true });
        my (undef, $ev) = sse($srv, "/api/v1/threads/$tid/messages", { content => 'go on forever' }, leave_after => 3);
        my $left = time;
        sleep 1;
        my $log = fake_control($fake, 'GET', 'log?path=/api/chat') || [];
        ok($log->[-1] && !$log->[-1]{aborted} && !defined $log->[-1]{ended},
           'a second after the client left, the model still writes (waiting for it to come back)');
        my $aborted_at;
        for (1 .. 80) {
            $log = fake_control($fake, 'GET', 'log?path=/api/chat') || [];
            if ($log->[-1] && $log->[-1]{aborted}) { $aborted_at = time; last }
            sleep 0.1;
        }
        ok($aborted_at, 'then the stand-in saw the generation aborted');
        cmp_ok(($aborted_at // 0) - $left, '>=', 1.8, 'once the 2 s grace period was over');
        cmp_ok(($aborted_at // 99) - $left, '<', 4, 'and soon after it');
        sleep 0.3;
        my $m = $srv->request('GET', "/api/v1/threads/$tid/messages");
        my $reply = $m->{json}{items}[-1];
        is($reply->{state}, 'incomplete', 'the reply is kept incomplete');
        is($reply->{error_code}, 'CLIENT_GONE', 'CLIENT_GONE');
        my $sent = join '', map { $_->{data}{text} // '' } @$ev;
        cmp_ok(length $reply->{content}, '>', length $sent, 'with what the model wrote after the client left');
        $srv->stop;
    };

    subtest "$backend: threads in projects, filters" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}], extra => $EXTRA);
        my ($uid, $dev) = $srv->add_user('dana', 'developer');
        my $bear = { Authorization => "Bearer $dev" };
        my $mine = $srv->json('POST', '/api/v1/projects', { name => 'mine', local_path => project_dir($R, 'mine') }, $bear);
        my $theirs = $srv->json('POST', '/api/v1/projects', { name => 'theirs', local_path => project_dir($R, 'theirs') });
        my $pid = $mine->{json}{id};
        my $a = $srv->json('POST', '/api/v1/threads', { title => 'a', project_id => $pid }, $bear);
        status_is($a, 201, 'a thread in my project');
        error_is($srv->json('POST', '/api/v1/threads', { title => 'b', project_id => $theirs->{json}{id} }, $bear),
                 404, 'NOT_FOUND', "a thread in a project I cannot see => 404");
        my $b = $srv->json('POST', '/api/v1/threads', { title => 'b', pinned => JSON::PP::true }, $bear);
        status_is($b, 201, 'a pinned thread');
        status_is($srv->json('POST', "/api/v1/threads/$b->{json}{id}/assign", { project_id => $pid }, $bear), 200,
                  'assign it to my project');
        error_is($srv->json('POST', "/api/v1/threads/$b->{json}{id}/assign", { project_id => $theirs->{json}{id} }, $bear),
                 404, 'NOT_FOUND', 'not to one I cannot see');
        my $l = $srv->request('GET', "/api/v1/threads?project_id=$pid", $bear);
        is($l->{json}{total}, 2, 'both in the project');
        $l = $srv->request('GET', '/api/v1/threads?pinned=true', $bear);
        is_deeply([ map { $_->{title} } @{ $l->{json}{items} } ], ['b'], 'the pinned one');
        status_is($srv->json('PATCH', "/api/v1/threads/$a->{json}{id}", { archived => JSON::PP::true }, $bear), 200,
                  'archive a');
        $l = $srv->request('GET', '/api/v1/threads?archived=false', $bear);
        is_deeply([ map { $_->{title} } @{ $l->{json}{items} } ], ['b'], 'archived ones filtered out');
        error_is($srv->request('GET', '/api/v1/threads?pinned=maybe', $bear), 400, 'VALIDATION_ERROR', 'bad filter');
        is($srv->request('GET', '/api/v1/threads')->{json}{total}, 0, "the admin does not see dana's threads");
        $srv->stop;
    };

    subtest "$backend: failover before the first token" => sub {
        my $fake = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my $dead = PlanningTest::free_port();
        $srv->json('POST', '/api/v1/servers', { name => 'first', base_url => "http://127.0.0.1:$dead", priority => 900 });
        $srv->json('POST', '/api/v1/servers', { name => 'second', base_url => $fake->{url}, priority => 100 });
        my $tid = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest' })->{json}{id};
        my $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'are you there', stream => JSON::PP::false });
        status_is($r, 201, 'answered by the second server');
        is($r->{json}{message}{content}, 'Echo: are you there [end]', 'the reply');
        $srv->stop;
    };

    subtest "$backend: no server at all" => sub {
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my $dead = PlanningTest::free_port();
        $srv->json('POST', '/api/v1/servers', { name => 'only', base_url => "http://127.0.0.1:$dead" });
        my $tid = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest' })->{json}{id};
        my $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'hello?', stream => JSON::PP::false });
        status_is($r, 502, 'unreachable => 502');
        is($r->{json}{error}{code}, 'UPSTREAM_UNREACHABLE', 'UPSTREAM_UNREACHABLE');
        my $m = $srv->request('GET', "/api/v1/threads/$tid/messages");
        is($m->{json}{items}[0]{content}, 'hello?', "the user's message is kept (SECURITY.md 23)");
        for my $bad ([{}, 'content'], [{ content => '' }, 'content'], [{ content => 'x', stream => 'yes' }, 'stream'],
                     [{ content => 'x', parent_id => 999 }, 'parent_id'], [{ content => 'x', bogus => 1 }, 'bogus']) {
            error_is($srv->json('POST', "/api/v1/threads/$tid/messages", $bad->[0]), 400, 'VALIDATION_ERROR',
                     "bad $bad->[1] => 400");
        }
        error_is($srv->json('POST', '/api/v1/threads', { options => { temprature => 1 } }), 400, 'VALIDATION_ERROR',
                 'an unknown model option => 400');
        $srv->stop;
    };
}

done_testing;
