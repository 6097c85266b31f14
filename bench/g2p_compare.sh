#!/usr/bin/env bash
# Time to accuracy on real data: `s2s train --task cmudict` (letters -> phones)
# against its PyTorch twin (bench/g2p_torch.py), the same model, recipe and
# wall-clock budget, run one after the other (never at once: 2 cores).
#
#   bench/g2p_compare.sh BUILD_DIR [MINUTES]      (default 20, the recipe's budget)
#   ROUNDS=2 OUT=/tmp/g2p bench/g2p_compare.sh build 20
#   S2S_FLAGS="--hidden 128" bench/g2p_compare.sh build 10   (extra s2s train flags)
#
# Each round runs s2s, then the twin with the settings of s2s's `command:` line
# (round 2 runs the twin first, so slow drifts of the machine's load even out).
# The test set is decoded greedily on both sides (--beam 1: the twin has no beam
# search, and s2s reserves time for the test decoding inside the budget).
#
# Writes to OUT (default: a new /tmp/g2p_compare.XXXX): the logs, curves.csv
# (framework,round,epoch,seconds,minutes,train_loss,valid_loss,valid_wer), and
# prints the valid WER of both against minutes, then, for PyTorch's final valid
# WER, the time each framework needed to reach it and the ratio ours/PyTorch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: bench/g2p_compare.sh BUILD_DIR [MINUTES]}"
minutes="${2:-20}"
rounds="${ROUNDS:-1}"
bin="$build/seq2seq/cli/s2s"
[[ -x "$bin" ]] || bin="$build/s2s"
py=/usr/bin/python3
[[ -x "$bin" ]] || { echo "missing s2s in $build: cmake --build $build --target s2s"; exit 1; }
if ! "$py" -c "import torch" 2>/dev/null; then
  echo "skipped: python3-torch not installed (apt-get install python3-torch)"
  exit 0
fi
out="${OUT:-$(mktemp -d /tmp/g2p_compare.XXXX)}"
mkdir -p "$out"
seconds=$((minutes * 60))

{
  echo "# machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "# budget: $minutes min per run, $rounds round(s); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  # PyTorch (Debian's build: BLAS_INFO=generic) calls the system BLAS for its
  # matrix products; Debian's default is the slow reference BLAS unless OpenBLAS
  # is installed (apt-get install libopenblas0-pthread).
  blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)"
  echo "# BLAS behind PyTorch: $blas"
  case "$blas" in *openblas*) ;; *) echo "# warning: not OpenBLAS; PyTorch will be far slower than usual" ;; esac
  echo "# torch $("$py" -c 'import torch; print(torch.__version__)'), torch.set_num_threads(2)," \
    "OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset};" \
    "S2S_THREADS=${S2S_THREADS:-unset}"
  echo "# s2s: $bin, built $(date -u -r "$bin" +%Y-%m-%dT%H:%MZ); bench/: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')"
} | tee "$out/header.txt"

TIMEFORMAT='%R s wall, %U s user, %S s sys'
run_ours() {  # round
  local log="$out/s2s_round$1.log"
  echo "## round $1: s2s (load $(cut -d' ' -f1 /proc/loadavg))"
  # Under a pseudo-terminal (script), s2s draws its progress bar, whose running mean
  # of the train loss is set beside the twin's at the same step (the log keeps it
  # one redraw a line). The pseudo-terminal costs one short write a step.
  local cmd
  # shellcheck disable=SC2086
  cmd="$(printf '%q ' "$bin" train --task cmudict --seconds "$seconds" --beam 1 ${S2S_FLAGS:-} \
      --out "$out/model_round$1" --overwrite)"
  { time script -qefc "$cmd" /dev/null > "$log.raw"; } 2> "$out/s2s_round$1.time"
  tr '\r' '\n' < "$log.raw" | grep -v '^$' > "$log"
  rm -f "$log.raw"
  grep -E '^(command|model|stopped|test set)|epoch +[0-9]+:' "$log" | sed 's/^/   /'
  echo "   time: $(tail -1 "$out/s2s_round$1.time")"
}
run_torch() {  # round; needs the s2s command: line of round 1
  local log="$out/torch_round$1.log" cmd
  cmd="$(sed -n 's/^command: //p' "$out/s2s_round1.log")"
  echo "## round $1: PyTorch (load $(cut -d' ' -f1 /proc/loadavg))"
  { time "$py" "$here/g2p_torch.py" --from-command "$cmd" > "$log"; } 2> "$out/torch_round$1.time"
  grep -E '^(command|model|stopped|test set)|epoch +[0-9]+:' "$log" | sed 's/^/   /'
  echo "   time: $(tail -1 "$out/torch_round$1.time")"
}

