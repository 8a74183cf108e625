package PlanningFuzz;
# SPDX-License-Identifier: Apache-2.0
# Runner of the libFuzzer targets in t/fuzz/: builds t/fuzz/fuzz_<target>.c
# with the lib/ sources it names under ASan and UBSan, writes its seed corpus
# (and dictionary), runs it for a while and plans three tests: the target
# builds; it ran without a crash, leak, UB, time-out or broken contract (the
# exit status is 0 and no crash-, leak-, timeout-, oom- artifact appeared);
# it executed more inputs than the seeds alone. The inputs of former
# findings, kept in t/fuzz/found/<target>/, join the seeds of every run.
# Skips the whole file when clang, libFuzzer or a pkg-config package is
# missing.
#
# Environment:
#   PL_FUZZ_SECONDS   seconds per target, overriding each .t's own (0 skips)
#   PL_FUZZ_KEEP=1    keep the work directory (binary, corpus, artifacts)
#   PL_FUZZ_SEED      libFuzzer's -seed: script/test fixes it so that a run
#                     tries what an earlier run with the same seed tried
#                     (the slower machine a prefix of it); script/fuzz
#                     leaves it unset to explore
#
# Synopsis:
#   use lib "$FindBin::Bin/../lib"; use PlanningFuzz qw(fuzz);
#   fuzz(target     => 'url',                     # t/fuzz/fuzz_url.c
#        lib        => [qw(core/pl_url.c)],       # lib/ sources linked in
#        packages   => [qw(apr-1 apr-util-1)],    # pkg-config names
#        seconds    => 15,                        # default 15
#        max_len    => 4096, timeout => 5,        # libFuzzer's -max_len, -timeout (s)
#        seeds      => { name => 'bytes', ... },  # written to the corpus
#        seed_files => [glob('...')],             # copied to the corpus
#        dict       => ["token", "\n# "]);        # libFuzzer dictionary entries
use strict;
use warnings;
use Carp qw(croak);
use Cwd qw(abs_path);
use Exporter 'import';
use File::Basename qw(basename dirname);
use File::Copy qw(copy);
use File::Path qw(remove_tree);
use File::Temp qw(tempdir);
use Test::More ();

our @EXPORT_OK = qw(fuzz);

our $ROOT = abs_path(dirname(__FILE__) . '/../..');

sub have { my ($cmd) = @_; return system("command -v $cmd >/dev/null 2>&1") == 0 }

sub seconds_for {
    my ($default) = @_;
    my $s = $ENV{PL_FUZZ_SECONDS} // $default;
    return $s =~ /^\d+$/ ? $s : 0;
}

# "cflags libs" of the packages, or undef when pkg-config does not know one.
sub pkg_flags {
    my @packages = @_;
    return ('', '') unless @packages;
    my $cflags = `pkg-config --cflags @packages 2>/dev/null`;
    return () if $?;
    my $libs = `pkg-config --libs @packages 2>/dev/null`;
    return () if $?;
    chomp($cflags, $libs);
    return ($cflags, $libs);
}

sub write_file {
    my ($path, $bytes) = @_;
    open(my $fh, '>:raw', $path) or croak "$path: $!";
    print {$fh} $bytes;
    close($fh) or croak "$path: $!";
}

