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
"$py" "$here/g2p_curves.py" "$out" "$rounds" | tee "$out/summary.txt"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/summary.txt"