for ((r = 1; r <= rounds; r++)); do
  if ((r % 2 == 1)); then run_ours "$r"; run_torch "$r"; else run_torch "$r"; run_ours "$r"; fi
done | tee "$out/runs.txt"

# The twin's forward pass is s2s's: s2s's saved model (its best epoch) loaded into
# the twin gives the valid loss s2s recorded (CHECK=0 skips this; it takes one
# validation's time).
if [[ "${CHECK:-1}" != 0 ]]; then
  "$py" "$here/g2p_torch.py" --check-model "$out/model_round1" | grep '^check:' | tee "$out/check.txt" ||
    echo "# the check failed: see $out/check.txt"
fi

# The curves and the time to PyTorch's final valid WER.
"$py" - "$out" "$rounds" <<'EOF' | tee "$out/summary.txt"
import re, sys
out, rounds = sys.argv[1], int(sys.argv[2])
EPOCH = re.compile(r"epoch\s+(\d+): train loss ([\d.]+)\s+valid loss ([\d.]+)\s+valid exact\s+([\d.]+)%"
                   r".*?(\d+) steps\s+([\d.]+)s")

def curve(path):
    """[(seconds, wer %, epoch, train loss, valid loss, steps)] from an epoch log."""
    pts = []
    for line in open(path):
        m = EPOCH.search(line)
        if m:
            ep, tl, vl, exact, steps, sec = m.groups()
            pts.append((float(sec), 100 - float(exact), int(ep), float(tl), float(vl), int(steps)))
    return pts

BAR = re.compile(r"epoch +1 \[[#.]*\] +(\d+)/\d+ loss ([\d.]+)")
STEP = re.compile(r"^  step (\d+): mean train loss ([\d.]+)")

def running(path, pattern):
    """step -> mean train loss of epoch 1 so far."""
    found = {}
    for line in open(path):
        m = pattern.search(line)
        if m:
            found[int(m.group(1))] = float(m.group(2))
    return found

def time_to(pts, target):
    """First validation at or below target: (its time, time interpolated linearly
    from the previous validation, or from (0 s, 100%)); None if never."""
    prev = (0.0, 100.0)
    for sec, wer, *_ in pts:
        if wer <= target + 1e-9:
            t0, w0 = prev
            interp = sec if w0 == wer else t0 + (sec - t0) * (w0 - target) / (w0 - wer)
            return sec, interp
        prev = (sec, wer)
    return None

# The same data and model on both sides: split sizes and parameter counts.
SIZES = re.compile(r"\((\d+) parameters\); (\d+) training pairs, (\d+) valid, (\d+) test")
mismatch = False
for r in range(1, rounds + 1):
    got = {}
    for name in ("s2s", "torch"):
        m = [SIZES.search(l) for l in open(f"{out}/{name}_round{r}.log")]
        got[name] = next((x.groups() for x in m if x), None)
    same = got["s2s"] is not None and got["s2s"] == got["torch"]
    mismatch |= not same
    print(f"round {r}: parameters, train, valid, test: s2s {got['s2s']}, PyTorch {got['torch']}: "
          f"{'same' if same else 'MISMATCH'}")