# libFuzzer dictionary: one quoted token a line, other bytes as \xNN.
sub write_dict {
    my ($path, $tokens) = @_;
    write_file($path, join('', map {
        '"' . join('', map {
            my $o = ord($_);
            ($o < 0x20 || $o > 0x7e || $_ eq '"' || $_ eq '\\') ? sprintf('\\x%02X', $o) : $_
        } split(//, $_)) . "\"\n"
    } @$tokens));
}

# A found input as a C string literal, so the CI log is enough to reproduce it.
sub c_literal {
    my ($bytes) = @_;
    return '"' . join('', map {
        my $o = ord($_);
        $_ eq '"' || $_ eq '\\' ? "\\$_" : $o < 0x20 || $o > 0x7e ? sprintf('\\%03o', $o) : $_
    } split(//, $bytes)) . '"';
}

sub slurp {
    my ($path) = @_;
    open(my $fh, '<:raw', $path) or return '';
    local $/;
    return scalar <$fh>;
}

sub fuzz {
    my %o = @_;
    my $target = $o{target} or croak 'fuzz: target';
    my $seconds = seconds_for($o{seconds} // 15);

    Test::More::plan(skip_all => 'clang not found (install clang and libclang-rt-14-dev to fuzz)')
        unless have('clang');
    Test::More::plan(skip_all => 'pkg-config not found') unless have('pkg-config');
    Test::More::plan(skip_all => 'PL_FUZZ_SECONDS=0: fuzzing disabled') unless $seconds;
    my @packages = @{ $o{packages} // [] };
    my ($cflags, $libs) = pkg_flags(@packages);
    Test::More::plan(skip_all => "pkg-config does not know one of @packages") unless defined $libs;
    Test::More::plan(tests => 3);

    my $tmp = tempdir("fuzz_$target.XXXXXX", TMPDIR => 1, CLEANUP => 0);
    my $bin = "$tmp/fuzz_$target";
    my @src = ("$ROOT/t/fuzz/fuzz_$target.c", map { "$ROOT/lib/$_" } @{ $o{lib} // [] });
    my $build = "clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined "
        . "-Wall -Wextra -Wno-unused-parameter -Werror -I'$ROOT/lib' -I'$ROOT/t/fuzz' $cflags "
        . "@src $libs -lpthread -o '$bin' 2>&1";
    my $execs;
  SKIP: {
        my $out = `$build`;
        if (!Test::More::ok($? == 0, "fuzz_$target builds")) {
            Test::More::diag("$build\n$out");
            Test::More::skip('the fuzzer did not build', 2);
        }
        $execs = run_target($target, $tmp, $bin, $seconds, \%o);
    }
    if ($ENV{PL_FUZZ_KEEP} || (defined $execs && $execs < 0)) {
        Test::More::diag("kept $tmp (rerun an input with: $bin <file>)");
    }
    else {
        remove_tree($tmp);
    }
    return $execs;
}

# Writes the corpus and runs the fuzzer (two tests); the inputs executed, or
# -1 when it found something.
sub run_target {
    my ($target, $tmp, $bin, $seconds, $o) = @_;
    my $corpus = "$tmp/corpus";
    mkdir $corpus or croak "mkdir $corpus: $!";
    my $seeds = 0;
    for my $name (sort keys %{ $o->{seeds} // {} }) {
        write_file("$corpus/$name", $o->{seeds}{$name});
        $seeds++;
    }
    # what the fuzzer once found (t/fuzz/found/<target>/) runs every time
    for my $file (@{ $o->{seed_files} // [] }, glob("$ROOT/t/fuzz/found/$target/*")) {
        copy($file, "$corpus/" . basename($file)) or croak "$file: $!";
        $seeds++;
    }
    my $dict = '';
    if ($o->{dict}) {
        write_dict("$tmp/$target.dict", $o->{dict});
        $dict = "-dict='$tmp/$target.dict' ";
    }

    my $seed = ($ENV{PL_FUZZ_SEED} // '') =~ /^\d+$/ ? "-seed=$ENV{PL_FUZZ_SEED} " : '';
    my $run = "'$bin' $seed-max_total_time=$seconds -rss_limit_mb=1024 -max_len=" . ($o->{max_len} // 4096)
        . ' -timeout=' . ($o->{timeout} // 10) . " $dict-artifact_prefix='$tmp/' "
        . "-print_final_stats=1 '$corpus' 2>&1";
    local $ENV{ASAN_OPTIONS} = join(':', 'detect_leaks=1', 'abort_on_error=0',
                                    $ENV{ASAN_OPTIONS} // ());
    local $ENV{UBSAN_OPTIONS} = 'print_stacktrace=1';
    my @log = `$run`;
    my $status = $?;
    write_file("$tmp/fuzz.log", join('', @log));
    my @found = grep { /^(?:crash|leak|timeout|oom)-/ } map { basename($_) } glob("$tmp/*");
    my %stat = map { /^stat::(\w+):\s*(\d+)/ ? ($1 => $2) : () } @log;
    my $execs = $stat{number_of_executed_units} // 0;
    my $clean = Test::More::ok($status == 0 && !@found,
                               "fuzz_$target ran ${seconds}s without a finding");
    if (!$clean) {
        Test::More::diag('exit status ' . ($status >> 8) . ": $run");
        Test::More::diag(join('', @log > 60 ? @log[-60 .. -1] : @log));
        for my $f (@found) {
            my $bytes = slurp("$tmp/$f");
            Test::More::diag("$f (" . length($bytes) . ' bytes): '
                             . (length($bytes) <= 2048 ? c_literal($bytes) : 'see the file'));
        }
    }
    # coverage as libFuzzer last said it: edges (cov) and features (ft)
    my ($cov, $ft) = (join('', @log) =~ /.*\bcov: (\d+) ft: (\d+)/s);
    Test::More::ok($execs > $seeds, "fuzz_$target executed $execs inputs from $seeds seeds"
                   . " (coverage " . ($cov // '?') . ' edges, ' . ($ft // '?') . ' features;'
                   . " peak RSS " . ($stat{peak_rss_mb} // '?') . ' MB)');
    # script/fuzz's table: one line per target
    if (my $report = $ENV{PL_FUZZ_REPORT}) {
        open my $fh, '>>', $report or croak "$report: $!";
        printf $fh "%-12s %8ds %12d %8s %8s %6s %s\n", $target, $seconds, $execs, $cov // '?', $ft // '?',
               $stat{peak_rss_mb} // '?', $clean ? 'clean' : "FOUND (kept $tmp)";
        close $fh;
    }
    return $clean ? $execs : -1;
}

1;
