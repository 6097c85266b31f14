#!/usr/bin/env bash
# mutations.sh BUILD_DIR — applies each wrong version of tests/exercises/mutations.tsv
# to the solved code (one at a time, restored after), rebuilds exercises_f64 and runs
# that exercise's grader, which must fail. Prints the table (caught yes/no). Slow
# (40 rebuilds of one file): run by hand, not in CI.
# 把 mutations.tsv 中每个错误版本逐一代入,重新编译评分程序,确认对应练习的测试失败。
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:?usage: $0 BUILD_DIR}"
table="$root/tests/exercises/mutations.tsv"
missed=0
printf '| exercise | wrong version | caught |\n|---|---|---|\n'
while IFS=$'\t' read -r id wrong file find replace; do
  case "$id" in "#"* | id | "") continue ;; esac
  src="$root/$file"
  cp -p "$src" "$src.orig"
  if ! python3 - "$src" "$find" "$replace" <<'PY'
import sys
path, find, repl = sys.argv[1], sys.argv[2].replace("\\n", "\n"), sys.argv[3].replace("\\n", "\n")
text = open(path, encoding="utf-8").read()
if text.count(find) != 1:
    sys.exit(f"{path}: '{find}' found {text.count(find)} times, want 1")
open(path, "w", encoding="utf-8").write(text.replace(find, repl))
PY
  then
    result="NOT APPLIED"
  elif ! cmake --build "$build" -j2 --target exercises_f64 >/tmp/mutation-build.log 2>&1; then
    result="does not compile"
  elif "$build/exercises_f64" "--test-case=$id *" >/tmp/mutation-run.log 2>&1; then
    result="NO (the grader passes)"
    missed=1
  else
    result="yes"
  fi
  cat "$src.orig" >"$src" && rm "$src.orig"  # a new mtime: the next build recompiles it
  printf '| %s | %s | %s |\n' "$id" "$wrong" "$result"
done <"$table"
cmake --build "$build" -j2 --target exercises_f64 >/dev/null 2>&1
exit $missed
