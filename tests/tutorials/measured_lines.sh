#!/usr/bin/env bash
# Checks that a tutorial prints as measured only what its run measured.
#   tests/tutorials/measured_lines.sh build/tutorials/06_attention --quick --out DIR [FLAGS...]
#   tests/tutorials/measured_lines.sh --check LOG DIR     (an output already written)
# The tutorial records every check in DIR/claims.tsv and every other measured value
# it prints in DIR/values.tsv (tutorials/common.hpp). In its output (English or
# Chinese) this script checks:
#  1. claim lines ("[PASS] ... (required ≥ 50)", 「[通过] …（要求 ≥ 50）」): one per claim
#     of claims.tsv, in order; the sentence contains the measured value as printed
#     (as is, or x100 as a percentage), and the bracket states the claim's own
#     comparison and threshold;
#  2. invariant lines ([INVARIANT holds], [恒成立]): one per invariant, in order;
#  3. any other line that says "measured", 「实测」 or 「测得」: each number on it is a
#     value of values.tsv (to the printed precision);
#  4. a line that says "recorded" or 「记录于」/「记录的结果」 (a result from elsewhere)
#     carries its date.
# Exit code: 0 all good, 1 a line does not match the run (each is printed) or the
# tutorial failed (exit code != 0), 2 misuse.
set -u
if [ $# -lt 1 ]; then
  echo "usage: $0 TUTORIAL_BINARY [FLAGS...] --out DIR | $0 --check LOG DIR" >&2
  exit 2
fi
if [ "$1" = "--check" ]; then
  [ $# -eq 3 ] || { echo "usage: $0 --check LOG DIR" >&2; exit 2; }
  log=$2
  dir=$3
  rc=0
else
  bin=$1
  shift
  dir=
  args=("$@")
  for ((i = 0; i < ${#args[@]}; ++i)); do
    [ "${args[$i]}" = "--out" ] && dir=${args[$((i + 1))]:-}
  done
  if [ -z "$dir" ]; then echo "$0: pass --out DIR (where claims.tsv goes)" >&2; exit 2; fi
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  "$bin" "$@" >"$log" 2>&1
  rc=$?
  tail -3 "$log"  # the summary, for the test log
fi
for f in "$log" "$dir/claims.tsv" "$dir/values.tsv"; do
  [ -f "$f" ] || { echo "$0: no $f" >&2; exit 2; }
done

perl -CSD -Mutf8 -e '
use strict; use warnings;
my ($log, $dir) = @ARGV;
sub slurp { open(my $f, "<:encoding(UTF-8)", $_[0]) or die "$_[0]: $!"; my @l = <$f>; chomp @l; @l }
my @checks = map { [split /\t/] } slurp("$dir/claims.tsv");   # id kind value op threshold ok
my @values = map { (split /\t/)[1] } slurp("$dir/values.tsv");
my @lines = slurp($log);
my @claims = grep { $_->[1] eq "claim" } @checks;
my @invariants = grep { $_->[1] eq "invariant" } @checks;
my $bad = 0;
sub problem { print "measured_lines: $_[0]\n    $_[1]\n"; $bad = 1; }
# Numbers as printed, with their decimals: "6.7" -> (6.7, 1). Digits inside a name
# (h_1, d_{t-1}, 06_attention, W_K) and dates (2026-11-30) are not numbers of the run.
sub numbers {
  my $t = shift;
  $t =~ s/\d{4}-\d\d-\d\d//g;
  $t =~ s/\w*_\{[^}]*\}//g;  # subscripts in braces: d_{t-1}, h_{i+1}
  my @n;
  while ($t =~ /(?<![\w.])(\d+(?:\.(\d+))?(?:e[-+]?\d+)?)(?![\w])/g) {
    push @n, [$1, defined $2 ? length($2) : 0];
  }
  @n;
}
# Does a printed number (value, decimals) show v, as is or x100 (a percentage)?
sub shows {
  my ($n, $v) = @_;
  my $tol = 0.5 * 10 ** (-$n->[1]) + 1e-9;
  $tol = 0.5 * 10 ** ($1 - $n->[1]) * (1 + 1e-9) if $n->[0] =~ /e([-+]?\d+)$/i;  # 3.2e-05
  for my $x (abs($v), abs(100 * $v)) { return 1 if abs($n->[0] - $x) <= $tol; }
  0;
}
my %sign = (">=" => "≥", "<=" => "≤", ">" => ">", "<" => "<");
my ($ci, $ii) = (0, 0);
for my $line (@lines) {
  if ($line =~ /^\s*\[(?:PASS|FAIL|通过|未通过)\] (.*)$/) {
    my $rest = $1;
    my $c = $claims[$ci++];
    if (!$c) { problem("a claim line but claims.tsv has only " . scalar(@claims) . " claims", $line); next; }
    my ($id, $value, $op, $thr) = @$c[0, 2, 3, 4];
    my ($text, $s, $t, $pct);
    if ($rest =~ /^(.*) \(required (\S+) ([-\d.e+]+)(%| points)?\)$/ || $rest =~ /^(.*)（要求 (\S+) ([-\d.e+]+)(%| 个百分点)?）$/) {
      ($text, $s, $t, $pct) = ($1, $2, $3, $4 // "");
    } else { problem("claim $id: no requirement bracket at the end", $line); next; }
    # A threshold in % or points is the fraction x100 or already in per cent.
    my $near = sub { abs($_[0] - $thr) <= 1e-6 * (abs($thr) > 1 ? abs($thr) : 1) };
    problem("claim $id: the bracket says $s $t$pct, the run checked $op $thr", $line)
      if $s ne $sign{$op} || !($near->($t) && !$pct || $pct && ($near->($t / 100) || $near->($t)));
    problem("claim $id: the sentence does not show the measured value $value", $line)
      unless grep { shows($_, $value) } numbers($text);
    next;
  }
  if ($line =~ /^\s*\[(?:INVARIANT holds|INVARIANT BROKEN|恒成立|不变量被破坏)\]/) {
    problem("an invariant line but claims.tsv has only " . scalar(@invariants) . " invariants", $line)
      unless $invariants[$ii++];
    next;
  }
  if ($line =~ /measured|实测|测得/i) {
    for my $n (numbers($line)) {
      next if grep { shows($n, $_) } @values;
      problem("\"$n->[0]\" is printed as measured but is not a value of this run (values.tsv)", $line);
    }
  }
  if ($line =~ /\brecorded\b|记录于|记录的结果/i && $line !~ /\d{4}-\d\d-\d\d/) {
    problem("a recorded result without its date (YYYY-MM-DD) on the line", $line);
  }
}
problem("claims.tsv has " . scalar(@claims) . " claims, the output $ci claim lines", "") if $ci != @claims;
problem("claims.tsv has " . scalar(@invariants) . " invariants, the output $ii lines", "") if $ii != @invariants;
exit $bad;
' "$log" "$dir"
bad=$?
if [ "$rc" -ne 0 ]; then
  echo "the tutorial exited with code $rc:" >&2
  tail -20 "$log" >&2
  exit 1
fi
exit $bad
