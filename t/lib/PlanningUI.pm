package PlanningUI;
# What the browser tests (t/ui/*.t) share: the checks that skip them when
# the UI, chromium or playwright-core is missing, the screenshot folder,
# the run of a node script whose PASS/FAIL/NOTE lines become tests, and
# the access log checked for 5xx replies.
#
#   my $ui = PlanningUI::setup(shots => 'p[0-9]*.png', ctags => 1);
#   $ui->{ui}, $ui->{shots}                       # build/htdocs/dist, the screenshots
#   PlanningUI::run_node('project.mjs', PL_UI_BASE => $srv->base, ...);
#   PlanningUI::no_5xx($srv, qr{...});            # but those matching the pattern
#   my $shop = PlanningUI::shop($R);              # the shop project, plan and code
use strict;
use warnings;
use File::Path qw(make_path);
use Test::More;
use PlanningTest qw(:all);
use PlanningAnalysis qw(write_tree);

# Skips the test (plan skip_all) when something it needs is missing, makes
# the screenshot folder and removes the test's own screenshots from it
# (names matching the glob $o{shots}). With ctags => 1 it needs ctags too.
sub setup {
    my (%o) = @_;
    PlanningTest::require_build();
    my $root = repo_root();
    my $build = $PlanningTest::BUILD;
    my $ui = "$build/htdocs/dist";
    plan skip_all => "the web UI is not built ($ui/index.html): run script/build" unless -f "$ui/index.html";
    plan skip_all => 'chromium is not installed (script/bootstrap installs it)' unless -x '/usr/bin/chromium';
    plan skip_all => 'playwright-core is not installed in t/ui (script/bootstrap runs npm ci there)'
        unless -d "$root/t/ui/node_modules/playwright-core";
    plan skip_all => 'universal-ctags is not installed'
        if $o{ctags} && !(-x '/usr/bin/ctags-universal' || -x '/usr/bin/ctags');
    plan skip_all => 'the browser tests run on SQLite' unless grep { $_ eq 'sqlite3' } backends();
    my $shots = "$build/t/ui-screenshots";
    make_path($shots);
    unlink glob "$shots/$o{shots}" if defined $o{shots};
    return { root => $root, build => $build, ui => $ui, shots => $shots };
}

# The server's user (www-data when the tests run as root) owns the roots.
sub chown_roots {
    my ($R) = @_;
    system('chown', '-R', join(':', (getpwnam($> == 0 ? 'www-data' : scalar getpwuid($>)))[2, 3]), $R->{root})
        if $> == 0;
}

# Runs t/ui/$script under node with %env added to the environment: a line
# "PASS x" is pass(x), "FAIL x" fail(x), "NOTE x" note(x); the others are
# shown if the script does not end with 0.
sub run_node {
    my ($script, %env) = @_;
    local @ENV{keys %env} = values %env;
    my $pid = open(my $out, '-|') // die "fork: $!";
    if (!$pid) {
        open STDERR, '>&', \*STDOUT;
        exec 'node', repo_root() . "/t/ui/$script" or die "exec node: $!";
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

# The UI is static files: the server's replies to the browser are in the
# access log; none of them may be a 5xx (but those matching $except).
sub no_5xx {
    my ($srv, $except, $name) = @_;
    open my $log, '<', $srv->rundir . '/access.log' or die "access.log: $!";
    my @bad = grep { /" 5\d\d / && !(defined $except && $_ =~ $except) } <$log>;
    is_deeply(\@bad, [], $name // 'no 5xx reply to the browser');
}

# The shop the browser tests analyse: a master plan (CART-001 depending on
# AUTH-001 with depends => 1) and the code of AUTH-001, in the project
# directory "shop" of make_roots()'s $R. Returns the directory.
my $SHOP_PLAN = <<'MD';
# Shop master plan

## Primary objectives

### AUTH-001 User login
Users sign in with a password that is stored hashed.
- [x] Hash passwords with a random salt
- [x] Verify the password at login

### CART-001 Shopping cart
%DEPENDS%- [x] Add an item to the shopping cart
- [x] Apply a discount coupon to the cart total

## Secondary objectives

### SRCH-001 Product search
- [x] Search products by keyword with fuzzy spelling
- [ ] Rank search results by popularity
MD

my $SHOP_AUTH = <<'PY';
"""Password storage for user accounts."""
import hashlib
import os


def hash_password(password, salt=None):
    """Hash a password with a random salt (PBKDF2)."""
    salt = salt or os.urandom(16)
    return salt, hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100000)


def verify_password(password, salt, expected):
    """Verify a password at login against the stored hash."""
    return hash_password(password, salt)[1] == expected
PY

sub shop {
    my ($R, %o) = @_;
    (my $plan = $SHOP_PLAN) =~ s/%DEPENDS%/$o{depends} ? "Depends on AUTH-001.\n" : ''/e;
    my $dir = project_dir($R, 'shop');
    write_tree($dir, 'MASTER_PLAN.md' => $plan, 'auth/passwords.py' => $SHOP_AUTH);
    return $dir;
}

1;
