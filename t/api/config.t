#!/usr/bin/env perl
# Directive validation: `apache2 -t` refuses bad values and names the
# directive; accepts good ones. No server is started.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $dirs = tempdir_shared();
mkdirs("$dirs/a", "$dirs/b", "$dirs/c d");
symlink("$dirs/a", "$dirs/link-a") or die "symlink: $!";
open my $fh, '>', "$dirs/file" or die;
close $fh;

my ($rc0, $out0) = config_test();
is($rc0, 0, 'baseline config passes apache2 -t') or diag($out0);
like($out0, qr/Syntax OK/, 'Syntax OK');

my @bad = (
    ['PlanningMaxBodySize abc',          'PlanningMaxBodySize'],
    ['PlanningMaxBodySize 0',            'PlanningMaxBodySize'],
    ['PlanningMaxBodySize -1',           'PlanningMaxBodySize'],
    ['PlanningMaxBodySize 1073741825',   'PlanningMaxBodySize'],
    ['PlanningMaxBodySize 2G',           'PlanningMaxBodySize'],
    ['PlanningMaxBodySize 99999999999999999999', 'PlanningMaxBodySize'],
    ['PlanningMaxBodySize 10Q',          'PlanningMaxBodySize'],
    ['PlanningMaxBodySize 1.5M',         'PlanningMaxBodySize'],
    ['PlanningMaxBodySize ""',           'PlanningMaxBodySize'],
    ['PlanningMaxBodySize 1 2',          'PlanningMaxBodySize'],
    ['PlanningMaxUploadSize 0',          'PlanningMaxUploadSize'],
    ['PlanningMaxUploadSize 2000G',      'PlanningMaxUploadSize'],
    ['PlanningMaxUploadSize 1.5M',       'PlanningMaxUploadSize'],
    ['PlanningMaxZipEntries 0',          'PlanningMaxZipEntries'],
    ['PlanningMaxZipEntries 10000001',   'PlanningMaxZipEntries'],
    ['PlanningMaxZipEntries many',       'PlanningMaxZipEntries'],
    ['PlanningJSONMaxDepth 0',           'PlanningJSONMaxDepth'],
    ['PlanningJSONMaxDepth 513',         'PlanningJSONMaxDepth'],
    ['PlanningJSONMaxDepth 10000',       'PlanningJSONMaxDepth'],
    ['PlanningJSONMaxDepth -3',          'PlanningJSONMaxDepth'],
    ['PlanningJSONMaxDepth two',         'PlanningJSONMaxDepth'],
    ['PlanningJSONMaxDepth 8x',          'PlanningJSONMaxDepth'],
    ['PlanningSQLiteBusyTimeout x',      'PlanningSQLiteBusyTimeout'],
    ['PlanningRateLimitCache nosuch',   'PlanningRateLimitCache'],
    ['PlanningSQLiteBusyTimeout -1',     'PlanningSQLiteBusyTimeout'],
    ['PlanningSQLiteBusyTimeout 600001', 'PlanningSQLiteBusyTimeout'],
    ['PlanningSQLiteBusyTimeout 5s',     'PlanningSQLiteBusyTimeout'],
    ['PlanningStreamGrace -1',           'PlanningStreamGrace'],
    ['PlanningStreamGrace 3601',         'PlanningStreamGrace'],
    ['PlanningStreamGrace 30s',          'PlanningStreamGrace'],
    ['PlanningSSEHeartbeat 0',           'PlanningSSEHeartbeat'],
    ['PlanningSSEHeartbeat 3601',        'PlanningSSEHeartbeat'],
    ['PlanningStreamLease 2',            'PlanningStreamLease'],
    ['PlanningStreamLease x',            'PlanningStreamLease'],
    ['PlanningMaxReplySize 1023',        'PlanningMaxReplySize'],
    ['PlanningMaxReplySize 257M',        'PlanningMaxReplySize'],
    ['PlanningMaxReplySize 1.5M',        'PlanningMaxReplySize'],
    ['PlanningAnalyzer planning',        'PlanningAnalyzer'],
    ["PlanningAnalyzer $dirs/missing",   'PlanningAnalyzer'],
    ["PlanningAnalyzer $dirs/a",         'PlanningAnalyzer'],
    ["PlanningAnalyzer $dirs/file",      'PlanningAnalyzer'],
    ['PlanningAnalysisTimeout 0',        'PlanningAnalysisTimeout'],
    ['PlanningAnalysisTimeout 86401',    'PlanningAnalysisTimeout'],
    ['PlanningAnalysisTimeout 30m',      'PlanningAnalysisTimeout'],
    ['PlanningGitTimeout 0',             'PlanningGitTimeout'],
    ['PlanningGitTimeout 5m',            'PlanningGitTimeout'],
    ['PlanningGitCAFile ca.pem',         'PlanningGitCAFile'],
    ["PlanningGitCAFile $dirs/missing",  'PlanningGitCAFile'],
    ["PlanningGitCAFile $dirs/a",        'PlanningGitCAFile'],
    ['PlanningAnalysisCPU -1',           'PlanningAnalysisCPU'],
    ['PlanningAnalysisMemory 1M',        'PlanningAnalysisMemory'],
    ['PlanningAnalysisMemory lots',      'PlanningAnalysisMemory'],
    ['PlanningProjectRoots relative/dir', 'PlanningProjectRoots'],
    ['PlanningProjectRoots ./a',         'PlanningProjectRoots'],
    ["PlanningProjectRoots $dirs/missing", 'PlanningProjectRoots'],
    ["PlanningProjectRoots $dirs/a $dirs/missing", 'PlanningProjectRoots'],
    ["PlanningProjectRoots $dirs/file",  'PlanningProjectRoots'],
    ['PlanningProjectRoots',             'PlanningProjectRoots'],
    ['PlanningMCPOrigins ftp://agent.example.com', 'PlanningMCPOrigins'],
    ['PlanningMCPOrigins agent.example.com', 'PlanningMCPOrigins'],
    ['PlanningMCPOrigins https://agent.example.com/path', 'PlanningMCPOrigins'],
    ['PlanningMCPOrigins https://*.example.com', 'PlanningMCPOrigins'],
    ['PlanningMCPOrigins https://user@agent.example.com', 'PlanningMCPOrigins'],
    ['PlanningMCPOrigins https://', 'PlanningMCPOrigins'],
);
for my $c (@bad) {
    my ($line, $directive) = @$c;
    my ($rc, $out) = config_test(extra => $line);
    isnt($rc, 0, "apache2 -t rejects '$line'") or diag($out);
    like($out, qr/\Q$directive\E/, "message names $directive") or diag($out);
    unlike($out, qr/Syntax OK/, 'no Syntax OK') or diag($out);
}

