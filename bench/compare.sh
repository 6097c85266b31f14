#!/usr/bin/env bash
# Compares the reference workload with its PyTorch twin, small and medium:
# correctness first (50 replayed Adam steps, losses within 1e-4 relative), then
# speed. The machine may be shared, so the two frameworks are measured
# interleaved (ours, torch, ours, torch, ...) and each keeps its best round;
# wall time and process CPU time are both printed with the load average.
# Ours runs in both engines (best of 1 and 2 threads each), so the same rounds
# also give the reference engine's cost over the fast one's.
#
#   bench/compare.sh [build-dir]        (default: build)
#   ROUNDS=3 SIZES="small medium" bench/compare.sh /tmp/build
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-build}"
bin="$build/bench/reference_workload"
py=/usr/bin/python3
rounds="${ROUNDS:-3}"
sizes="${SIZES:-small medium}"
[[ -x "$bin" ]] || { echo "missing $bin: cmake --build $build --target reference_workload"; exit 1; }
if ! "$py" -c "import torch" 2>/dev/null; then
  echo "skipped: python3-torch not installed"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "# machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# PyTorch's CPU matrix products go through the system BLAS: Debian's default is the
# slow reference BLAS unless OpenBLAS is installed (apt-get install libopenblas0-pthread).
blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)"
echo "# BLAS behind PyTorch: $blas"
case "$blas" in *openblas*) ;; *) echo "# warning: not OpenBLAS; PyTorch will be far slower than usual" ;; esac

# 1. Correctness: replay our first 50 steps in PyTorch.
"$bin" --size small --steps 50 --save "$tmp/run.safetensors" > "$tmp/ours.txt"
"$py" "$here/torch_reference.py" --replay "$tmp/run.safetensors" --steps 50 \
  --losses "$tmp/ours.txt" | tail -1

# 2. Speed, interleaved. Ours: best of --threads 1 and 2; torch: best of 1 and 2.
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | tail -1; }
# below MS BEST: true when there is no best yet or MS is below it.
below() { [[ -z "$2" ]] || (( $(echo "$1 < $2" | bc -l) )); }
for size in $sizes; do
  best_ours="" best_ref="" best_torch="" cpu_ours="" cpu_torch=""
  for ((r = 1; r <= rounds; r++)); do
    for engine in fast reference; do
      for t in 1 2; do
        out="$("$bin" --size "$size" --threads "$t" --engine "$engine")"
        ms="$(echo "$out" | field ms_per_step)"
        cpu="$(echo "$out" | field cpu_ms_per_step)"
        echo "round=$r size=$size ours engine=$engine threads=$t ms_per_step=$ms cpu_ms_per_step=$cpu"
        if [[ $engine == reference ]]; then
          if below "$ms" "$best_ref"; then best_ref="$ms"; fi
        elif below "$ms" "$best_ours"; then
          best_ours="$ms" cpu_ours="$cpu"
        fi
      done
    done
    out="$("$py" "$here/torch_reference.py" --size "$size" --time)"
    ms="$(echo "$out" | tail -1 | field torch_ms_per_step)"
    cpu="$(echo "$out" | tail -1 | field cpu_ms_per_step)"
    echo "round=$r size=$size torch $(echo "$out" | tail -1)"
    if below "$ms" "$best_torch"; then
      best_torch="$ms" cpu_torch="$cpu"
    fi
  done
  ratio="$(echo "scale=2; $best_torch / $best_ours" | bc -l)"
  ref_ratio="$(echo "scale=2; $best_ref / $best_ours" | bc -l)"
  echo "size=$size ours_ms=$best_ours torch_ms=$best_torch speedup=${ratio}x" \
    "(cpu ms: ours $cpu_ours, torch $cpu_torch) load=$(cut -d' ' -f1 /proc/loadavg)"
  echo "size=$size reference_engine_ms=$best_ref reference_over_fast=${ref_ratio}x"
done
