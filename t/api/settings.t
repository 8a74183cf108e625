#!/usr/bin/env perl
# A user's settings apply to the threads they create and the chats they run
# (after what the request gives and the project's chat defaults): server,
# model, system prompt and temperature, checked at the Ollama stand-in.
# Numbers come back as written (0.3, not 0.29999999999999999). The system
# prompt's {{project.name}}, {{project.description}}, {{date}} and {{user}}
# are filled in when the chat is asked, from the project as it is then. A
# regenerate takes no body at all (every field is optional).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use POSIX qw(strftime);
use PlanningTest qw(:all);

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0";

# The last streamed-or-not chat a stand-in saw that was not a title request.
sub last_chat {
    my ($fake) = @_;
    my @chats = grep { ref $_->{body} && ($_->{body}{messages}[-1]{content} // '') !~ /title/i }
                @{ fake_control($fake, 'GET', 'log?path=/api/chat') || [] };
    return $chats[-1] ? $chats[-1]{body} : undef;
}

sub ask {
    my ($srv, $tid, $content, $token) = @_;
    return $srv->json('POST', "/api/v1/threads/$tid/messages", { content => $content, stream => JSON::PP::false },
                      $token ? { Authorization => "Bearer $token" } : undef);
}

for my $backend (backends()) {
    subtest "$backend: settings" => sub {
        my $fa = start_fake();
        my $fb = start_fake();
        my $R = make_roots();
        my $srv = start_server(backend => $backend, extra => $EXTRA, roots => [$R->{root}]);
        status_is($srv->json('POST', '/api/v1/servers', { name => 'a', base_url => $fa->{url}, priority => 200 }),
                  201, 'server a (asked first by priority)');
        status_is($srv->json('POST', '/api/v1/servers', { name => 'b', base_url => $fb->{url} }), 201, 'server b');

        # numbers as written
        my $put = $srv->json('PUT', '/api/v1/users/me/settings',
                             { server => 'b', model => 'qwen3:0.6b', temperature => 0.3,
                               system_prompt => 'You help {{user}} on {{date}}. {{not_a_builtin}} stays.' });
        status_is($put, 200, 'PUT settings');
        like($put->{content}, qr/"temperature":0\.3[,}]/, 'temperature comes back as 0.3') or diag $put->{content};
        like($srv->request('GET', '/api/v1/users/me/settings')->{content}, qr/"temperature":0\.3[,}]/,
             'and reads back as 0.3');
        # a value stored by an older release reads back in its shortest form too
        $srv->sql(q[UPDATE user_settings SET settings = '{"server":"b","model":"qwen3:0.6b",]
                . q["system_prompt":"You help {{user}} on {{date}}. {{not_a_builtin}} stays.","language":null,]
                . q["temperature":0.29999999999999999,"theme":"system"}']);
        like($srv->request('GET', '/api/v1/users/me/settings')->{content}, qr/"temperature":0\.3[,}]/,
             'an old 0.29999999999999999 reads back as 0.3');

        # a thread without a model takes the user's settings
        my $th = $srv->json('POST', '/api/v1/threads', { title => 'mine' });
        status_is($th, 201, 'a thread with no model');
        is($th->{json}{model}, 'qwen3:0.6b', "the user's model");
        like($th->{json}{system_prompt}, qr/^You help \{\{user\}\}/, "the user's system prompt (as written)");
        like($th->{content}, qr/"options":\{"temperature":0\.3\}/, "the user's temperature, as written");
        my $r = ask($srv, $th->{json}{id}, 'hello');
        status_is($r, 201, 'it chats');
        is($r->{json}{message}{model}, 'qwen3:0.6b', "with the user's model");
        my $up = last_chat($fb);
        ok($up, "on the user's server b, although a has the higher priority") or return;
        ok(!last_chat($fa), 'a was not asked');
        is($up->{model}, 'qwen3:0.6b', 'the model at the stand-in');
        my $today = strftime('%Y-%m-%d', gmtime);
        is($up->{messages}[0]{role}, 'system', 'a system prompt went first');
        is($up->{messages}[0]{content}, "You help admin on $today. {{not_a_builtin}} stays.",
           'the system prompt, {{user}} and {{date}} filled in, an unknown placeholder as written');
        is($up->{options}{temperature}, 0.3, 'the temperature reached the model');

        # the request's values come first
        my $own = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest', system_prompt => 'Mine.',
                                                          options => { temperature => 1.25 } });
        is($own->{json}{model}, 'llama3.2:latest', "the request's model wins");
        is($own->{json}{system_prompt}, 'Mine.', "the request's system prompt wins");
        like($own->{content}, qr/"temperature":1\.25/, "the request's temperature wins");

        # then the project's chat defaults, then the user's
        my $p = $srv->json('POST', '/api/v1/projects', { name => 'owls', description => 'a field guide',
                                                         local_path => project_dir($R, 'owls') });
        status_is($p, 201, 'a project');
        my $pid = $p->{json}{id};
        status_is($srv->json('PUT', "/api/v1/projects/$pid/chat-defaults",
                             { model => 'llama3.2:latest',
                               system_prompt => 'On {{project.name}} ({{ project.description }}) for {{user}}.' }),
                  200, 'project chat defaults: model and system prompt');
        my $pt = $srv->json('POST', '/api/v1/threads', { project_id => $pid });
        status_is($pt, 201, 'a thread in the project');
        is($pt->{json}{model}, 'llama3.2:latest', "the project's model before the user's");
        like($pt->{json}{system_prompt}, qr/^On \{\{project\.name\}\}/, "the project's system prompt");
        like($pt->{content}, qr/"temperature":0\.3/, "the user's temperature where the project has none");
        status_is(ask($srv, $pt->{json}{id}, 'hi'), 201, 'it chats');
        $up = last_chat($fb) || {};
        is($up->{messages}[0]{content}, 'On owls (a field guide) for admin.',
           'project placeholders filled in at the stand-in');
        status_is($srv->json('PATCH', "/api/v1/projects/$pid", { name => 'owls2' }), 200, 'the project is renamed');
        status_is(ask($srv, $pt->{json}{id}, 'again'), 201, 'it chats again');
        $up = last_chat($fb) || {};
        is($up->{messages}[0]{content}, 'On owls2 (a field guide) for admin.', 'with the name it has now');

        # a thread that lost its model chats with the user's
        status_is($srv->json('PATCH', "/api/v1/threads/$own->{json}{id}", { model => undef }), 200, 'model cleared');
        $r = ask($srv, $own->{json}{id}, 'and now?');
        status_is($r, 201, "a thread without a model chats with the user's");
        is($r->{json}{message}{model}, 'qwen3:0.6b', "the user's model");

        # another user's settings are theirs
        my (undef, $dev) = $srv->add_user('dev', 'developer');
        my $dt = $srv->json('POST', '/api/v1/threads', {}, { Authorization => "Bearer $dev" });
        status_is($dt, 201, "a thread of a user without settings");
        is($dt->{json}{model}, undef, 'no model');
        error_is(ask($srv, $dt->{json}{id}, 'hello', $dev), 400, 'VALIDATION_ERROR', 'no model anywhere: 400');

        # POST /threads and POST .../regenerate without any body
        my $nb = $srv->raw_request(method => 'POST', path => '/api/v1/threads');
        status_is($nb, 201, 'POST /threads without a body');
        is($nb->{json}{model}, 'qwen3:0.6b', "and the user's settings apply");
        my $reply = $r->{json}{message}{id};
        for my $case (['no Content-Length', []], ['Content-Length: 0', [], 0]) {
            my $g = $srv->raw_request(method => 'POST', headers => $case->[1],
                                      path => "/api/v1/threads/$own->{json}{id}/messages/$reply/regenerate",
                                      defined $case->[2] ? (content_length => $case->[2]) : ());
            status_is($g, 200, "regenerate without a body ($case->[0])");
            like($g->{headers}{'content-type'} // '', qr{^text/event-stream}, 'streams, the default');
            like($g->{content}, qr/event: done/, 'and ends done') or diag $g->{content};
        }
        my $g = $srv->raw_request(method => 'POST', headers => ['Content-Type' => 'application/json'],
                                  path => "/api/v1/threads/$own->{json}{id}/messages/$reply/regenerate",
                                  body => '{"stream":false}');
        status_is($g, 201, 'a body is read when there is one');
        error_is($srv->raw_request(method => 'POST', headers => ['Content-Type' => 'text/plain'],
                                   path => "/api/v1/threads/$own->{json}{id}/messages/$reply/regenerate",
                                   body => 'stream'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'a body of another type: 415');
        error_is($srv->raw_request(method => 'POST', path => "/api/v1/threads/$own->{json}{id}/messages"),
                 415, 'UNSUPPORTED_MEDIA_TYPE', 'a route whose body is required still wants one');
        $srv->stop;
    };
}

done_testing;
