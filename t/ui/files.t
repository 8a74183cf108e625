#!/usr/bin/env perl
# A project's Files tab in a real browser (issue 16, item 1): Debian's
# chromium driven by playwright-core (t/ui/files.mjs) against a live server
# on SQLite serving the built UI. The project is a git repository with a
# modified, a staged, an added, an untracked and an ignored entry, a
# Markdown file, a PNG and a binary file. The tree with its marks and keys,
# the editor (highlighting, search and replace, wrap, Ctrl+S), a conflicting
# save resolved both ways, the previews, a binary offered as a download, new
# file and folder, rename, delete, an upload of 50 files with their
# progress, a canceled upload, the zips. Every CSP violation (CodeMirror's
# styles included), uncaught error, console error and unexpected error
# reply fails it; axe-core checks each view. Screenshots go to
# $PL_BUILD/t/ui-screenshots (f*.png).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);
use PlanningUI;

my $ui = PlanningUI::setup(shots => 'f[0-9]*.png');
my ($UI, $shots) = @$ui{qw(ui shots)};

my $R = make_roots();
my $dir = project_dir($R, 'site');
# a 2x2 PNG (red, green, blue, white)
my $png = pack('H*', '89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73'
             . '0000001249444154789c63f8cfc0c000c20cff8100001fee05fb0bd9688b0000000049454e44ae426082');
git_repo($dir, {
    'README.md'     => "# Site\n\nThe **site**: [docs](https://example.org/) and [bad](javascript:alert(1)).\n",
    'src/app.py'    => "def hello(name):\n    \"\"\"Say hello.\"\"\"\n    return 'hello ' + name\n",
    'src/util.js'   => "export const one = 1;\n",
    '.gitignore'    => "build/\n",
    'data.bin'      => "\x00\x01\x02\xff\xfe binary\x00",
    'win.txt'       => "one\r\ntwo\r\n",
});
PlanningTest::spew("$dir/logo.png", $png);
git_in($dir, 'add', 'logo.png');                       # added
PlanningTest::spew("$dir/src/util.js", "export const one = 2;\n");
git_in($dir, 'add', 'src/util.js');                    # staged
PlanningTest::spew("$dir/README.md", "# Site\n\nThe **site**: [docs](https://example.org/) and [bad](javascript:alert(1)).\n\n- a list\n");
PlanningTest::spew("$dir/notes.txt", "untracked notes\n");           # untracked
mkdirs("$dir/build");
PlanningTest::spew("$dir/build/out.txt", "built\n");                 # ignored
PlanningUI::chown_roots($R);

my $srv = start_server(backend => 'sqlite3', roots => [$R->{root}], docroot => $UI);

PlanningUI::run_node('files.mjs', PL_UI_BASE => $srv->base, PL_UI_SHOTS => $shots, PL_UI_DIR => $dir,
                    PL_UI_USER => $PlanningTest::ADMIN_USER, PL_UI_PASSWORD => $PlanningTest::ADMIN_PASSWORD);
PlanningUI::no_5xx($srv);
$srv->stop;

diag("screenshots: $shots");
done_testing();
