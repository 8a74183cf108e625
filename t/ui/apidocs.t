#!/usr/bin/env perl
# The API reference page (/api-docs) in a real browser (issue 18, item 2):
# Debian's chromium driven by playwright-core (t/ui/apidocs.mjs) against a
# live server on SQLite with the built UI. Reached from Settings; every
# operation of GET /api/v1/openapi.json listed under its tag; the filter;
# an operation opened by keyboard shows its parameters, body and replies;
# axe-core, Tab alone, 375 px without sideways scrolling.
# Screenshots go to $PL_BUILD/t/ui-screenshots (names beginning with "api").
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);
use PlanningUI;

my $ui = PlanningUI::setup(shots => 'api*.png');
my ($UI, $shots) = @$ui{qw(ui shots)};

my $srv = start_server(backend => 'sqlite3', docroot => $UI, extra => "PlanningLoginRateLimit 0\n");
my $doc = $srv->request('GET', '/api/v1/openapi.json')->{json} || {};
my $ops = 0;
for my $item (values %{ $doc->{paths} || {} }) {
    $ops += grep { /^(?:get|put|post|patch|delete)$/ } keys %$item;
}
cmp_ok($ops, '>', 100, "the document has $ops operations");

PlanningUI::run_node('apidocs.mjs', PL_UI_BASE => $srv->base, PL_UI_SHOTS => $shots, PL_UI_OPS => $ops,
                     PL_UI_USER => $PlanningTest::ADMIN_USER, PL_UI_PASSWORD => $PlanningTest::ADMIN_PASSWORD);
PlanningUI::no_5xx($srv);
$srv->stop;

diag("screenshots: $shots");
done_testing();
