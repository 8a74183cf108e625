#!/usr/bin/perl
# The README tells the truth about what the code has: every route of the
# route table, every directive, and the error-code table as script/error-codes
# prints it from lib/core/pl_errors.c; no link leads outside the repository.
use strict;
use warnings;
use Test::More;
use FindBin;

my $top = "$FindBin::Bin/../..";
sub slurp { local (@ARGV, $/) = @_; <> }
my $readme = slurp("$top/README.md");
my $conf = slurp("$top/conf/planning.conf");

# Routes: method and pattern, parameters named as the reader likes ({id}, {server} ...).
my $router = slurp("$top/mod_planning/mp_router.c");
my ($table) = $router =~ /static const mp_route_t ROUTES\[\] = \{(.*?)\n\};/s;
my %base = (P => '/api/v1', O => '/ollama/api');
my @routes;
while ($table =~ /\{\s*M_(\w+),\s*(P|O)\s*((?:"[^"]*"\s*)*)/g) {
    my ($m, $b, $lits) = ($1, $2, $3);
    my $path = $base{$b} . join '', $lits =~ /"([^"]*)"/g;
    push @routes, [$m, $path];
}
ok(@routes > 50, scalar(@routes) . ' routes in the table');
sub norm { my $s = shift; $s =~ s/\{[^}]*\}/{}/g; $s =~ s{/+$}{}; $s }
# Every pattern the README names: `METHOD /path`, `GET/PATCH /path`, `GET, HEAD /path`
# and the ".../tail" shorthand is not used for the check.
my %doc;
while ($readme =~ /`((?:[A-Z]+(?:\/|,\s*)?)+)\s+(\/[^`\s?\[]*)/g) {
    my ($methods, $path) = ($1, $2);
    for my $alt (split m{,\s*}, $path) {
        $doc{ "$_ " . norm($alt) } = 1 for split m{[/,\s]+}, $methods;
    }
}
# A route written with its sub-paths in brackets: /versions[/{n}]
while ($readme =~ /`((?:[A-Z]+(?:\/|,\s*)?)+)\s+(\/[^`\s?]*)\[(\/[^`\]]*)\]/g) {
    my ($methods, $path, $more) = ($1, $2, $3);
    $doc{ "$_ " . norm("$path$more") } = 1 for split m{[/,\s]+}, $methods;
}
my @undocumented = grep { !$doc{"$_->[0] " . norm($_->[1])} } @routes;
is_deeply([map { "$_->[0] $_->[1]" } @undocumented], [], "every route is in the README") or diag(join "\n", map { "$_->[0] $_->[1]" } @undocumented);

# Directives: each in the README and in conf/planning.conf.
my $config = slurp("$top/mod_planning/mp_config.c");
my %directives = map { $_ => 1 } $config =~ /AP_INIT_\w+\(\s*"(Planning\w+)"/g;
ok(keys %directives > 20, scalar(keys %directives) . ' directives');
is_deeply([grep { $readme !~ /`\Q$_\E\b/ } sort keys %directives], [], 'every directive is in the README');
is_deeply([grep { $conf !~ /\b\Q$_\E\b/ } sort keys %directives], [], '... and in conf/planning.conf');

# The directive table and planning.conf(5) come from one source,
# doc/directives.tsv: every directive of mp_config.c has its row there (and no
# row names a directive that does not exist), and the README's table is what
# script/gen-docs makes of it, between its markers.
my %tsv = map { /^(Planning\w+)/ ? ($1 => 1) : () } grep { !/^\s*#/ } split /\n/, slurp("$top/doc/directives.tsv");
is_deeply([grep { !$tsv{$_} } sort keys %directives], [], 'every directive has its row in doc/directives.tsv');
is_deeply([grep { !$directives{$_} } sort keys %tsv], [], 'doc/directives.tsv names only directives mp_config.c has');
my $gen_table = `$^X $top/script/gen-docs --readme-table`;
is($?, 0, 'script/gen-docs --readme-table runs');
my ($readme_table) = $readme =~ /<!-- directives: [^\n]*-->\n(.*?)<!-- \/directives -->/s;
is($readme_table, $gen_table, "the README's directive table is the one doc/directives.tsv generates")
    or diag('run script/gen-docs --readme');

# planning(1): every subcommand cli/planning.c dispatches, and every long
# option of the apr_getopt tables in cli/, is in doc/planning.1.txt.
my $man1 = slurp("$top/doc/planning.1.txt");
my $main = slurp("$top/cli/planning.c");
my %cmds = map { $_ => 1 } $main =~ /strcmp\(cmd, "([a-z][\w-]*)"\)/g;
ok(keys %cmds >= 7, scalar(keys %cmds) . ' subcommands: ' . join(' ', sort keys %cmds));
is_deeply([grep { $man1 !~ /^\* \Q$_\E\b/m } sort keys %cmds], [], 'every subcommand has its entry in planning(1)');
# ("ci help" is its --help, documented with it)
my %sub = map { $_ => 1 } grep { $_ ne "help" } slurp("$top/cli/ci.c") =~ /strcmp\(argv\[1\], "([a-z]+)"\)/g;
is_deeply([grep { $man1 !~ /^\* ci \Q$_\E\b/m } sort keys %sub], [], '... and every ci subcommand');
my %opts;
for my $f (glob("$top/cli/*.c")) {
    my $src = slurp($f);
    while ($src =~ /apr_getopt_option_t\s+\w+\[\]\s*=\s*\{(.*?)\n\s*\};/sg) {
        $opts{$_} = 1 for $1 =~ /\{\s*"([a-z][\w-]*)",/g;
    }
}
ok(keys %opts > 30, scalar(keys %opts) . ' options in cli/');
is_deeply([grep { $man1 !~ /^\* --\Q$_\E\b/m } sort keys %opts], [], 'every option has its entry in planning(1)');

# The error codes, exactly as the one table has them.
my $codes = `$^X $top/script/error-codes`;
is($?, 0, 'script/error-codes runs');
ok(index($readme, $codes) >= 0, 'the README carries the error-code table of lib/core/pl_errors.c')
    or diag("run script/error-codes and paste its output into README.md");

# Links: relative ones lead to files of the repository; none leaves it.
my @links = $readme =~ /\]\(([^)\s]+)\)/g;
my @bad = grep { m{^\.\./} || (!m{^(?:https?:|#)} && !-e "$top/$_") } @links;
is_deeply(\@bad, [], 'every link of the README leads to a file of the repository');
unlike($readme, qr{\.\./shared}, 'nothing points outside the repository');

done_testing();
