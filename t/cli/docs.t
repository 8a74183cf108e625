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
