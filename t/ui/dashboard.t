#!/usr/bin/env perl
# The web UI in a real browser (issue 15, items 2, 3, 4 and 9): Debian's
# chromium driven by playwright-core (t/ui/browser.mjs) against a live
# server on SQLite that serves the built UI (build/htdocs/dist) with its
# CSP. First-admin creation, sign-in with a wrong password and the right
# one, the session renewed in the background, the dashboard
# with a project created and analysed through the API, a project created
# and archived through the UI, search and filter, 375 px and dark mode,
# sign-out; the server's rate limit on sign-in said in place; then, behind
# Apache's Basic authentication with
# PlanningTrustApacheUser, the dashboard without any sign-in form. Every
# CSP violation, uncaught error or console error fails the test. Screenshots
# of every page go to $PL_BUILD/t/ui-screenshots (printed at the end).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);
use PlanningUI;

my $ui = PlanningUI::setup(ctags => 1);
my $UI = $ui->{ui};

my $mods = `apxs -q LIBEXECDIR`;
chomp $mods;

# The built page: no inline script or style, nothing from elsewhere.
{
    open my $fh, '<', "$UI/index.html" or die "$UI/index.html: $!";
    my $html = do { local $/; <$fh> };
    my @scripts = $html =~ /<script\b([^>]*)>/gi;
    ok(@scripts && !(grep { !/\bsrc="\/assets\/[\w.-]+\.js"/ } @scripts),
       'index.html loads its scripts from /assets only (no inline script)') or diag($html);
    unlike($html, qr/<style\b|\sstyle=|\son\w+=/i, 'no inline style or event handler attribute');
    unlike($html, qr/(?:src|href)="(?:https?:)?\/\//i, 'nothing from another origin');
}

my $shots = $ui->{shots};
unlink glob "$shots/[abc][0-9]*.png";    # its own: t/ui/project.t's are p*.png

# written between the two analyses: observed completion rises
my $CART = "package cart\n\n// AddItem adds an item to the shopping cart.\n"
         . "func AddItem(c []string, it string) []string { return append(c, it) }\n\n"
         . "// ApplyCoupon applies a discount coupon to the cart total.\n"
         . "func ApplyCoupon(total, pct int) int { return total * (100 - pct) / 100 }\n";

my $R = make_roots();
my $shop = PlanningUI::shop($R);
project_dir($R, $_) for qw(legacy web);
PlanningUI::chown_roots($R);

sub run_browser { PlanningUI::run_node('browser.mjs', @_) }

subtest 'sign-in, dashboard, create and archive, sign-out' => sub {
    my $srv = start_server(backend => 'sqlite3', admin => 0, roots => [$R->{root}], docroot => $UI,
                           extra => "PlanningLoginRateLimit 0\nPlanningAnalyzer $PlanningTest::CLI\n"
                                  . "PlanningAccessTokenLifetime 66");
    run_browser(PL_UI_PHASE => 'session', PL_UI_BASE => $srv->base, PL_UI_SHOTS => $shots,
                PL_UI_SHOP => $shop, PL_UI_LEGACY => "$R->{root}/legacy", PL_UI_WEB => "$R->{root}/web");
    PlanningUI::no_5xx($srv);
    $srv->stop;
};

# The same flow on MariaDB, as a smoke run: fresh checkouts, its own
# screenshot folder.
subtest 'the same on MariaDB (smoke)' => sub {
    plan skip_all => 'MariaDB is not available (PL_TEST_MYSQL_SOCKET)' unless grep { $_ eq 'mysql' } backends();
    my $R2 = make_roots();
    my $shop2 = PlanningUI::shop($R2);
    project_dir($R2, $_) for qw(legacy web);
    PlanningUI::chown_roots($R2);
    mkdir "$shots/mariadb";
    my $srv = start_server(backend => 'mysql', admin => 0, roots => [$R2->{root}], docroot => $UI,
                           extra => "PlanningLoginRateLimit 0\nPlanningAnalyzer $PlanningTest::CLI\n"
                                  . "PlanningAccessTokenLifetime 66");
    run_browser(PL_UI_PHASE => 'session', PL_UI_BASE => $srv->base, PL_UI_SHOTS => "$shots/mariadb",
                PL_UI_SHOP => $shop2, PL_UI_LEGACY => "$R2->{root}/legacy", PL_UI_WEB => "$R2->{root}/web");
    PlanningUI::no_5xx($srv);
    $srv->stop;
};

subtest 'too many sign-in attempts: the rate limit said in place' => sub {
    my $srv = start_server(backend => 'sqlite3', docroot => $UI, extra => 'PlanningLoginRateLimit 2');
    run_browser(PL_UI_PHASE => 'ratelimit', PL_UI_BASE => $srv->base, PL_UI_SHOTS => $shots,
                PL_UI_USER => $PlanningTest::ADMIN_USER);
    $srv->stop;
};

subtest 'Apache authentication trusted: no sign-in form' => sub {
    plan skip_all => "no mod_auth_basic under '$mods'" unless -f "$mods/mod_auth_basic.so";
    plan skip_all => 'htpasswd (apache2-utils) not installed'
        unless system('sh', '-c', 'command -v htpasswd >/dev/null') == 0;
    my $dir = tempdir_shared();
    system('sh', '-c', 'htpasswd -b -c -B "$1" dana dana-secret-0123 2>/dev/null', 'sh', "$dir/htpasswd") == 0
        or die 'htpasswd failed';
    chmod 0644, "$dir/htpasswd";
    my $extra = join "\n",
        (map { "LoadModule ${_}_module $mods/mod_$_.so" } qw(auth_basic authn_file authn_core authz_user)),
        'PlanningTrustApacheUser On',
        '<Location />',
        '    AuthType Basic',
        '    AuthName planning',
        "    AuthUserFile \"$dir/htpasswd\"",
        '    Require valid-user',
        '</Location>';
    my $srv = start_server(backend => 'sqlite3', roots => [$R->{root}], docroot => $UI, extra => $extra);
    run_browser(PL_UI_PHASE => 'apache', PL_UI_BASE => $srv->base, PL_UI_SHOTS => $shots,
                PL_UI_USER => 'dana', PL_UI_PASSWORD => 'dana-secret-0123');
    $srv->stop;
};

diag("screenshots: $shots");
done_testing();
