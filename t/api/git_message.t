#!/usr/bin/env perl
# A commit message drafted by the model (issue 14 item 3): POST
# .../git/commit-message sends the staged change (files with line counts,
# the diff cut at 32 KiB; never the unstaged changes) to the model a chat
# in the project would use (the body's, the project's chat default, the
# caller's settings), streams the draft as a prompt test does or answers
# one JSON reply, stops the model when the client leaves, and stores and
# commits nothing.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep);
use PlanningTest qw(:all);

PlanningTest::require_build();

my $J = JSON::PP->new->utf8->canonical;
my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0";

sub bearer { { Authorization => "Bearer $_[0]" } }

# The events of a whole event-stream body: [{id, event, data}].
sub events {
    my ($res) = @_;
    my @ev;
    while (($res->{content} // '') =~ /id: (\d+)\nevent: (\w+)\ndata: (.*?)\n\n/g) {
        push @ev, { id => $1, event => $2, data => $J->decode($3) };
    }
    return \@ev;
}

# The body of the last /api/chat request the stand-in received.
sub last_chat {
    my ($fake) = @_;
    my $sent = (fake_control($fake, 'GET', 'log?path=/api/chat') || [])->[-1] || {};
    return ref $sent->{body} ? $sent->{body} : eval { $J->decode($sent->{body}) } || {};
}

# What a draft must leave as it was: HEAD, the staged change, the history.
sub repo_state {
    my ($dir) = @_;
    return join "\n--\n", git_in($dir, 'rev-parse', 'HEAD'), git_in($dir, 'diff', '--cached'),
                          git_in($dir, 'rev-list', '--count', 'HEAD');
}

for my $backend (backends()) {
    subtest $backend => sub {
        my $R = make_roots();
        my $root = $R->{root};
        my $fake = start_fake(args => ['--token-delay-ms', '5']);
        my $srv = start_server(backend => $backend, roots => [$root], extra => $EXTRA);
        my (undef, $alice) = $srv->add_user('alice', 'developer');
        my ($vic_id, $vic) = $srv->add_user('vic', 'developer');
        my $A = bearer($alice);
        status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
                  'a model server');
        my $dir = git_repo("$root/repo", { 'a.txt' => "one\n", 'b.txt' => "bee\n" });
        my $p = $srv->json('POST', '/api/v1/projects', { name => 'repo', local_path => $dir }, $A);
        status_is($p, 201, 'a project on a repository');
        my $pid = $p->{json}{id};
        my $M = "/api/v1/projects/$pid/git/commit-message";
        my $draft = sub { $srv->json('POST', $M, $_[0], $A) };

        # what the tests draft from: a staged line, and an unstaged one that must not go
        PlanningTest::spew("$dir/a.txt", "one\nstaged line here\n");
        git_in($dir, 'add', 'a.txt');
        PlanningTest::spew("$dir/b.txt", "bee\nUNSTAGED_MARKER\n");
        git_in($dir, 'status');
        my $before = repo_state($dir);

        subtest 'no model anywhere' => sub {
            my $n = scalar @{ fake_control($fake, 'GET', 'log?path=/api/chat') || [] };
            error_is($draft->({}), 422, 'MODEL_NOT_FOUND', 'no model in the body, the project or the settings');
            is(scalar @{ fake_control($fake, 'GET', 'log?path=/api/chat') || [] }, $n, 'no model was asked');
        };

        subtest 'bad bodies and roles' => sub {
            error_is($draft->({ stream => 'yes' }), 400, 'VALIDATION_ERROR', 'stream must be a boolean');
            error_is($draft->({ model => '' }), 400, 'VALIDATION_ERROR', 'model must be a name');
            error_is($draft->({ instructions => 'x' x 2001 }), 400, 'VALIDATION_ERROR', 'instructions are capped');
            error_is($draft->({ message => 'hi' }), 400, 'VALIDATION_ERROR', 'an unknown field');
            status_is($srv->json('PUT', "/api/v1/projects/$pid/members/$vic_id", { role => 'viewer' }), 200,
                      'vic is a viewer of the project');
            error_is($srv->json('POST', $M, { model => 'llama3.2:latest' }, bearer($vic)), 403, 'FORBIDDEN',
                     'a viewer may not draft');
        };

        status_is($srv->json('PUT', "/api/v1/projects/$pid/chat-defaults", { model => 'llama3.2:latest' }, $A),
                  200, "the project's chat default model");

        subtest 'streamed: start, a token per word, done' => sub {
            fake_control($fake, 'POST', 'config', { replies => ['Add a staged line to a.txt'] });
            my $s = $srv->request('POST', $M, $A);    # no body at all: it is optional
            status_is($s, 200, 'a draft streams (the default)');
            like($s->{headers}{'content-type'}, qr{^text/event-stream}, 'as an event stream');
            my $ev = events($s);
            is_deeply([ map { $_->{event} } @$ev ], [qw(start token token token token token token done)],
                      'start, a token per word, done') or diag explain $ev;
            is($ev->[0]{data}{model}, 'llama3.2:latest', "start names the project's model");
            is(join('', map { $_->{data}{text} } grep { $_->{event} eq 'token' } @$ev), 'Add a staged line to a.txt',
               'the tokens');
            is($ev->[-1]{data}{message}, 'Add a staged line to a.txt', 'done carries the whole message');
            is($ev->[-1]{data}{state}, 'complete', 'complete');
            ok($ev->[-1]{data}{completion_tokens} > 0 && $ev->[-1]{data}{prompt_tokens} > 0, 'and the token counts');
            ok(!exists $ev->[-1]{data}{message_id}, 'no stored message');

            my $up = last_chat($fake);
            is($up->{model}, 'llama3.2:latest', "the project's model was asked");
            is_deeply([ map { $_->{role} } @{ $up->{messages} || [] } ], ['system', 'user'], 'system, then the change');
            like($up->{messages}[0]{content}, qr/imperative.*72 characters/s, 'asked for a conventional message');
            my $asked = $up->{messages}[1]{content} // '';
            like($asked, qr/^- a\.txt \(modified, \+1 -0\)$/m, 'the staged file with its line counts');
            like($asked, qr/^\+staged line here$/m, 'the staged diff');
            unlike($asked, qr/UNSTAGED_MARKER|b\.txt/, 'not the unstaged change');
            unlike($asked, qr/was cut/, 'a small diff is whole');
            fake_control($fake, 'POST', 'reset');
        };

        subtest 'JSON, the model and instructions from the body' => sub {
            fake_control($fake, 'POST', 'config', { replies => ['Fix the thing'] });
            my $r = $draft->({ stream => JSON::PP::false, model => 'qwen3:0.6b', instructions => 'Mention JIRA-7.' });
            status_is($r, 200, 'stream false: one JSON reply');
            is($r->{json}{message}, 'Fix the thing', 'the message');
            ok($r->{json}{completion_tokens} > 0, 'with counts');
            my $up = last_chat($fake);
            is($up->{model}, 'qwen3:0.6b', "the body's model wins");
            like($up->{messages}[1]{content}, qr/Further instructions from the user: Mention JIRA-7\.\z/,
                 'the instructions follow the change');
            error_is($draft->({ stream => JSON::PP::false, model => 'nosuch:1b' }), 404, 'MODEL_NOT_FOUND',
                     'a model no server has: 404');
            fake_control($fake, 'POST', 'reset');
        };

        subtest "the user's settings when the project has no model" => sub {
            status_is($srv->json('PUT', "/api/v1/projects/$pid/chat-defaults", {}, $A), 200, 'defaults cleared');
            error_is($draft->({}), 422, 'MODEL_NOT_FOUND', 'no model again');
            status_is($srv->json('PUT', '/api/v1/users/me/settings', { model => 'qwen3:0.6b' }, $A), 200,
                      "alice's settings name a model");
            fake_control($fake, 'POST', 'config', { replies => ['Tidy up'] });
            status_is($draft->({ stream => JSON::PP::false }), 200, 'a draft');
            is(last_chat($fake)->{model}, 'qwen3:0.6b', "the user's model was asked");
        };

        subtest 'a huge staged diff is cut' => sub {
            PlanningTest::spew("$dir/big.txt", join('', map { "line $_ of a large new file\n" } 1 .. 5000));
            git_in($dir, 'add', 'big.txt');
            fake_control($fake, 'POST', 'config', { replies => ['Add big.txt'] });   # not an echo of 32 KiB
            status_is($draft->({ stream => JSON::PP::false }), 200, 'a draft');
            my $asked = last_chat($fake)->{messages}[1]{content} // '';
            ok(length($asked) < 34 * 1024, 'the prompt stays near 32 KiB') or diag length $asked;
            like($asked, qr/^- big\.txt \(added, \+5000 -0\)$/m, 'the file list is whole, with counts');
            like($asked, qr/^- a\.txt \(modified, \+1 -0\)$/m, 'every staged file');
            like($asked, qr/The diff was cut here at 32768 bytes/, 'with a note that the diff was cut');
            unlike($asked, qr/line 5000 of/, 'the end of the diff left out');
            git_in($dir, 'reset', '-q', 'big.txt');
            unlink "$dir/big.txt";
            fake_control($fake, 'POST', 'reset');
        };

        subtest 'a client that leaves stops the model' => sub {
            fake_control($fake, 'POST', 'config', { token_delay_ms => 100, endless => JSON::PP::true });
            my ($head, $ev) = sse_post($srv, $M, { stream => JSON::PP::true }, token => $alice, leave_after => 3);
            like($head // '', qr{^HTTP/1\.1 200}, 'streaming');
            my $aborted;
            for (1 .. 50) {
                my $log = fake_control($fake, 'GET', 'log?path=/api/chat') || [];
                $aborted = $log->[-1] if $log->[-1] && $log->[-1]{aborted};
                last if $aborted;
                sleep 0.1;
            }
            ok($aborted, 'the stand-in saw the generation aborted');
            fake_control($fake, 'POST', 'reset');
        };

        is(repo_state($dir), $before, 'HEAD, the index and the history are as they were: nothing committed');

        subtest 'nothing staged' => sub {
            git_in($dir, 'reset', '-q');
            my $n = scalar @{ fake_control($fake, 'GET', 'log?path=/api/chat') || [] };
            error_is($draft->({}), 409, 'NOTHING_TO_COMMIT', 'nothing staged => 409');
            is(scalar @{ fake_control($fake, 'GET', 'log?path=/api/chat') || [] }, $n, 'no model was asked');
        };
    };
}

done_testing;
