#!/usr/bin/env bash
# check_student_edition.sh — CI for the course kit. Checks that
#   1. in this repository every exercise test passes (ctest -L exercise, 100%);
#   2. the student edition of a clean checkout of HEAD builds the graders with
#      zero warnings, and there every exercise test fails with its own message
#      ("exercise <id> not done yet"): a test that cannot fail, or that grades
#      another exercise's code, is caught here.
# Builds only the graders (exercises_f64) in the student edition: Release, -j2.
# 检查:仓库中所有练习测试通过;学生版零警告编译,且每个练习测试都以自己的消息失败。
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
registry="$root/tutorials/exercises/exercises.tsv"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
ids=$(awk -F'\t' '!/^#/ && $1 != "id" && NF { print $1 }' "$registry")
n=$(echo "$ids" | wc -l)
fail=0
# Each exercise's graders: at least one test case; $2 = pass or fail (with its own message).
grade() {
  local bin=$1 want=$2 id log
  for id in $ids; do
    if ! "$bin" "--test-case=$id *" --list-test-cases 2>&1 | grep -q "^$id "; then
      echo "FAIL: no test case named '$id ...' in $bin"; fail=1; continue
    fi
    if log=$("$bin" "--test-case=$id *" 2>&1); then
      [ "$want" = pass ] || { echo "FAIL: exercise $id passes in the student edition"; fail=1; }
    elif [ "$want" = pass ]; then
      echo "FAIL: exercise $id fails in the repository:"; echo "$log" | tail -15; fail=1
    elif ! echo "$log" | grep -q "exercise $id not done yet"; then
      echo "FAIL: in the student edition exercise $id fails without its own message:"
      echo "$log" | grep -E "ERROR|exception|not done yet" | head -5; fail=1
    fi
  done
}

echo "--- course kit: the repository ($n exercises) ---"
if [ ! -f "$root/build/CMakeCache.txt" ]; then (cd "$root" && cmake --preset release >/dev/null); fi
cmake --build "$root/build" -j2 --target exercises_f64 | tail -1
(cd "$root/build" && ctest -L exercise --output-on-failure | tail -3)
ran=$(cd "$root/build" && ctest -N -L exercise | grep -c "exercise: " || true)
[ "$ran" -eq "$n" ] || { echo "FAIL: ctest has $ran exercise tests, the registry $n"; fail=1; }
grade "$root/build/exercises_f64" pass

echo "--- course kit: the student edition of a clean checkout of HEAD ---"
git clone --quiet --no-checkout "$root" "$tmp/clean"
git -C "$tmp/clean" checkout --quiet "$(git -C "$root" rev-parse HEAD)"
"$tmp/clean/tutorials/exercises/make_student_edition.sh" "$tmp/student"
(cd "$tmp/student" && cmake --preset release >/dev/null &&
  cmake --build build -j2 --target exercises_f64 2>&1) >"$tmp/build.log" || {
  tail -30 "$tmp/build.log"; echo "FAIL: the student edition does not build"; exit 1; }
if grep -q "warning:" "$tmp/build.log"; then
  grep "warning:" "$tmp/build.log" | sort -u | head -20
  echo "FAIL: compiler warnings in the student edition"; fail=1
fi
passed=$(cd "$tmp/student/build" && ctest -L exercise 2>&1 | grep -oE "[0-9]+% tests passed" || true)
echo "student edition: ctest -L exercise: $passed (want 0%)"
[ "$passed" = "0% tests passed" ] || fail=1
grade "$tmp/student/build/exercises_f64" fail

if [ $fail -ne 0 ]; then echo "course kit: FAILED"; exit 1; fi
echo "course kit: OK ($n exercises pass here and fail, each with its own message, in the student edition)"
