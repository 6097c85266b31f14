#!/usr/bin/env bash
# make_student_edition.sh OUT_DIR [--only ID,...|--tutorial NAME|--through NAME]
# Writes a student edition of this checkout to OUT_DIR (new or empty): every tracked
# file, no .git, the chosen exercise regions replaced by stubs that throw
# "exercise <id> not done yet ..."; every other exercise stays solved, so the
# tutorials that need only those run. Its default engine is the reference one.
#   (nothing)        all 20 exercises
#   --only ID,...    exactly these (ids of exercises.tsv)
#   --tutorial NAME  the suggested assignment of tutorial NAME (tutorials.tsv), e.g. 06_attention
#   --through NAME   every assignment up to and including NAME's
# Fails if a line of a blanked solution is left anywhere.
# 生成学生版:只把选中的练习换成桩代码,其余练习保持已完成,依赖它们的教程照常运行。
set -euo pipefail
usage="usage: $0 OUT_DIR [--only ID,...|--tutorial NAME|--through NAME]"
[ $# -eq 1 ] || [ $# -eq 3 ] || { echo "$usage" >&2; exit 2; }
case "${2:---only}" in --only | --tutorial | --through | --solved) ;; *) echo "$usage" >&2; exit 2 ;; esac
repo="$(cd "$(dirname "$0")/../.." && pwd)"
python3 "$repo/tutorials/exercises/student_edition.py" "$repo" "$@"
