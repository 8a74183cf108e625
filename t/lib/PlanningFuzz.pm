package PlanningFuzz;
# The libFuzzer targets in t/fuzz/: each .t names its C sources and seeds,
# and this builds the target with ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 20) from the seeds. Two tests: it builds, it ran
# without a finding (crash, leak, UB or a contract the target checks).
#
#   use PlanningFuzz;
#   PlanningFuzz::run(name => 'jwt', pkgs => 'apr-1 apr-util-1 jansson openssl',
#                     sources => [qw(t/fuzz/fuzz_jwt.c lib/pl_jwt.c ...)],
#                     seeds => { valid => '...', ... });
use strict;
use warnings;
use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use Test::More ();

sub have { my ($cmd) = @_; return system("command -v $cmd >/dev/null 2>&1") == 0 }

# Skips the whole file unless fuzzing can run here; otherwise plans its 2 tests.
sub plan_or_skip {
    my (%o) = @_;
    my $seconds = $ENV{PL_FUZZ_SECONDS} // 20;
    Test::More::plan(skip_all => 'clang not found (install clang and libclang-rt-14-dev to fuzz)')
        unless have('clang');
    Test::More::plan(skip_all => 'pkg-config not found') unless have('pkg-config');
    Test::More::plan(skip_all => "PL_FUZZ_SECONDS=$seconds: fuzzing disabled")
        unless $seconds =~ /^\d+$/ && $seconds > 0;
    my $cflags = `pkg-config --cflags $o{pkgs} 2>/dev/null`;
    my $libs = `pkg-config --libs $o{pkgs} 2>/dev/null`;
    Test::More::plan(skip_all => "pkg-config does not know $o{pkgs}") if $?;
    chomp($cflags, $libs);
    Test::More::plan(tests => 2);
    return ($seconds, $cflags, $libs);
}

sub run {
    my (%o) = @_;
    my ($seconds, $cflags, $libs) = plan_or_skip(%o);
    my $root = File::Spec->rel2abs("$FindBin::Bin/../..");
    my $tmp = tempdir("fuzz_$o{name}.XXXXXX", TMPDIR => 1, CLEANUP => 1);
    my $bin = "$tmp/fuzz_$o{name}";
    my @src = map { "$root/$_" } @{ $o{sources} };
    my $build = "clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined "
        . "-Wall -Wextra -Wno-unused-parameter -I'$root/lib' $cflags @src $libs -o '$bin' 2>&1";
    my $out = `$build`;
    if (!Test::More::ok($? == 0, 'fuzzer builds')) {
        Test::More::diag($build);
        Test::More::diag($out);
        Test::More::BAIL_OUT('cannot build the fuzzer');
    }
    my $corpus = "$tmp/corpus";
    mkdir $corpus or die "mkdir $corpus: $!";
    for my $name (sort keys %{ $o{seeds} }) {
        open(my $fh, '>', "$corpus/$name") or die "$corpus/$name: $!";
        print {$fh} $o{seeds}{$name};
        close($fh) or die "$corpus/$name: $!";
    }
    my $run = "'$bin' -max_total_time=$seconds -rss_limit_mb=1024 -max_len=8192 "
        . "-artifact_prefix='$tmp/' -print_final_stats=1 '$corpus' 2>&1";
    local $ENV{ASAN_OPTIONS} = join(':', 'detect_leaks=1', 'abort_on_error=0', $ENV{ASAN_OPTIONS} // ());
    local $ENV{UBSAN_OPTIONS} = 'print_stacktrace=1';
    my @log = `$run`;
    my $rc = $? >> 8;
    if (!Test::More::ok($? == 0, "fuzzer ran ${seconds}s without a finding")) {
        Test::More::diag("exit status $rc: $run");
        Test::More::diag(join('', @log > 60 ? @log[-60 .. -1] : @log));
    }
}

1;