# Roots through PL_ROOTS (the generator's own line) too.
my ($rc, $out) = config_test(roots => ["$dirs/nope"]);
isnt($rc, 0, 'missing root via PL_ROOTS rejected') or diag($out);

my @good = (
    'PlanningMaxBodySize 1',
    'PlanningMaxBodySize 1024',
    'PlanningMaxBodySize 64K',
    'PlanningMaxBodySize 1M',
    'PlanningMaxBodySize 1024M',
    'PlanningMaxBodySize 1073741824',
    'PlanningMaxUploadSize 1G',
    'PlanningMaxUploadSize 1024G',
    'PlanningMaxZipEntries 1',
    'PlanningMaxZipEntries 10000000',
    'PlanningJSONMaxDepth 1',
    'PlanningJSONMaxDepth 32',
    'PlanningJSONMaxDepth 512',
    'PlanningSQLiteBusyTimeout 0',
    'PlanningSQLiteBusyTimeout 5000',
    'PlanningSQLiteBusyTimeout 600000',
    'PlanningStreamGrace 0',
    'PlanningStreamGrace 3600',
    'PlanningSSEHeartbeat 1',
    'PlanningStreamLease 3',
    'PlanningMaxReplySize 1K',
    'PlanningMaxReplySize 256M',
    "PlanningProjectRoots $dirs/a",
    "PlanningProjectRoots $dirs/a $dirs/b",
    "PlanningProjectRoots \"$dirs/c d\"",
    "PlanningProjectRoots $dirs/link-a",
    "PlanningProjectRoots $dirs/a/",
    "PlanningAnalyzer $PlanningTest::CLI\nPlanningAnalysisTimeout 60\nPlanningAnalysisCPU 30\nPlanningAnalysisMemory 512M",
    "PlanningAnalysisMemory 0",
    "PlanningMCPOrigins https://agent.example.com http://localhost:5173 http://[::1]:8080",
    "PlanningGitTimeout 1\nPlanningGitCAFile $dirs/file",
    "PlanningMaxBodySize 2048\nPlanningJSONMaxDepth 16\nPlanningSQLiteBusyTimeout 100\nPlanningProjectRoots $dirs/b",
    "<VirtualHost 127.0.0.1:*>\nPlanningMaxBodySize 4096\nPlanningProjectRoots $dirs/b\n</VirtualHost>",
);
for my $line (@good) {
    (my $show = $line) =~ s/\n/; /g;
    my ($rc, $out) = config_test(extra => $line);
    is($rc, 0, "apache2 -t accepts '$show'") or diag($out);
    like($out, qr/Syntax OK/, 'Syntax OK') or diag($out);
}
($rc, $out) = config_test(roots => ["$dirs/a", "$dirs/b"]);
is($rc, 0, 'two roots via PL_ROOTS accepted') or diag($out);

done_testing;
