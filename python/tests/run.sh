#!/usr/bin/env bash
# The PyTorch stage of CI (.ci/run): the contract test between the C++ engine and
# python/attention_lab, and the Python CLI's bad-input table. Needs python3-torch
# (installed by .ci/install-deps for this stage only) and a release build in build/.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
py=/usr/bin/python3
[ -x "$py" ] || py=python3
cmake --build build -j2 --target s2s contract_probe 2>&1 | tail -1
export PYTHONPATH="$PWD/python" OMP_NUM_THREADS=1
"$py" python/tests/contract_test.py --build build
"$py" python/tests/cli_bad_input_test.py --build build
echo "python stage: $(( $(date +%s) - start )) s"
