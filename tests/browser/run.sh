#!/usr/bin/env bash
# The browser stage of CI (.ci/run): the attention explorer's pages in headless
# Chromium. Uses the build in build/ and the tutorial pages ctest already wrote
# (build/out/fast-seed1/<name>: English, build/out/fast-seed2/<name>: Chinese);
# trains one small model (a few seconds) for `s2s translate --html` and `s2s eval
# --html`. Screenshots go to build/browser/shots/.
#   tests/browser/run.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
W=$B/browser
mkdir -p "$W"
S2S=$B/s2s
PY=/usr/bin/python3  # Debian's, where python3-selenium is installed

echo "--- a small model for the CLI pages"
"$S2S" train --task toy_en_es --out "$W/model" --overwrite --n-train 2000 --max-steps 400 \
  --seconds 60 --seed 1 > "$W/train.log"
printf 'the big dog sees the small cat\nthe girl eats\n\nthe old man reads a book\n' |
  "$S2S" translate --model "$W/model" --beam 4 --html "$W/translate.html" > "$W/translate.txt"
[ "$(wc -l < "$W/translate.txt")" = 4 ] || { echo "translate --html: not one line per input line"; exit 1; }
"$S2S" eval --model "$W/model" --n-test 50 --html "$W/eval.html" --html-sentences 20 > /dev/null

echo "--- bad input: a clear message, exit code 1, nothing lost"
echo "keep" > "$W/keep.html"
chmod 0444 "$W/keep.html"
expect_error() {  # expect_error WORDS command...
  local words=$1 rc=0
  shift
  "$@" > "$W/err.out" 2> "$W/err.txt" || rc=$?
  if [ "$rc" != 1 ] || ! grep -q "$words" "$W/err.txt"; then
    echo "FAIL: $* gave exit code $rc and: $(cat "$W/err.txt")"
    exit 1
  fi
  echo "ok ($rc): $(head -1 "$W/err.txt")"
}
expect_error "does not exist" "$S2S" translate --model "$W/model" --html /nonexistent/dir/p.html "the dog"
expect_error "is a folder" "$S2S" eval --model "$W/model" --n-test 5 --html "$W"
if [ "$(id -u)" != 0 ]; then  # root may write anyway
  expect_error "not writable" "$S2S" translate --model "$W/model" --html "$W/keep.html" "the dog"
fi
[ "$(cat "$W/keep.html")" = keep ] || { echo "FAIL: an existing file was changed"; exit 1; }
"$S2S" train --task toy_en_es --attention none --out "$W/bottleneck" --overwrite --n-train 500 \
  --max-steps 20 --seconds 30 > /dev/null
expect_error "has none" "$S2S" translate --model "$W/bottleneck" --html "$W/b.html" "the dog"
[ ! -e "$W/b.html" ] || { echo "FAIL: a page was written for a model without attention"; exit 1; }

echo "--- the pages in Chromium"
pages=("$W/translate.html" "$W/eval.html")
for d in "$B"/out/fast-seed1 "$B"/out/fast-seed2; do
  [ -f "$d/index.html" ] && pages+=("$d/index.html")
  for p in "$d"/[0-9][0-9]_*/index.html; do [ -f "$p" ] && pages+=("$p"); done
done
$PY tests/browser/check_pages.py --shots "$W/shots" "${pages[@]}"
