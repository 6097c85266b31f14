#!/usr/bin/env bash
# progress.sh [BUILD_DIR]   (default: build)
# Rebuilds the graders, runs each exercise's test and prints what is done and
# what comes next, in the lecture's order (tutorials/exercises/exercises.tsv), then
# for each tutorial the exercises it still waits for (tutorials/exercises/tutorials.tsv).
# 重新编译评分程序,逐个运行练习的测试,按讲义顺序显示已完成的练习和下一个练习,
# 再列出每个教程还在等待的练习。
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
registry="$root/tutorials/exercises/exercises.tsv"
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "no build in $build: run  cmake --preset release  first (in $root)" >&2
  exit 2
fi
if ! out=$(cmake --build "$build" -j2 --target exercises_f64 2>&1); then
  echo "$out" | grep -E "error|Error" | head -20
  echo "the graders do not compile: fix the errors above first" >&2
  exit 1
fi
declare -A ok
ids=() done_n=0 next=""
declare -A file_of
while IFS=$'\t' read -r id file function needs tutorial unused tests fast knob en zh; do
  case "$id" in "#"* | id | "") continue ;; esac
  ids+=("$id")
  file_of[$id]=$file
  log=$("$build/exercises_f64" "--test-case=$id *" 2>&1)
  rc=$?
  if [ $rc -eq 0 ] && echo "$log" | grep -qE "test cases: *[1-9][0-9]* \| *[1-9]"; then
    ok[$id]=1 done_n=$((done_n + 1))
    printf '  [x] %-24s %s\n' "$id" "$file"
    continue
  fi
  # Why it fails: this exercise's stub, another exercise's stub, or wrong numbers.
  other=$(echo "$log" | grep -oE "waits for exercise [a-z0-9-]+" | head -1 | awk '{print $4}')
  if echo "$log" | grep -q "exercise $id not done yet"; then why="not started"
  elif [ -n "$other" ]; then why="waits for $other"
  else why="started, test fails"; fi
  printf '  [ ] %-24s %-40s %s\n' "$id" "$file" "$why"
  if [ -z "$next" ]; then
    next=$id next_file=$file next_fn=$function next_needs=$needs next_tut=$tutorial
    next_tests=$tests next_en=$en next_zh=$zh
  fi
done <"$registry"
total=${#ids[@]}
rel=${build#$root/}
# Each tutorial: the exercises of its default run (tutorials.tsv) whose test does not
# pass yet. A tutorial refuses to start while one of them is still a stub.
echo
echo "tutorials (each waits for its exercises; 每个教程等待的练习):"
while IFS=$'\t' read -r tut tneeds assignment fastb; do
  case "$tut" in "#"* | tutorial | "") continue ;; esac
  waits=""
  for n in ${tneeds//,/ }; do
    [ "$n" = "-" ] || [ -n "${ok[$n]:-}" ] || waits+="${waits:+, }$n"
  done
  if [ -z "$waits" ]; then
    printf '  %-24s ready: %s/tutorials/%s --quick\n' "$tut" "$rel" "$tut"
  else
    printf '  %-24s waits for %s\n' "$tut" "$waits"
  fi
done <"$root/tutorials/exercises/tutorials.tsv"
if [ -z "$next" ]; then
  echo "done $total/$total: every exercise passes. 全部完成。"
  exit 0
fi
first=""
for n in ${next_needs//,/ }; do
  [ "$n" = "-" ] || [ -n "${ok[$n]:-}" ] || first+="${first:+, }$n"
done
echo
echo "done $done_n/$total; next: $next ($next_file, $next_fn)${first:+; do first: $first}"
echo "  $next_en"
echo "  $next_zh"
echo "  graded by: $next_tests"
echo "  test:  ctest --test-dir $rel -L exercise -R $next --output-on-failure"
echo "  then:  $rel/tutorials/$next_tut --quick"
