#!/usr/bin/env perl
# Progress over time and scheduled analyses (issue 13 items 3 and 5): three
# analyses of a fixture checkout changed between them (search written, then
# the login code removed: a regression) give the snapshots and the burn-up
# series by day, week and month; badge.svg and trends.svg render (checked
# as well-formed XML, their values and headers) and are 404 without
# credentials until the project's admin makes them public; a schedule
# queues an analysis and skips one when nothing changed; bad input is 400.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Path qw(make_path);
use Test::More;
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);
use PlanningAnalysis qw(:all);

PlanningTest::require_build();
plan skip_all => 'universal-ctags is not installed'
    unless -x '/usr/bin/ctags-universal' || -x '/usr/bin/ctags';

my $CLI = $PlanningTest::CLI;

sub bearer { defined $_[0] ? { Authorization => "Bearer $_[0]" } : { Authorization => undef } }


my $PLAN = <<'MD';
# Shop master plan

## Primary objectives

### AUTH-001 User login
Users sign in with a password that is stored hashed.
- [x] Hash passwords with a random salt
- [x] Verify the password at login

### CART-001 Shopping cart
- [x] Add an item to the shopping cart
- [x] Apply a discount coupon to the cart total

## Secondary objectives

### SRCH-001 Product search
- [ ] Search products by keyword with fuzzy spelling
- [ ] Rank search results by popularity
MD

my $AUTH = <<'PY';
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

my $SEARCH = <<'PY';
"""Product search."""


def search_products_by_keyword(products, keyword):
    """Search products by keyword with fuzzy spelling (edit distance)."""
    return [p for p in products if fuzzy_match(p.name, keyword)]


def rank_search_results_by_popularity(results):
    """Rank search results by popularity: the most sold first."""
    return sorted(results, key=lambda p: -p.sold)


def fuzzy_match(name, keyword):
    """Fuzzy spelling: a keyword within one edit of a word of the name."""
    return any(abs(len(w) - len(keyword)) <= 1 and sum(a != b for a, b in zip(w, keyword)) <= 1
               for w in name.lower().split())
PY



sub analyse {
    my ($srv, $pid, $tok, $what) = @_;
    my $a = $srv->json('POST', "/api/v1/projects/$pid/analyze", {}, bearer($tok));
    status_is($a, 202, "analysis $what queued");
    my $aid = ($a->{json} || {})->{id} // 0;
    my $st = poll($srv, "/api/v1/analyses/$aid", \&ended, 120, bearer($tok));
    is(($st->{json} || {})->{state}, 'complete', "analysis $what completes") or diag_res($st);
    return $st->{json} || {};
}

