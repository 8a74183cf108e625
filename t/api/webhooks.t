#!/usr/bin/env perl
# Webhooks (issue 14 item 4, SECURITY.md item 32): a project's secret made
# by its admin and shown once; deliveries from GitHub, GitLab and Gitea
# verified over the raw body before anything is parsed (missing, sha1=
# only, altered: 401, nothing recorded); a redelivery is 200 without a
# second analysis; a 30 MB body is 413; ping; a push to the tracked branch
# queues an analysis that runs to its end, one to another branch is
# recorded as ignored; the deliveries list.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Digest::SHA qw(hmac_sha256_hex);
use Test::More;
use PlanningTest qw(:all);
use PlanningAnalysis qw(:all);

PlanningTest::require_build();
plan skip_all => 'universal-ctags is not installed'
    unless -x '/usr/bin/ctags-universal' || -x '/usr/bin/ctags';

my $CLI = $PlanningTest::CLI;
sub bearer { { Authorization => "Bearer $_[0]" } }
sub items { @{ (($_[0] || {})->{json} || {})->{items} || [] } }

my $PLAN = <<'MD';
# Hooks master plan

## Primary objectives

### HOOK-001 Greeting
- [x] Greet the user by name
MD

for my $backend (backends()) {
    subtest "$backend: webhooks" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningAnalyzer $CLI");
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my ($viewer_id, $viewer) = $srv->add_user('viewer', 'developer');
        my ($out_id, $outsider) = $srv->add_user('outsider', 'developer');
        my $dir = git_repo(project_dir($R, 'hooked'),
                           { 'MASTER_PLAN.md' => $PLAN,
                             'greet.py' => "def greet(name):\n    \"\"\"Greet the user by name.\"\"\"\n    return 'hi ' + name\n" });
        my $p = $srv->json('POST', '/api/v1/projects', { name => 'hooked', local_path => $dir }, bearer($dev));
        status_is($p, 201, 'the developer creates the project');
        my $pid = $p->{json}{id};
        my $base = "/api/v1/projects/$pid";
        status_is($srv->json('PUT', "$base/members/$viewer_id", { role => 'viewer' }), 200,
                  'a viewer member');
        my $other = $srv->json('POST', '/api/v1/projects',
                               { name => 'other', local_path => git_repo(project_dir($R, 'other'), { 'a' => "a\n" }) },
                               bearer($dev));
        my $other_id = $other->{json}{id};

        # The setup, before and after the secret.
        my $g = $srv->request('GET', "$base/webhooks", bearer($viewer));
        status_is($g, 200, 'a viewer reads the webhook setup');
        ok(is_false($g->{json}{secret_set}), 'no secret yet');
        is($g->{json}{branch}, 'main', "the tracked branch is the checkout's");
        like($g->{json}{payload_urls}{github} // '', qr{/api/v1/hooks/github/$pid$}, 'the payload URL');
        error_is($srv->request('POST', "$base/webhooks/secret", bearer($viewer)), 403, 'FORBIDDEN',
                 'a viewer may not make the secret');
        error_is($srv->request('GET', "$base/webhooks", bearer($outsider)), 404, 'NOT_FOUND',
                 'an outsider does not see the project');
        my $s = $srv->request('POST', "$base/webhooks/secret", bearer($dev));
        status_is($s, 201, "the project's admin makes the secret");
        my $secret = $s->{json}{secret} // '';
        like($secret, qr/^[A-Za-z0-9_-]{43}$/, '... shown once: 256 bits, base64url');
        $g = $srv->request('GET', "$base/webhooks", bearer($dev));
        ok(is_true($g->{json}{secret_set}), 'the secret is set');
        unlike($g->{content}, qr/\Q$secret\E/, 'and never shown again');
        my $stored = $srv->sql("SELECT sealed FROM webhook_secrets WHERE project_id = $pid");
        ok($stored && $stored !~ /\Q$secret\E/ && $stored !~ /\Q${\ unpack('H*', $secret)}\E/,
           'stored sealed, not as it was shown');

        my $n = 0;
        my $hook = sub {
            my ($body, %h) = @_;
            my $provider = delete $h{provider} // 'github';
            my $project = delete $h{project} // $pid;
            return $srv->request('POST', "/api/v1/hooks/$provider/$project",
                                 { Authorization => undef, 'Content-Type' => 'application/json', %h }, $body);
        };
        my $github = sub {
            my ($event, $body, %o) = @_;
            return $hook->($body, 'X-GitHub-Event' => $event,
                           'X-GitHub-Delivery' => $o{delivery} // ('d-' . ++$n),
                           'X-Hub-Signature-256' => 'sha256=' . hmac_sha256_hex($o{signed} // $body, $o{secret} // $secret),
                           %{ $o{headers} || {} });
        };
        my $push_main = '{"ref":"refs/heads/main","after":"0123"}';

        # Refused: 401 (and the same answer whether the project exists).
        my $missing = $hook->($push_main, 'X-GitHub-Event' => 'push', 'X-GitHub-Delivery' => 'm-1');
        error_is($missing, 401, 'WEBHOOK_SIGNATURE_INVALID', 'no signature: 401');
        error_is($hook->($push_main, 'X-GitHub-Event' => 'push', 'X-GitHub-Delivery' => 'm-2',
                         'X-Hub-Signature' => 'sha1=' . Digest::SHA::hmac_sha1_hex($push_main, $secret)),
                 401, 'WEBHOOK_SIGNATURE_INVALID', 'sha1= only: 401');
        error_is($github->('push', $push_main, signed => '{"ref":"refs/heads/main","after":"0124"}'), 401,
                 'WEBHOOK_SIGNATURE_INVALID', 'an altered body: 401');
        error_is($github->('push', $push_main, secret => 'not-the-secret'), 401, 'WEBHOOK_SIGNATURE_INVALID',
                 'another secret: 401');
        error_is($github->('push', $push_main, headers => { 'X-Hub-Signature-256' => 'sha256=' . uc hmac_sha256_hex($push_main, $secret) }),
                 401, 'WEBHOOK_SIGNATURE_INVALID', 'uppercase hex: 401');
        my $unknown = $hook->($push_main, project => 999999, 'X-GitHub-Event' => 'push', 'X-GitHub-Delivery' => 'u-1',
                           'X-Hub-Signature-256' => 'sha256=' . hmac_sha256_hex($push_main, $secret));
        error_is($unknown, 401, 'WEBHOOK_SIGNATURE_INVALID', 'an unknown project: the same 401');
        error_is($hook->($push_main, project => $other_id, 'X-GitHub-Event' => 'push', 'X-GitHub-Delivery' => 'u-2',
                         'X-Hub-Signature-256' => 'sha256=' . hmac_sha256_hex($push_main, $secret)),
                 401, 'WEBHOOK_SIGNATURE_INVALID', 'a project without a secret: the same 401');
        error_is($hook->($push_main, project => 'x1'), 401, 'WEBHOOK_SIGNATURE_INVALID', 'a malformed project: the same 401');
        error_is($hook->($push_main, provider => 'bitbucket'), 404, 'NOT_FOUND', 'an unknown provider: 404');
        like($srv->sql("SELECT COUNT(*) FROM webhook_deliveries"), qr/^\s*0\s*$/, 'nothing refused was recorded');
        my $log = PlanningTest::slurp($srv->error_log);
        like($log, qr/PLN02601: webhook delivery refused \(provider github, project $pid\): no X-Hub-Signature-256/,
             'a refusal is a log line that says why');
        like($log, qr/PLN02601: .*project 999999\): no such project/, '... also for an unknown project');
        unlike($log, qr/\Q$secret\E/, 'the log never holds the secret');

        # Too large: 413 by Content-Length, and while reading a chunked body.
        my $big = $srv->raw_request(method => 'POST', path => "/api/v1/hooks/github/$pid",
                                    headers => ['Content-Type' => 'application/json', Authorization => 'x'],
                                    body => 'x' x (30 * 1000 * 1000));
        error_is($big, 413, 'PAYLOAD_TOO_LARGE', 'a 30 MB body: 413');
        my $chunked = $srv->raw_request(method => 'POST', path => "/api/v1/hooks/github/$pid",
                                        headers => ['Content-Type' => 'application/json', Authorization => 'x'],
                                        chunks => [ ('y' x (1024 * 1024)) x 25, 'y' ]);
        error_is($chunked, 413, 'PAYLOAD_TOO_LARGE', 'one byte over 25 MiB, chunked: 413 while reading');

        # ping, then a push to the tracked branch, followed to its end.
        my $ping = $github->('ping', '{"zen":"Keep it logically awesome.","hook_id":1}');
        status_is($ping, 200, 'ping: 200');
        is($ping->{json}{outcome}, 'ping', '... recorded as ping');
        my $push = $github->('push', $push_main, delivery => 'push-1');
        status_is($push, 200, 'a push to main: 200');
        is($push->{json}{outcome}, 'analysis_queued', '... queues an analysis');
        like($push->{json}{detail} // '', qr/no git remote/, '... and says the checkout is analysed as it is (no remote)');
        my $aid = $push->{json}{analysis_id};
        ok($aid, 'the analysis id');
        my $end = poll($srv, "/api/v1/analyses/$aid", \&ended, 120, bearer($dev));
        is(($end->{json} || {})->{state}, 'complete', 'the analysis runs to its end') or diag_res($end);
        my $replay = $github->('push', $push_main, delivery => 'push-1');
        status_is($replay, 200, 'the same delivery again: 200');
        is($replay->{json}{outcome}, 'duplicate', '... recorded as a duplicate');
        ok(!$replay->{json}{analysis_id}, '... with no analysis');
        my $as = $srv->request('GET', "$base/analyses", bearer($dev));
        is($as->{json}{total}, 1, 'one analysis only');
        my $side = $github->('push', '{"ref":"refs/heads/feature"}');
        is($side->{json}{outcome}, 'ignored_branch', 'a push to another branch is ignored');
        my $issue = $github->('issues', '{"action":"opened"}');
        is($issue->{json}{outcome}, 'unsupported_event', 'another event: unsupported_event');
        my $junk = $github->('push', 'not json');
        status_is($junk, 200, 'a signed push that is not JSON: 200');
        is($junk->{json}{outcome}, 'invalid_payload', '... recorded as invalid_payload');

        # GitLab: the token; Gitea: bare hex.
        my $gl = $hook->('{"ref":"refs/heads/other"}', provider => 'gitlab', 'X-Gitlab-Event' => 'Push Hook',
                         'X-Gitlab-Event-UUID' => 'gl-1', 'X-Gitlab-Token' => $secret);
        status_is($gl, 200, 'gitlab: the token');
        is($gl->{json}{outcome}, 'ignored_branch', '... its push read');
        error_is($hook->('{}', provider => 'gitlab', 'X-Gitlab-Event' => 'Push Hook', 'X-Gitlab-Token' => "${secret}x"),
                 401, 'WEBHOOK_SIGNATURE_INVALID', 'gitlab: a wrong token');
        error_is($hook->('{}', provider => 'gitlab', 'X-Gitlab-Event' => 'Push Hook',
                         'X-Hub-Signature-256' => 'sha256=' . hmac_sha256_hex('{}', $secret)),
                 401, 'WEBHOOK_SIGNATURE_INVALID', "gitlab: GitHub's header does not count");
        my $body = '{"ref":"refs/heads/main"}';
        my $gt = $hook->($body, provider => 'gitea', 'X-Gitea-Event' => 'push', 'X-Gitea-Delivery' => 'gt-1',
                         'X-Gitea-Signature' => hmac_sha256_hex($body, $secret));
        status_is($gt, 200, 'gitea: bare hex');
        like($gt->{json}{outcome} // '', qr/^analysis_(?:queued|busy)$/, '... its push to main starts an analysis');
        poll($srv, "/api/v1/analyses/$gt->{json}{analysis_id}", \&ended, 120, bearer($dev)) if $gt->{json}{analysis_id};
        error_is($hook->($body, provider => 'gitea', 'X-Gitea-Event' => 'push', 'X-Gitea-Delivery' => 'gt-2',
                         'X-Gitea-Signature' => 'sha256=' . hmac_sha256_hex($body, $secret)),
                 401, 'WEBHOOK_SIGNATURE_INVALID', 'gitea: a prefixed signature is not its form');

        # The record: newest first, paged, for the project's readers.
        my $l = $srv->request('GET', "$base/webhooks/deliveries?limit=3", bearer($viewer));
        status_is($l, 200, 'a viewer lists the deliveries');
        is($l->{json}{total}, 8, 'every verified delivery, refused ones not');
        is_deeply([ map { $_->{outcome} } items($l) ], [$gt->{json}{outcome}, qw(ignored_branch invalid_payload)],
                  'newest first, paged') or diag explain $l->{json};
        my $all = $srv->request('GET', "$base/webhooks/deliveries?limit=50", bearer($viewer));
        my ($first) = grep { ($_->{delivery_id} // '') eq 'push-1' && $_->{outcome} eq 'analysis_queued' } items($all);
        ok($first && $first->{analysis_id} == $aid && $first->{provider} eq 'github' && $first->{event} eq 'push'
           && $first->{received_at}, 'a delivery: provider, event, delivery id, time, analysis');
        is(scalar(grep { ($_->{delivery_id} // '') eq 'push-1' } items($all)), 2, 'the duplicate is recorded too');
        error_is($srv->request('GET', "$base/webhooks/deliveries", bearer($outsider)), 404, 'NOT_FOUND',
                 'an outsider may not list them');

        # A new secret replaces the old one.
        my $s2 = $srv->request('POST', "$base/webhooks/secret", bearer($dev));
        isnt($s2->{json}{secret}, $secret, 'a new secret');
        error_is($github->('ping', '{}'), 401, 'WEBHOOK_SIGNATURE_INVALID', 'the old one no longer verifies');
        status_is($github->('ping', '{}', secret => $s2->{json}{secret}), 200, 'the new one does');
        $srv->stop;
    };
}

done_testing;
