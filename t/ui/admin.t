#!/usr/bin/env perl
# Administration in a real browser (issue 16, item 3): Debian's chromium
# driven by playwright-core (t/ui/admin.mjs) against a live server on
# SQLite with the built UI and the Ollama stand-in (t/fake-ollama) as its
# model server. A server added, tested, edited (priority), disabled and
# enabled; a server's models listed; a model pulled with its progress (the
# stand-in slowed by pull_delay_ms), another pull canceled, a model
# deleted; a user created, promoted, disabled and deleted; the audit log
# filtered; usage as a chart and a table; a prompt created, edited (a new
# version), diffed, restored and test-run streamed; a viewer sees no Admin
# link and /admin says admins only (the API refuses them too). axe-core on
# each view, Tab alone on each, 375 px without sideways scrolling.
# Screenshots go to $PL_BUILD/t/ui-screenshots (names beginning with "adm").
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);
use PlanningUI;

my $ui = PlanningUI::setup(shots => 'adm*.png');
my ($UI, $shots) = @$ui{qw(ui shots)};

my $fake = start_fake(args => ['--token-delay-ms', '20']);
my $srv = start_server(backend => 'sqlite3', docroot => $UI,
                       extra => "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\n");
status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
          'the stand-in is the model server');

# usage to show: two replies of the admin's in a thread, one of a developer's
my $t = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest' });
status_is($t, 201, 'a thread');
for my $q ('first question', 'second question') {
    status_is($srv->json('POST', "/api/v1/threads/$t->{json}{id}/messages", { content => $q, stream => JSON::PP::false }),
              201, "a reply to '$q' (counted in the usage)");
}
my (undef, $dev) = $srv->add_user('devon', 'developer');
my $dt = $srv->json('POST', '/api/v1/threads', { model => 'qwen3:0.6b' }, { Authorization => "Bearer $dev" });
status_is($srv->json('POST', "/api/v1/threads/$dt->{json}{id}/messages", { content => 'hi', stream => JSON::PP::false },
                     { Authorization => "Bearer $dev" }), 201, "a developer's reply on another model");
# a viewer, for the "admins only" page
$srv->add_user('vic', 'viewer');
# a failed sign-in, for the audit log's outcome filter
status_is($srv->json('POST', '/api/v1/auth/login', { username => 'vic', password => 'not the password at all' },
                     { Authorization => undef }), 401, 'a wrong password (audited as a failure)');

PlanningUI::run_node('admin.mjs', PL_UI_BASE => $srv->base, PL_UI_SHOTS => $shots, PL_UI_FAKE => $fake->{url},
                     PL_UI_USER => $PlanningTest::ADMIN_USER, PL_UI_PASSWORD => $PlanningTest::ADMIN_PASSWORD,
                     PL_UI_VIEWER => 'vic', PL_UI_VIEWER_PASSWORD => 'pw-vic-0123456789');
PlanningUI::no_5xx($srv);
$srv->stop;

diag("screenshots: $shots");
done_testing();
