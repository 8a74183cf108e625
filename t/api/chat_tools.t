#!/usr/bin/env perl
# Tools in the chat (issue 17), against the Ollama stand-in, which calls a
# tool when the user's message names it (arguments from key=value pairs):
# a read (get_plan) and a write (update_task) whose plan version is the
# caller's; a viewer of the project offered no write tool; the round cap
# (PlanningToolMaxRounds) with a model that never stops calling; the
# exports showing the calls. Then PlanningToolWrites confirm (approved,
# rejected, not answered in time, a stop while it waits) and deny.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $PLAN = <<'MD';
# Shop

## AUTH-001 Sign-in

- [ ] Login form
- [ ] Password reset
MD

sub bearer { { Authorization => "Bearer $_[0]" } }

# The chats the stand-in saw with tools offered.
sub tool_chats {
    my ($fake) = @_;
    return grep { ref $_->{body} && $_->{body}{tools} } @{ fake_control($fake, 'GET', 'log?path=/api/chat') || [] };
}

# A server, a project with a plan, its developer owner and a viewer member.
sub setup {
    my ($backend, $fake, $extra) = @_;
    my $R = make_roots();
    my $srv = start_server(backend => $backend, roots => [$R->{root}],
                           extra => "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\n$extra");
    status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
              'a model server');
    my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
    my ($vid, $viewer) = $srv->add_user('vic', 'developer');
    my $dir = project_dir($R, 'shop');
    PlanningTest::spew("$dir/MASTER_PLAN.md", $PLAN);
    chmod 0777, $dir;
    chmod 0666, "$dir/MASTER_PLAN.md";
    my $p = $srv->json('POST', '/api/v1/projects', { name => 'shop', local_path => $dir }, bearer($dev));
    status_is($p, 201, 'a project with a plan');
    my $pid = $p->{json}{id};
    status_is($srv->json('PUT', "/api/v1/projects/$pid/members/$vid", { role => 'viewer' }), 200,
              'a developer who is a viewer in the project');
    return { srv => $srv, dev => $dev, viewer => $viewer, pid => $pid, dir => $dir };
}

sub thread {
    my ($s, $token) = @_;
    my $t = $s->{srv}->json('POST', '/api/v1/threads', { project_id => $s->{pid}, model => 'llama3.2:latest' },
                            bearer($token));
    status_is($t, 201, 'a thread in the project');
    return $t->{json}{id};
}

# Posts content to the thread and reads the stream; on_event may act on
# each event (a confirmation, a stop). Returns the events.
sub chat {
    my ($s, $tid, $token, $content, $on_event) = @_;
    my ($status, $ev) = $s->{srv}->sse('POST', "/api/v1/threads/$tid/messages", { content => $content },
                                       token => $token, timeout => 60,
                                       until => sub { $on_event->($_[0]) if $on_event; 0 });
    is($status, 200, 'a stream') or diag explain $ev;
    return $ev;
}

sub events_named { my ($ev, $name) = @_; grep { $_->{event} eq $name } @$ev }

