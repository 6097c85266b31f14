#!/usr/bin/env bash
# Runs tutorials at many seeds and tabulates every claim: for each claim, how
# often it held, and the minimum, median and maximum of its measured value
# against its threshold. Claims must hold at any seed; this is how we check, and
# how thresholds are set (from the distribution, with margin). Not run in CI
# (it takes minutes to an hour); CI runs --quick at two seeds.
#
#   tests/claims/sweep.sh [--build DIR] [--seeds A-B] [--mode quick|full]
#                         [--engine fast|reference] [--jobs N] [--out DIR]
#                         [--record [--history FILE]] [TUTORIAL...]
#   tests/claims/sweep.sh --seeds 1-20 --mode quick 06 07      # two tutorials
#   tests/claims/sweep.sh --seeds 1-5 --mode full --record    # every tutorial, kept
#
# TUTORIAL is a number prefix (06) or a name (06_attention); default: all.
# Output: <out>/runs.tsv (tutorial, seed, id, kind, value, op, threshold, ok),
# <out>/table.md (the summary, also printed) and each run's log under <out>/logs/.
# --record appends the summary of every claim (not the invariants) to the history
# the thresholds are set from, one row per tutorial and claim id: the table at the
# end of docs/claims-history.md, or --history FILE.
# Exit code: 0 when every claim held at every seed and no run crashed, else 1.
set -u
build=build
seeds=1-20
mode=quick
engine=fast
jobs=2
out=
record=
history="$(cd "$(dirname "$0")/../.." && pwd)/docs/claims-history.md"
tutorials=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --record) record=1; shift ;;
    --history) history=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    -*) echo "sweep.sh: unknown flag '$1' (see --help)" >&2; exit 2 ;;
    *) tutorials+=("$1"); shift ;;
  esac
done
case "$mode" in quick|full) ;; *) echo "sweep.sh: --mode must be quick or full, got '$mode'" >&2; exit 2 ;; esac
case "$engine" in fast|reference) ;; *) echo "sweep.sh: --engine must be fast or reference, got '$engine'" >&2; exit 2 ;; esac
if ! [[ "$seeds" =~ ^([0-9]+)-([0-9]+)$ ]]; then
  echo "sweep.sh: --seeds must look like 1-20, got '$seeds'" >&2; exit 2
fi
first=${BASH_REMATCH[1]}
last=${BASH_REMATCH[2]}
if [ "$first" -gt "$last" ]; then echo "sweep.sh: --seeds $seeds is empty" >&2; exit 2; fi
if ! [[ "$jobs" =~ ^[1-9][0-9]*$ ]]; then echo "sweep.sh: --jobs needs a positive integer, got '$jobs'" >&2; exit 2; fi
if [ -n "$record" ] && [ ! -w "$history" ]; then
  echo "sweep.sh: --record needs a writable history file, got '$history'" >&2; exit 2
fi
bindir="$build/tutorials"
if [ ! -d "$bindir" ]; then echo "sweep.sh: no $bindir (build first, or pass --build DIR)" >&2; exit 2; fi

