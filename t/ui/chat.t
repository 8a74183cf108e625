#!/usr/bin/env perl
# The chat and settings pages in a real browser (issue 15, items 2, 6, 7, 8
# and 9): Debian's chromium driven by playwright-core (t/ui/chat.mjs)
# against a live server on SQLite with the built UI and the Ollama stand-in
# (t/fake-ollama) as its model server. A reply streamed and rendered as it
# comes, stop (the stand-in sees its generation aborted), a reload in the
# middle of a reply (resumed with Last-Event-ID), regenerate and the
# versions ‹ 1/2 ›, edit, a reply with an <img onerror>, a javascript: link
# and an SVG with a script rendered inert, code highlighted with a copy
# button, errors in place (an unknown model, a busy server), the thread
# list (search, pin, rename, archive, export, delete), a prompt with
# variables inserted, the settings applied to a new thread, the theme, an
# API key created (shown once), listed and revoked, keyboard shortcuts,
# 375 px. Every CSP violation, uncaught error, console error or dialog fails.
# Screenshots go to $PL_BUILD/t/ui-screenshots (names beginning with "chat").
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);
use PlanningUI;

my $ui = PlanningUI::setup(shots => 'chat*.png');
my ($UI, $shots) = @$ui{qw(ui shots)};

my $R = make_roots();
my $shop = project_dir($R, 'shop');
PlanningUI::chown_roots($R);

my $fake = start_fake(args => ['--token-delay-ms', '20']);
my $srv = start_server(backend => 'sqlite3', roots => [$R->{root}], docroot => $UI,
                       extra => "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\n"
                              . "PlanningStreamGrace 20");
status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
          'the stand-in is the model server');
status_is($srv->json('POST', '/api/v1/projects', { name => 'shop', local_path => $shop }), 201, 'a project');

sub run_browser {
    my ($srv, $phase) = @_;
    PlanningUI::run_node('chat.mjs', PL_UI_PHASE => $phase, PL_UI_BASE => $srv->base, PL_UI_SHOTS => $shots,
                         PL_UI_FAKE => $fake->{url}, PL_UI_USER => $PlanningTest::ADMIN_USER,
                         PL_UI_PASSWORD => $PlanningTest::ADMIN_PASSWORD);
}

subtest 'chat and settings' => sub {
    run_browser($srv, 'main');
    PlanningUI::no_5xx($srv, qr{/api/v1/threads/\d+/messages[^ ]* HTTP/1\.1" 503 },
                       'no 5xx reply to the browser (but the busy server it was asked to show)');
    $srv->stop;
};

subtest 'the stream cap (PlanningMaxStreamsPerUser 1) said in place' => sub {
    fake_control($fake, 'POST', 'reset');
    my $cap = start_server(backend => 'sqlite3', docroot => $UI,
                           extra => "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\n"
                                  . "PlanningMaxStreamsPerUser 1");
    status_is($cap->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
              'the stand-in is the model server');
    run_browser($cap, 'cap');
    $cap->stop;
};
subtest 'tools in the chat: a read shown, a write allowed (PlanningToolWrites confirm)' => sub {
    fake_control($fake, 'POST', 'reset');
    my $TR = make_roots();
    my $dir = project_dir($TR, 'planned');
    PlanningTest::spew("$dir/MASTER_PLAN.md", "# Planned\n\n## AUTH-001 Sign-in\n\n- [ ] Login form\n- [ ] Password reset\n");
    PlanningUI::chown_roots($TR);
    my $tsrv = start_server(backend => 'sqlite3', roots => [$TR->{root}], docroot => $UI,
                            extra => "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\n"
                                   . "PlanningToolWrites confirm");
    status_is($tsrv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
              'the stand-in is the model server');
    my $p = $tsrv->json('POST', '/api/v1/projects', { name => 'planned', local_path => $dir });
    status_is($p, 201, 'a project with a plan');
    PlanningUI::run_node('chat-tools.mjs', PL_UI_BASE => $tsrv->base, PL_UI_SHOTS => $shots,
                         PL_UI_USER => $PlanningTest::ADMIN_USER, PL_UI_PASSWORD => $PlanningTest::ADMIN_PASSWORD,
                         PL_UI_PROJECT => $p->{json}{id});
    $tsrv->stop;
};
diag("screenshots: $shots");
done_testing();
