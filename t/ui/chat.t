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
use File::Path qw(make_path);
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();
my $ROOT = repo_root();
my $BUILD = $PlanningTest::BUILD;
my $UI = "$BUILD/htdocs/dist";
plan skip_all => "the web UI is not built ($UI/index.html): run script/build" unless -f "$UI/index.html";
plan skip_all => 'chromium is not installed (script/bootstrap installs it)' unless -x '/usr/bin/chromium';
plan skip_all => 'playwright-core is not installed in t/ui (script/bootstrap runs npm ci there)'
    unless -d "$ROOT/t/ui/node_modules/playwright-core";
plan skip_all => 'the browser tests run on SQLite' unless grep { $_ eq 'sqlite3' } backends();

my $shots = "$BUILD/t/ui-screenshots";
make_path($shots);
unlink glob("$shots/chat*.png");

my $R = make_roots();
my $shop = project_dir($R, 'shop');
system('chown', '-R', join(':', (getpwnam($> == 0 ? 'www-data' : scalar getpwuid($>)))[2, 3]), $R->{root}) if $> == 0;

my $fake = start_fake(args => ['--token-delay-ms', '20']);
my $srv = start_server(backend => 'sqlite3', roots => [$R->{root}], docroot => $UI,
                       extra => "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\n"
                              . "PlanningStreamGrace 20");
status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
          'the stand-in is the model server');
status_is($srv->json('POST', '/api/v1/projects', { name => 'shop', local_path => $shop }), 201, 'a project');

sub run_browser {
    my ($srv, $phase) = @_;
    local @ENV{qw(PL_UI_PHASE PL_UI_BASE PL_UI_SHOTS PL_UI_FAKE PL_UI_USER PL_UI_PASSWORD)}
        = ($phase, $srv->base, $shots, $fake->{url}, $PlanningTest::ADMIN_USER, $PlanningTest::ADMIN_PASSWORD);
    my $pid = open(my $out, '-|') // die "fork: $!";
    if (!$pid) {
        open STDERR, '>&', \*STDOUT;
        exec 'node', "$ROOT/t/ui/chat.mjs" or die "exec node: $!";
    }
    my @lines;
    while (my $line = <$out>) {
        chomp $line;
        if    ($line =~ /^PASS (.*)$/) { pass($1) }
        elsif ($line =~ /^FAIL (.*)$/) { fail($1) }
        elsif ($line =~ /^NOTE (.*)$/) { note($1) }
        else                           { push @lines, $line }
    }
    close $out;
    is($? >> 8, 0, 'the browser script ran to its end') or diag(join "\n", @lines);
}


subtest 'chat and settings' => sub {
    run_browser($srv, 'main');
    open my $log, '<', $srv->rundir . '/access.log' or die "access.log: $!";
    my @bad = grep { /" 5\d\d / && !m{/api/v1/threads/\d+/messages[^ ]* HTTP/1\.1" 503 } } <$log>;
    is_deeply(\@bad, [], 'no 5xx reply to the browser (but the busy server it was asked to show)');
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
diag("screenshots: $shots");
done_testing();