for my $backend (backends()) {
    subtest "$backend: tools in the chat (allow)" => sub {
        my $fake = start_fake();
        my $s = setup($backend, $fake, "PlanningToolWrites allow\nPlanningToolMaxRounds 2");
        my ($srv, $dev) = @$s{qw(srv dev)};
        my $tid = thread($s, $dev);

        my $ev = chat($s, $tid, $dev, 'show me get_plan please');
        is_deeply([ grep { !/^(?:token|title)$/ } map { $_->{event} } @$ev ], [qw(start tool_call tool_result start done)],
                  'start, the call, its result, the next reply, done') or diag explain $ev;
        my ($call) = events_named($ev, 'tool_call');
        my ($res) = events_named($ev, 'tool_result');
        is($call->{data}{name}, 'get_plan', 'the model called get_plan');
        is($res->{data}{call_id}, $call->{data}{call_id}, 'the result answers that call');
        ok(!$res->{data}{error}, 'it did not fail') or diag explain $res;
        is($res->{data}{result}{version}, 1, 'the plan, version 1');
        like($res->{data}{result}{markdown}, qr/Login form/, 'with its Markdown');
        my ($done) = events_named($ev, 'done');
        is($done->{data}{state}, 'complete', 'the last reply is complete');
        like($done->{data}{content}, qr/^Echo: .*version/, 'the model answered from the result');
        my @up = tool_chats($fake);
        my %offered = map { $_->{function}{name} => 1 } @{ $up[-1]{body}{tools} };
        ok($offered{get_plan} && $offered{update_task}, 'a developer is offered reads and writes');
        my @roles = map { $_->{role} } @{ $up[-1]{body}{messages} };
        is_deeply([ @roles[-3 .. -1] ], [qw(user assistant tool)], 'the result went back as a tool message');
        is($up[-1]{body}{messages}[-1]{tool_name}, 'get_plan', 'named by its tool');

        my $br = $srv->request('GET', "/api/v1/threads/$tid/messages", bearer($dev));
        is_deeply([ map { $_->{role} } @{ $br->{json}{items} } ], [qw(user assistant tool assistant)],
                  'the branch: question, the call, its result, the answer');
        my $tool = $br->{json}{items}[2];
        is($tool->{tool_name}, 'get_plan', 'the tool message names the tool');
        is($tool->{tool_call_id}, $call->{data}{call_id}, '... and the call');
        is_deeply($tool->{tool_arguments}, {}, '... and its arguments');
        is($br->{json}{items}[1]{tool_calls}[0]{function}{name}, 'get_plan', 'the reply keeps its calls');

        $ev = chat($s, $tid, $dev, 'now update_task objective_id=AUTH-001 task="Login form" done=true');
        ($res) = events_named($ev, 'tool_result');
        is($res->{data}{name}, 'update_task', 'the model ticked a task');
        ok(!$res->{data}{error}, 'allowed') or diag explain $res;
        is($res->{data}{result}{version}, 2, 'a new plan version');
        like(PlanningTest::slurp("$s->{dir}/MASTER_PLAN.md"), qr/- \[x\] Login form/, 'the file is ticked');
        my $v = $srv->request('GET', "/api/v1/projects/$s->{pid}/plan/versions/2", bearer($dev));
        is($v->{json}{author}{username}, 'dev', 'the version is the caller\'s');

        # a tool that fails: its error goes back to the model, which answers
        $ev = chat($s, $tid, $dev, 'get_objective objective_id=AUTH-001');
        ($res) = events_named($ev, 'tool_result');
        ok($res->{data}{error}, 'get_objective failed');
        is($res->{data}{code}, 'NO_ANALYSIS', 'the project has no analysis yet');
        like((events_named($ev, 'done'))[0]{data}{content}, qr/NO_ANALYSIS/, 'the model was told why');

        # a viewer of the project: no write tool offered, nothing written
        my $vt = thread($s, $s->{viewer});
        $ev = chat($s, $vt, $s->{viewer}, 'update_task objective_id=AUTH-001 task="Password reset" done=true');
        ok(!events_named($ev, 'tool_call'), 'the viewer\'s model was offered no update_task to call');
        @up = tool_chats($fake);
        %offered = map { $_->{function}{name} => 1 } @{ $up[-1]{body}{tools} };
        ok($offered{get_plan} && !$offered{update_task} && !$offered{add_task}, 'reads only for a viewer');
        unlike(PlanningTest::slurp("$s->{dir}/MASTER_PLAN.md"), qr/- \[x\] Password reset/, 'nothing written');

        # a model that never stops calling ends at the round cap
        fake_control($fake, 'POST', 'config', { tool_loop => JSON::PP::true });
        my $lt = thread($s, $dev);
        $ev = chat($s, $lt, $dev, 'loop on get_plan');
        is(scalar(events_named($ev, 'tool_result')), 2, 'two rounds of calls ran (PlanningToolMaxRounds 2)');
        is($ev->[-1]{event}, 'error', 'then the stream ends in an error');
        is($ev->[-1]{data}{code}, 'TOOL_LIMIT', 'TOOL_LIMIT');
        $br = $srv->request('GET', "/api/v1/threads/$lt/messages", bearer($dev));
        my $last = $br->{json}{items}[-1];
        is($last->{state}, 'incomplete', 'the last reply is incomplete');
        is($last->{error_code}, 'TOOL_LIMIT', '... with TOOL_LIMIT');
        is($last->{tool_calls}[0]{function}{name}, 'get_plan', '... and the calls it was not let make');
        fake_control($fake, 'POST', 'config', { tool_loop => JSON::PP::false });

        # the exports show the calls
        my $md = $srv->request('GET', "/api/v1/threads/$tid/export?format=markdown", bearer($dev));
        is($md->{status}, 200, 'a Markdown export');
        like($md->{content}, qr/Tool call: \*\*get_plan\*\*/, 'it shows the call');
        like($md->{content}, qr/## Tool result: update_task\n\nArguments:\n\n```json\n\{"objective_id":"AUTH-001"/,
             'and each result with its arguments');
        my $js = $srv->request('GET', "/api/v1/threads/$tid/export?format=json", bearer($dev));
        my @tools = grep { $_->{role} eq 'tool' } @{ $js->{json}{messages} };
        is(scalar @tools, 3, 'the JSON export holds every result');
        is($tools[1]{tool_arguments}{task}, 'Login form', 'with their arguments');
        my $imp = $srv->json('POST', '/api/v1/threads/import', $js->{json}, bearer($dev));
        status_is($imp, 201, 'an export with tool messages imports again');
        $srv->stop;
    };

    subtest "$backend: PlanningToolWrites confirm and deny" => sub {
        my $fake = start_fake();
        my $s = setup($backend, $fake, "PlanningToolWrites confirm\nPlanningToolConfirmTimeout 3");
        my ($srv, $dev) = @$s{qw(srv dev)};
        my $tid = thread($s, $dev);
        my $ask = 'update_task objective_id=AUTH-001 task="Login form" done=true';
        my $answer = sub {
            my ($approve) = @_;
            return sub {
                my ($e) = @_;
                return unless $e->{event} eq 'confirm';
                # another connection answers, as a second tab or a resumed stream would
                my $r = $srv->json('POST', "/api/v1/threads/$tid/messages/$e->{data}{message_id}/confirm",
                                   { call_id => $e->{data}{call_id}, approve => $approve ? JSON::PP::true
                                                                                        : JSON::PP::false },
                                   bearer($dev));
                is($r->{status}, 200, 'the answer is taken') or diag explain $r;
            };
        };

        my $ev = chat($s, $tid, $dev, $ask, $answer->(0));
        my ($c) = events_named($ev, 'confirm');
        is($c->{data}{name}, 'update_task', 'a confirm event for the write');
        is($c->{data}{arguments}{task}, 'Login form', 'with its arguments');
        my ($res) = events_named($ev, 'tool_result');
        is($res->{data}{code}, 'TOOL_REJECTED', 'rejected: the model is told so');
        unlike(PlanningTest::slurp("$s->{dir}/MASTER_PLAN.md"), qr/\[x\] Login form/, 'nothing written');
        error_is($srv->json('POST', "/api/v1/threads/$tid/messages/$c->{data}{message_id}/confirm",
                            { call_id => $c->{data}{call_id}, approve => JSON::PP::true }, bearer($dev)),
                 409, 'CONFLICT', 'an answer nobody waits for is refused');
        error_is($srv->json('POST', "/api/v1/threads/$tid/messages/$c->{data}{message_id}/confirm",
                            { call_id => 'call_nope', approve => JSON::PP::true }, bearer($dev)),
                 404, 'NOT_FOUND', 'a call the message did not make');
        error_is($srv->json('POST', "/api/v1/threads/$tid/messages/$c->{data}{message_id}/confirm",
                            { call_id => $c->{data}{call_id}, approve => 'yes' }, bearer($dev)),
                 400, 'VALIDATION_ERROR', 'approve must be a boolean');

        $ev = chat($s, $tid, $dev, $ask, $answer->(1));
        ($res) = events_named($ev, 'tool_result');
        ok(!$res->{data}{error}, 'approved: it ran') or diag explain $res;
        like(PlanningTest::slurp("$s->{dir}/MASTER_PLAN.md"), qr/- \[x\] Login form/, 'the plan is ticked');
        my $v = $srv->request('GET', "/api/v1/projects/$s->{pid}/plan/versions/$res->{data}{result}{version}", bearer($dev));
        is($v->{json}{author}{username}, 'dev', 'by the caller');

        $ev = chat($s, $tid, $dev, 'update_task objective_id=AUTH-001 task="Password reset" done=true');
        ($res) = events_named($ev, 'tool_result');
        is($res->{data}{code}, 'TOOL_REJECTED', 'no answer in PlanningToolConfirmTimeout: rejected');

        # stop while the stream waits for a confirmation: the loop and the model end
        $ev = chat($s, $tid, $dev, $ask, sub {
            my ($e) = @_;
            status_is($srv->json('POST', "/api/v1/threads/$tid/stop", {}, bearer($dev)), 202, 'stop')
                if $e->{event} eq 'confirm';
        });
        is($ev->[-1]{event}, 'error', 'the stream ends');
        is($ev->[-1]{data}{code}, 'STOPPED', 'STOPPED');
        ok(!events_named($ev, 'tool_result'), 'the call did not run');
        $srv->stop;

        my $s2 = setup($backend, $fake, "PlanningToolWrites deny");
        my $t2 = thread($s2, $s2->{dev});
        $ev = chat($s2, $t2, $s2->{dev}, $ask);
        my @up = tool_chats($fake);
        my %offered = map { $_->{function}{name} => 1 } @{ $up[-1]{body}{tools} };
        ok($offered{get_plan} && !$offered{update_task}, 'deny: no write tool is offered');
        unlike(PlanningTest::slurp("$s2->{dir}/MASTER_PLAN.md"), qr/\[x\]/, 'nothing written');
        $s2->{srv}->stop;
    };
}

done_testing;