with open(f"{out}/curves.csv", "w") as csv:
    csv.write("framework,round,epoch,seconds,minutes,train_loss,valid_loss,valid_wer\n")
    for r in range(1, rounds + 1):
        ours, torch = curve(f"{out}/s2s_round{r}.log"), curve(f"{out}/torch_round{r}.log")
        for name, pts in (("s2s", ours), ("pytorch", torch)):
            for sec, wer, ep, tl, vl, _ in pts:
                csv.write(f"{name},{r},{ep},{sec:.1f},{sec / 60:.2f},{tl},{vl},{wer:.1f}\n")
        print(f"\nround {r}: valid WER (%) on --valid-examples valid words (every k-th), by validation")
        print(f"  {'epoch':>5}  {'s2s min':>8} {'WER':>6} {'loss':>7}   {'torch min':>9} {'WER':>6} {'loss':>7}")
        for i in range(max(len(ours), len(torch))):
            a = f"{ours[i][0] / 60:8.2f} {ours[i][1]:6.1f} {ours[i][3]:7.4f}" if i < len(ours) else " " * 23
            b = f"{torch[i][0] / 60:9.2f} {torch[i][1]:6.1f} {torch[i][3]:7.4f}" if i < len(torch) else ""
            print(f"  {i + 1:>5}  {a}   {b}")
        if ours and torch:
            print(f"  epoch-1 train loss: s2s {ours[0][3]:.4f} (mean of its first {ours[0][5]} steps), "
                  f"PyTorch {torch[0][3]:.4f} (first {torch[0][5]} steps)")
        # The same number of steps: s2s's progress bar and the twin's `step N:` lines.
        bar = running(f"{out}/s2s_round{r}.log", BAR)
        twin = running(f"{out}/torch_round{r}.log", STEP)
        common = sorted(set(bar) & set(twin))
        for k in sorted({common[0], common[-1]} if common else []):
            print(f"  mean train loss over the first {k} steps: s2s {bar[k]:.3f}, PyTorch {twin[k]:.4f}")
        if len(common) > 1:
            print("  (with --lr-anneal the rate follows the time used, so the two rates part after"
                  " the hold: the early steps are the like-for-like check)")
        if not torch:
            print("  PyTorch finished no epoch: no target WER")
            continue
        if min(len(ours), len(torch)) < 2:
            print("  note: a side validated only once (its first epoch did not end within the budget),"
                  " so its time to accuracy is the budget's end, or a straight line from (0 s, 100%):"
                  " not resolved; give more minutes")
        target = torch[-1][1]
        t_torch, t_ours = time_to(torch, target), time_to(ours, target)
        print(f"  PyTorch's final valid WER: {target:.1f}% (at {torch[-1][0] / 60:.2f} min)")
        print(f"  time to reach it: PyTorch {t_torch[0] / 60:.2f} min (interpolated {t_torch[1] / 60:.2f})")
        if t_ours is None:
            best = min(p[1] for p in ours) if ours else 100.0
            print(f"  time to reach it: s2s never did (best {best:.1f}%): ratio > 1")
        else:
            print(f"  time to reach it: s2s {t_ours[0] / 60:.2f} min (interpolated {t_ours[1] / 60:.2f})")
            print(f"  ratio s2s / PyTorch: {t_ours[0] / t_torch[0]:.2f} at validations, "
                  f"{t_ours[1] / t_torch[1]:.2f} interpolated (goal: <= 0.33)")
        for name in ("s2s", "torch"):
            test = [l.strip() for l in open(f"{out}/{name}_round{r}.log") if l.startswith("test set")]
            if test:
                print(f"  {name} {test[-1]}")
print(f"\nfiles: {out}/curves.csv, the logs *_round*.log, runs.txt, summary.txt")
sys.exit(1 if mismatch else 0)
EOF
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/summary.txt"
