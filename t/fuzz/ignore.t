#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_ignore.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from the gitignore(5) forms (globs, anchors,
# negation, directories, the three "**", comments, escapes, CRLF, a byte
# order mark) and patterns that make a naive matcher take exponential time,
# with a time-out of 5 s per input (one normally takes microseconds). An
# input is "root rules\0rules of d/e\0path\0path...". Passes when the fuzzer
# finds no crash, leak, UB, time-out or broken contract of pl_ignore.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

sub input { return join("\0", @_) }

my $deep = join('/', ('a') x 60) . '/c';
my %seeds = (
    globs     => input("*.log\n/build\nout/\ndoc/*.txt\n", "!keep.log\n/local\nx/y\n",
                       'a.log', 'dir/sub/b.log', 'build', 'src/build', 'out', 'doc/a.txt',
                       'doc/sub/a.txt', 'keep.log', 'local', 'x/y'),
    stars     => input("**/foo\n**/cache/tmp\nabc/**\n!abc/keep\na/**/b\n**/gen/**/*.c\n", '',
                       'foo', 'a/b/foo', 'x/y/cache/tmp', 'abc', 'abc/keep', 'abc/x/y', 'a/b',
                       'a/x/y/b', 'x/gen/y/z/a.c'),
    escapes   => input("# a comment\n\n\\#hash\n\\!bang\nspaced   \nkept\\ \r\nfile?.c\n[ab].h\n",
                       "*.dat\n!*.dat\n", '#hash', '!bang', 'spaced', 'kept ', 'file1.c', 'a.h',
                       'big.dat'),
    bom_crlf  => input("\xEF\xBB\xBF*.o\r\n/bin/\r\n", "big.dat\n", 'main.o', 'bin', 'x/big.dat'),
    # a/**/a/**/.../b against a/a/.../c: every way to spread the parts over
    # the components fails, and there are C(60, 12) of them
    explode   => input(join('', map { 'a/**/' } 1 .. 12) . "b\n", "**/" x 12 . "z\n", $deep),
    explode2  => input("**/" . ("a/**/" x 6) . "*/**/b/**\n", '', $deep, "$deep/b"),
    stars_one => input('*' x 40 . "a\n" . "*a" x 20 . "*b\n", '', 'a' x 200),
);

fuzz(target => 'ignore', lib => [qw(code/pl_ignore.c)], packages => [qw(apr-1)],
     max_len => 2048, timeout => 5, seeds => \%seeds,
     dict => ['**/', '/**', '/**/', '*', '?', '!', '#', '/', "\\", '[a-z]', "\n", "\r\n", "\0",
              'd/e/', 'a/']);