# Resolve the tutorial list to binaries.
bins=()
if [ ${#tutorials[@]} -eq 0 ]; then
  for b in "$bindir"/[0-9][0-9]_*; do [ -x "$b" ] && bins+=("$b"); done
else
  for t in "${tutorials[@]}"; do
    found=
    for b in "$bindir"/"$t" "$bindir"/"$t"_*; do
      if [ -x "$b" ] && [ -f "$b" ]; then bins+=("$b"); found=1; break; fi
    done
    if [ -z "$found" ]; then echo "sweep.sh: no tutorial '$t' in $bindir" >&2; exit 2; fi
  done
fi
[ -n "$out" ] || out="sweep-$mode-$engine"
mkdir -p "$out/logs" "$out/runs"

# One job per (tutorial, seed), at most $jobs at a time.
flags=(--engine "$engine")
[ "$mode" = quick ] && flags+=(--quick)
run_one() {  # bin seed
  local name dir
  name=$(basename "$1")
  dir="$out/runs/$name/seed$2"
  mkdir -p "$dir"
  "$1" "${flags[@]}" --seed "$2" --out "$dir" </dev/null >"$out/logs/$name.seed$2.log" 2>&1
  echo $? >"$dir/exit_code"
}
start=$(date +%s)
for b in "${bins[@]}"; do
  for ((s = first; s <= last; ++s)); do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    run_one "$b" "$s" &
  done
done
wait
elapsed=$(($(date +%s) - start))

# Collect: one row per claim per run; a crashed run (exit code > 1) or a run
# that recorded no claim is a row of its own, kind "crash".
runs="$out/runs.tsv"
printf 'tutorial\tseed\tid\tkind\tvalue\top\tthreshold\tok\n' >"$runs"
for b in "${bins[@]}"; do
  name=$(basename "$b")
  for ((s = first; s <= last; ++s)); do
    dir="$out/runs/$name/seed$s"
    rc=$(cat "$dir/exit_code" 2>/dev/null || echo 99)
    if [ "$rc" -gt 1 ] || [ ! -s "$dir/claims.tsv" ]; then
      printf '%s\t%s\t(run)\tcrash\t%s\t==\t0\t0\n' "$name" "$s" "$rc" >>"$runs"
      continue
    fi
    awk -v t="$name" -v s="$s" 'BEGIN { FS = OFS = "\t" } { print t, s, $0 }' "$dir/claims.tsv" >>"$runs"
  done
done

# Summarize per (tutorial, id): held/runs, min, median, max, threshold.
table="$out/table.md"
{
  echo "Claims over seeds $seeds, --engine $engine$([ "$mode" = quick ] && echo ' --quick'), $(date -u +%Y-%m-%d), $(nproc) cores, ${elapsed} s"
  echo
  echo "| tutorial | claim | kind | held | min | median | max | threshold |"
  echo "|---|---|---|---|---|---|---|---|"
  tail -n +2 "$runs" | sort -t $'\t' -k1,1 -k3,3 -k5,5g -s |
    awk 'BEGIN { FS = "\t" }
      function flush() {
        if (n == 0) return
        med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        printf "| %s | %s | %s | %d/%d | %.4g | %.4g | %.4g | %s %s |\n", t, id, kind, held, n, v[1], med, v[n], op, thr
        n = 0; held = 0
      }
      { key = $1 SUBSEP $3
        if (key != last) { flush(); last = key }
        t = $1; id = $3; kind = $4; op = $6; thr = $7
        v[++n] = $5; held += $8 }
      END { flush() }'
} >"$table"
cat "$table"

# The history: one row per claim, in the columns of docs/claims-history.md's table.
if [ -n "$record" ]; then
  sweep="$engine $mode, seeds $seeds"
  tail -n +2 "$runs" | awk -F '\t' '$4 == "claim"' | sort -t $'\t' -k1,1 -k3,3 -k5,5g -s |
    awk -v day="$(date -u +%Y-%m-%d)" -v sweep="$sweep" 'BEGIN { FS = "\t" }
      function sign(op) { return op == ">=" ? "≥" : op == "<=" ? "≤" : op }
      function flush() {
        if (n == 0) return
        med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        printf "| %s | %s | %s | %s | %d/%d | %.4g | %.4g | %.4g | %s %s | |\n", t, id, day, sweep,
               held, n, v[1], med, v[n], sign(op), thr
        n = 0; held = 0
      }
      { key = $1 SUBSEP $3
        if (key != last) { flush(); last = key }
        t = $1; id = $3; op = $6; thr = $7
        v[++n] = $5; held += $8 }
      END { flush() }' >>"$history"
  echo
  echo "recorded: $(grep -c "| $(date -u +%Y-%m-%d) | $engine $mode, seeds $seeds |" "$history") rows in $history"
fi
failed=$(awk -F '\t' 'NR > 1 && $8 != 1' "$runs" | wc -l)
if [ "$failed" -gt 0 ]; then
  echo
  echo "failed: $failed (run, claim) pairs; logs in $out/logs/"
  awk -F '\t' 'NR > 1 && $8 != 1 { printf "  %s --seed %s: %s (%s %s %s)\n", $1, $2, $3, $5, $6, $7 }' "$runs"
  exit 1
fi
exit 0
