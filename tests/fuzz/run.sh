#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each one for
# N seconds (default 20), then prints executions and crashes per target.
#
#   tests/fuzz/run.sh [SECONDS]          e.g. tests/fuzz/run.sh 60
#
# Each target starts from its committed seed corpus (tests/fuzz/corpus/<target>/,
# read-only) plus a working corpus in build-fuzz/fuzz-work/<target>/ that keeps
# what libFuzzer discovers between runs. Crashing inputs are saved as
# build-fuzz/fuzz-work/<target>/crash-*; replay one with
#   build-fuzz/fuzz/fuzz_<target> <crash file>
# Exit status: 0 when no target crashed. Environment: S2S_FUZZ_BUILD overrides
# the build folder, S2S_FUZZ_JOBS the build parallelism (default 2).
set -euo pipefail
secs=${1:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${S2S_FUZZ_BUILD:-$root/build-fuzz}
targets=(safetensors tatoeba tokenizer model_config)

# The library gets coverage instrumentation (fuzzer-no-link) and ASan; the
# targets add libFuzzer's main (tests/fuzz/CMakeLists.txt).
CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DS2S_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="-g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address" >/dev/null
cmake --build "$build" -j"${S2S_FUZZ_JOBS:-2}" --target fuzz_all

printf '\n%-14s %12s %8s %8s %s\n' target executions exec/s crashes corpus
status=0
for t in "${targets[@]}"; do
  work=$build/fuzz-work/$t
  mkdir -p "$work/corpus"
  log=$work/last_run.log
  # -rss_limit_mb: a loader must never need gigabytes for a small file.
  "$build/fuzz/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=1024 \
    -artifact_prefix="$work/" "$work/corpus" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1 || true
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  crashes=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' -o -name 'timeout-*' \) | wc -l)
  printf '%-14s %12s %8s %8s %s\n' "$t" "${execs:-0}" "${rate:-0}" "$crashes" \
    "$(find "$work/corpus" -type f | wc -l) files"
  if [ "$crashes" -gt 0 ]; then
    status=1
    find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' -o -name 'timeout-*' \) \
      -printf '    %p\n'
    grep -m1 -E 'ERROR|invariant|terminate|what\(\)' "$log" | sed 's/^/    /' || true
  fi
done
exit $status
