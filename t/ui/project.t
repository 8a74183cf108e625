#!/usr/bin/env perl
# A project's page in a real browser (issue 15, item 5, and the plan's
# sanitizer cases of item 2): Debian's chromium driven by playwright-core
# (t/ui/project.mjs) against a live server on SQLite serving the built UI.
# A project with a real checkout (MASTER_PLAN.md and code); "Analyse now"
# from the page with its progress bar to the end, a second analysis after
# code is written, one canceled; the objectives tree, its filters and an
# objective's evidence; the recommendations; the burn-up of the analyses;
# the plan editor: preview, save, a 412 conflict (the plan saved through the
# API in between) shown and resolved both ways, a version's diff, a restore;
# a hostile plan rendered inert. Every CSP violation, uncaught error,
# console error and unexpected error reply fails it; axe-core checks each
# view. Screenshots go to $PL_BUILD/t/ui-screenshots (p*.png).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);
use PlanningUI;

my $ui = PlanningUI::setup(ctags => 1, shots => 'p[0-9]*.png');
my ($UI, $shots) = @$ui{qw(ui shots)};

my $R = make_roots();
my $shop = PlanningUI::shop($R, depends => 1);

# The analyzer, behind a wrapper that waits while a marker file exists: an
# analysis the page can cancel while it runs (the job kills its process group).
my $tools = tempdir_shared();
my $slow = "$tools/slow";
open my $fh, '>', "$tools/analyzer" or die "$tools/analyzer: $!";
print $fh "#!/bin/sh\nwhile [ -e '$slow' ]; do sleep 0.2; done\nexec '$PlanningTest::CLI' \"\$@\"\n";
close $fh;
chmod 0755, "$tools/analyzer";
chmod 0777, $tools;
PlanningUI::chown_roots($R);

my $srv = start_server(backend => 'sqlite3', roots => [$R->{root}], docroot => $UI,
                       extra => "PlanningAnalyzer $tools/analyzer\n");

PlanningUI::run_node('project.mjs', PL_UI_BASE => $srv->base, PL_UI_SHOTS => $shots, PL_UI_SHOP => $shop,
                    PL_UI_SLOW => $slow, PL_UI_USER => $PlanningTest::ADMIN_USER,
                    PL_UI_PASSWORD => $PlanningTest::ADMIN_PASSWORD);
PlanningUI::no_5xx($srv);
$srv->stop;

diag("screenshots: $shots");
done_testing();