# A strict check that text is one well-formed XML element (no core module
# parses XML): tags nest, attributes are name="value" without a raw < or &,
# text has only the five entities, nothing but the root's end at the end.
sub xml_problem {
    my ($x) = @_;
    my @stack;
    my $seen_root = 0;
    $x =~ s/^\s+//;
    while (length $x) {
        if ($x =~ s/^<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>//) {
            my ($close, $name, $self) = ($1, $2, $4);
            return "element after the root: $name" if $seen_root && !@stack;
            if ($close) {
                my $open = pop @stack;
                return "</$name> closes <" . ($open // 'nothing') . '>' unless defined $open && $open eq $name;
            } elsif (!$self) {
                push @stack, $name;
            }
            $seen_root = 1;
        } elsif ($x =~ s/^[^<&]+// || $x =~ s/^&(?:amp|lt|gt|quot|apos);//) {
            return 'text outside the root' unless @stack || $& =~ /^\s*$/;
        } else {
            return 'not XML at: ' . substr($x, 0, 40);
        }
    }
    return @stack ? "unclosed <$stack[-1]>" : $seen_root ? undef : 'no element';
}

for my $backend (backends()) {
    subtest "$backend: snapshots, trends, badge and chart, schedule" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningAnalyzer $CLI");
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my ($viewer_id, $viewer) = $srv->add_user('viewer', 'developer');
        my ($out_id, $out) = $srv->add_user('outsider', 'developer');
        my $dir = project_dir($R, 'shop');
        write_tree($dir, 'MASTER_PLAN.md' => $PLAN, 'auth/passwords.py' => $AUTH,
                   'cart/cart.go' => "package cart\n\n// AddItem adds an item to the shopping cart.\n"
                                   . "func AddItem(c []string, it string) []string { return append(c, it) }\n\n"
                                   . "// ApplyCoupon applies a discount coupon to the cart total.\n"
                                   . "func ApplyCoupon(total, pct int) int { return total * (100 - pct) / 100 }\n");
        my $p = $srv->json('POST', '/api/v1/projects', { name => 'shop', local_path => $dir }, bearer($dev));
        status_is($p, 201, 'the developer creates the project');
        my $pid = $p->{json}{id};
        my $base = "/api/v1/projects/$pid";
        status_is($srv->json('PUT', "$base/members/$viewer_id", { role => 'viewer' }), 200, 'a viewer member');

        my $empty = $srv->request('GET', "$base/snapshots", bearer($viewer));
        status_is($empty, 200, 'snapshots before any analysis');
        is(($empty->{json} || {})->{total}, 0, '... none');
        my $b0 = $srv->request('GET', "$base/badge.svg", bearer($viewer));
        status_is($b0, 200, 'a badge before any analysis');
        like($b0->{content} // '', qr{>unknown</text>}, '... says unknown');

        # Three analyses: as is; search written; the login code gone.
        my $a1 = analyse($srv, $pid, $dev, 1);
        write_tree($dir, 'search/search.py' => $SEARCH);
        my $a2 = analyse($srv, $pid, $dev, 2);
        unlink "$dir/auth/passwords.py" or die "unlink: $!";
        my $a3 = analyse($srv, $pid, $dev, 3);
        my @obs = map { $_->{totals}{observed_percent} } $a1, $a2, $a3;
        ok($obs[1] > $obs[0], "search written: observed completion rises ($obs[0] -> $obs[1])");
        ok($obs[2] < $obs[1], "login code removed: it falls ($obs[1] -> $obs[2])");
        like($_->{input_hash} // '', qr/^[0-9a-f]{40}$/, "analysis $_->{id} records what it read") for $a1, $a2, $a3;
        ok($a1->{input_hash} ne $a2->{input_hash} && $a2->{input_hash} ne $a3->{input_hash},
           'a changed checkout hashes differently');

        # The snapshots: newest first, the analyses' totals and the levels.
        my $s = $srv->request('GET', "$base/snapshots", bearer($viewer));
        status_is($s, 200, 'GET snapshots (a viewer)');
        my @snap = @{ ($s->{json} || {})->{items} || [] };
        is_deeply([map { $_->{analysis_id} } @snap], [map { $_->{id} } $a3, $a2, $a1], 'three snapshots, newest first');
        for my $i (0 .. 2) {
            my ($sn, $an) = ($snap[$i], ($a3, $a2, $a1)[$i]);
            is_deeply([@{$sn}{qw(claimed_percent observed_percent objectives done partial missing)}],
                      [@{ $an->{totals} }{qw(claimed_percent observed_percent objectives done partial missing)}],
                      "snapshot $sn->{analysis_id}: the analysis's totals");
            is($sn->{time}, $an->{finished_at}, '... its time is when it finished');
            my $lv = $sn->{levels} || {};
            is_deeply([sort keys %$lv], ['primary', 'secondary'], '... per level: primary and secondary');
            my %sum;
            for my $l (values %$lv) { $sum{$_} += $l->{$_} for qw(objectives done partial missing) }
            is_deeply(\%sum, { map { ($_ => $an->{totals}{$_}) } qw(objectives done partial missing) },
                      '... the levels add up to the totals');
            is($lv->{primary}{objectives}, 2, '... two primary objectives');
        }
        is($snap[2]{levels}{secondary}{missing}, 1, 'search is missing in the first');
        ok($snap[1]{levels}{secondary}{missing} == 0, '... and no longer in the second');
        ok($snap[0]{levels}{primary}{done} < $snap[1]{levels}{primary}{done}, 'fewer primary objectives done in the third');
        my $pg = $srv->request('GET', "$base/snapshots?limit=1&offset=1", bearer($viewer));
        is_deeply([map { $_->{analysis_id} } @{ ($pg->{json} || {})->{items} || [] }], [$a2->{id}], 'paged: limit=1&offset=1');
        is(($pg->{json} || {})->{total}, 3, '... total 3');
        my $etag = $s->{headers}{etag};
        ok($etag, 'an ETag');
        status_is($srv->request('GET', "$base/snapshots", { %{ bearer($viewer) }, 'If-None-Match' => $etag }), 304,
                  'If-None-Match: 304');

        # Trends: the analyses moved to days of January 2026 (Monday the
        # 5th, Tuesday the 6th, Tuesday the 13th: the next week).
        my %day = ($a1->{id} => '2026-01-05T09:00:00.000Z', $a2->{id} => '2026-01-06T09:00:00.000Z',
                   $a3->{id} => '2026-01-13T09:00:00.000Z');
        $srv->sql("UPDATE analyses SET finished_at = '$day{$_}' WHERE id = $_") for keys %day;
        $srv->sql("UPDATE revisions SET revision = revision + 1 WHERE name = 'analyses'");
        my $series = sub {
            my ($q) = @_;
            my $r = $srv->request('GET', "$base/trends?$q", bearer($viewer));
            status_is($r, 200, "trends?$q");
            return @{ ($r->{json} || {})->{points} || [] };
        };
        my @d = $series->('interval=day&from=2026-01-01&to=2026-01-31');
        is_deeply([map { [$_->{period}, $_->{analysis_id}] } @d],
                  [['2026-01-05', $a1->{id}], ['2026-01-06', $a2->{id}], ['2026-01-13', $a3->{id}]], 'by day: three points');
        is_deeply([map { $_->{observed_percent} } @d], \@obs, '... the observed completion of each');
        is_deeply([map { $_->{claimed_percent} } @d], [map { $_->{totals}{claimed_percent} } $a1, $a2, $a3],
                  '... and the claimed');
        is_deeply([map { $_->{regressed} ? 1 : 0 } @d], [0, 0, 1], '... the third regressed');
        is_deeply([map { $_->{levels}{primary}{done} } @d], [map { $_->{levels}{primary}{done} } reverse @snap],
                  '... per level too');
        my @w = $series->('interval=week&from=2026-01-01&to=2026-01-31');
        is_deeply([map { [$_->{period}, $_->{analysis_id}, $_->{regressed} ? 1 : 0] } @w],
                  [['2026-01-05', $a2->{id}, 0], ['2026-01-12', $a3->{id}, 1]], 'by week: the last of each, the second regressed');
        my @m = $series->('interval=month');
        is_deeply([map { [$_->{period}, $_->{analysis_id}] } @m], [['2026-01-01', $a3->{id}]], 'by month: one point, the last');
        is(scalar($series->('from=2026-01-06&to=2026-01-06')), 1, 'from and to are whole days: the 6th alone');
        is(scalar($series->('from=2026-02-01')), 0, 'nothing after the last');
        is(scalar($series->('to=2026-01-05T09:00:00Z')), 0, 'an RFC 3339 bound is exclusive at to');

        # Bad input: 400 naming the parameter.
        for my $bad (['interval=hour', 'interval'], ['interval=', 'interval'], ['from=2026-13-01', 'from'],
                     ['from=2026-02-31', 'from'], ['to=yesterday', 'to'], ['from=2026-1-5', 'from'],
                     ['from=2026-01-10&to=2026-01-09', 'from'], ['bucket=day', 'bucket']) {
            my $r = $srv->request('GET', "$base/trends?$bad->[0]", bearer($viewer));
            error_is($r, 400, 'VALIDATION_ERROR', "trends?$bad->[0]: 400");
            is(((($r->{json} || {})->{error} || {})->{details} || {})->{field}, $bad->[1], "... naming $bad->[1]");
            error_is($srv->request('GET', "$base/trends.svg?$bad->[0]", bearer($viewer)), 400, 'VALIDATION_ERROR',
                     "trends.svg?$bad->[0]: 400");
        }
        error_is($srv->request('GET', "$base/snapshots?limit=0", bearer($viewer)), 400, 'VALIDATION_ERROR', 'snapshots?limit=0: 400');
        error_is($srv->request('GET', "$base/snapshots?sort=asc", bearer($viewer)), 400, 'VALIDATION_ERROR',
                 'snapshots?sort=asc (unknown): 400');
        error_is($srv->request('GET', "$base/trends", bearer($out)), 404, 'NOT_FOUND', "an outsider: 404");

        # The badge: a private project's only to its readers.
        my $b = $srv->request('GET', "$base/badge.svg", bearer($viewer));
        status_is($b, 200, 'badge.svg (a viewer)');
        like($b->{headers}{'content-type'} // '', qr{^image/svg\+xml\b}, '... image/svg+xml');
        is($b->{headers}{'x-content-type-options'}, 'nosniff', '... nosniff');
        is($b->{headers}{'content-security-policy'}, "default-src 'none'; frame-ancestors 'none'", '... the strict policy');
        like($b->{headers}{'cache-control'} // '', qr/^private, max-age=\d+$/, '... cacheable, privately');
        ok(!defined xml_problem($b->{content}), 'well-formed XML') or diag(xml_problem($b->{content}));
        my $pct = sprintf('%.0f', $obs[2]);
        like($b->{content}, qr{<text x="\d+" y="14">plan</text>}, '... the label "plan"');
        like($b->{content}, qr{<text x="\d+" y="14">\Q$pct\E%</text>}, "... the latest observed completion, $pct%");
        unlike($b->{content}, qr{<script|<style|style=|href=|<foreignObject}i, '... no script, style or reference');
        my $colour = $pct >= 90 ? '#4c1' : $pct >= 75 ? '#97ca00' : $pct >= 50 ? '#dfb317' : $pct >= 25 ? '#fe7d37' : '#e05d44';
        like($b->{content}, qr{fill="\Q$colour\E"}, "... coloured by value ($colour)");
        status_is($srv->request('GET', "$base/badge.svg", { %{ bearer($viewer) }, 'If-None-Match' => $b->{headers}{etag} }),
                  304, '... If-None-Match: 304');
        for my $pic ('badge.svg', 'trends.svg') {
            error_is($srv->request('GET', "$base/$pic", bearer(undef)), 404, 'NOT_FOUND', "$pic without credentials: 404");
            error_is($srv->request('GET', "$base/$pic", bearer($out)), 404, 'NOT_FOUND', "$pic for an outsider: 404");
        }
        error_is($srv->request('GET', '/api/v1/projects/999999/badge.svg', bearer(undef)), 404, 'NOT_FOUND',
                 'no such project: the same 404');

        # The chart.
        my $c = $srv->request('GET', "$base/trends.svg?from=2026-01-01&to=2026-01-31", bearer($viewer));
        status_is($c, 200, 'trends.svg (a viewer)');
        like($c->{headers}{'content-type'} // '', qr{^image/svg\+xml\b}, '... image/svg+xml');
        is($c->{headers}{'content-security-policy'}, "default-src 'none'; frame-ancestors 'none'", '... the strict policy');
        ok(!defined xml_problem($c->{content}), 'well-formed XML') or diag(xml_problem($c->{content}));
        like($c->{content}, qr{<svg [^>]*width="400" height="120"}, '... 400x120');
        my @lines = $c->{content} =~ /<polyline [^>]*points="([^"]*)"/g;
        is(scalar @lines, 2, '... two lines, claimed and observed');
        my @ys = map { [map { (split /,/)[1] } split / /, $_] } @lines;
        is(scalar @{ $ys[1] || [] }, 3, '... three points each');
        ok($ys[1][2] > $ys[1][1], '... the observed line goes down at the regression (y grows downwards)');
        like($c->{content}, qr{>100%</text>.*>0%</text>}s, '... axis labels');
        like($c->{content}, qr{>2026-01-05</text>.*>2026-01-13</text>}s, '... first and last dates');

        # Public once the project's admin says so (the developer created it: its owner).
        error_is($srv->json('PUT', "$base/badge", { public => JSON::PP::true }, bearer($viewer)), 403, 'FORBIDDEN',
                 'a viewer may not make it public');
        for my $bad ({ public => 'yes' }, { public => 1 }, {}, { public => JSON::PP::true, colour => 'red' }) {
            error_is($srv->json('PUT', "$base/badge", $bad, bearer($dev)), 400, 'VALIDATION_ERROR', 'PUT badge: bad body, 400');
        }
        my $same = $srv->json('PUT', "$base/badge", { public => JSON::PP::false }, bearer($dev));
        status_is($same, 200, 'PUT badge as it is (private): 200');
        ok(is_false(($same->{json} || {})->{public}), '... public: false');
        my $pb = $srv->json('PUT', "$base/badge", { public => JSON::PP::true }, bearer($dev));
        status_is($pb, 200, 'the owner makes the pictures public');
        ok(is_true(($pb->{json} || {})->{public}), '... public: true');
        for my $pic ('badge.svg', 'trends.svg') {
            my $r = $srv->request('GET', "$base/$pic", bearer(undef));
            status_is($r, 200, "$pic without credentials: 200");
            like($r->{headers}{'cache-control'} // '', qr/^public, max-age=\d+$/, '... cacheable publicly');
        }
        status_is($srv->json('PUT', "$base/badge", { public => JSON::PP::false }, bearer($dev)), 200, 'private again');
        error_is($srv->request('GET', "$base/badge.svg", bearer(undef)), 404, 'NOT_FOUND', '... 404 without credentials');

        # The schedule: viewers read it, developers set it; bad input 400.
        my $g = $srv->request('GET', "$base/schedule", bearer($viewer));
        status_is($g, 200, 'GET schedule (a viewer)');
        is_deeply([@{ $g->{json} || {} }{qw(interval source default)}], ['off', 'default', 'off'],
                  'off: the default (PlanningAnalysisSchedule off)');
        error_is($srv->json('PUT', "$base/schedule", { interval => '1h' }, bearer($viewer)), 403, 'FORBIDDEN',
                 'a viewer may not set it');
        for my $bad ({ interval => '5x' }, { interval => '0m' }, { interval => '31d' }, { interval => 60 },
                     { interval => '1h', every => '1h' }, {}, { interval => ' 1h' }) {
            my $r = $srv->json('PUT', "$base/schedule", $bad, bearer($dev));
            error_is($r, 400, 'VALIDATION_ERROR', 'PUT schedule ' . join(',', %$bad) . ': 400');
        }
        my $count = sub { (($srv->request('GET', "$base/analyses", bearer($dev))->{json}) || {})->{total} };
        is($count->(), 3, 'three analyses so far');
        # Nothing changed since the third: the first check skips.
        my $put = $srv->json('PUT', "$base/schedule", { interval => '6h' }, bearer($dev));
        status_is($put, 200, 'the developer sets 6h');
        is(($put->{json} || {})->{source}, 'project', '... the project\'s own');
        my $chk = poll($srv, "$base/schedule", sub { defined $_[0]{last_outcome} }, 30, bearer($dev));
        is(($chk->{json} || {})->{last_outcome}, 'skipped', 'the check found nothing changed: skipped') or diag_res($chk);
        is($count->(), 3, '... and queued nothing');
        like(($chk->{json} || {})->{next_check_at} // '', qr/^\d{4}-/, '... the next check is set');
        # The plan changed: the next check (due at once when set) queues one.
        write_tree($dir, 'MASTER_PLAN.md' => $PLAN . "\n### SRCH-002 Search suggestions\n- [ ] Suggest queries\n");
        my $since = ($chk->{json} || {})->{last_check_at} // '';
        status_is($srv->json('PUT', "$base/schedule", { interval => '6h' }, bearer($dev)), 200, 'set again: a check now');
        $chk = poll($srv, "$base/schedule", sub { ($_[0]{last_check_at} // '') gt $since }, 30, bearer($dev));
        is(($chk->{json} || {})->{last_outcome}, 'queued', 'the plan changed: an analysis queued') or diag_res($chk);
        my $sid = ($chk->{json} || {})->{last_analysis_id};
        my $sa = poll($srv, "/api/v1/analyses/$sid", \&ended, 120, bearer($dev));
        is(($sa->{json} || {})->{state}, 'complete', 'the scheduled analysis completes');
        is(($sa->{json} || {})->{created_by}, undef, '... started by no one');
        is($count->(), 4, 'four analyses');
        $since = ($chk->{json} || {})->{last_check_at} // '';
        status_is($srv->json('PUT', "$base/schedule", { interval => '6h' }, bearer($dev)), 200, 'set again');
        $chk = poll($srv, "$base/schedule", sub { ($_[0]{last_check_at} // '') gt $since }, 30, bearer($dev));
        is(($chk->{json} || {})->{last_outcome}, 'skipped', 'nothing changed since: skipped again');
        is($count->(), 4, '... still four');
        # A failed analysis does not stop the schedule: the checkout is gone.
        rename $dir, "$dir.gone" or die "rename: $!";
        $since = ($chk->{json} || {})->{last_check_at} // '';
        status_is($srv->json('PUT', "$base/schedule", { interval => '30m' }, bearer($dev)), 200, 'set 30m');
        $chk = poll($srv, "$base/schedule", sub { ($_[0]{last_check_at} // '') gt $since }, 30, bearer($dev));
        is(($chk->{json} || {})->{last_outcome}, 'queued', '... a check queues one');
        my $fid = ($chk->{json} || {})->{last_analysis_id};
        my $fa = poll($srv, "/api/v1/analyses/$fid", \&ended, 60, bearer($dev));
        is(($fa->{json} || {})->{state}, 'failed', 'the checkout gone: the scheduled analysis fails');
        is(((($fa->{json} || {})->{error}) || {})->{code}, 'PROJECT_PATH_INVALID', '... saying why');
        is($count->(), 5, '... and shows in the list');
        is(($srv->request('GET', "$base/schedule", bearer($dev))->{json} || {})->{interval}, '30m', 'the schedule stays');
        rename "$dir.gone", $dir or die "rename: $!";
        my $off = $srv->json('PUT', "$base/schedule", { interval => 'off' }, bearer($dev));
        is(($off->{json} || {})->{interval}, 'off', 'off');
        my $back = $srv->json('PUT', "$base/schedule", { interval => undef }, bearer($dev));
        is(($back->{json} || {})->{source}, 'default', 'null: back to the default');

        $srv->check_links;
        $srv->security_headers_ok;
        $srv->check_log;
    };
}

done_testing;
