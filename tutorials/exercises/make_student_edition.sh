#!/usr/bin/env bash
# make_student_edition.sh OUT_DIR
# Writes the student edition of this checkout to OUT_DIR (new or empty): every
# tracked file, no .git, each exercise region replaced by a stub that throws
# "exercise <id> not done yet ...". Fails if any solution line is left anywhere.
# 生成学生版:复制所有受版本控制的文件(不含 .git),把每个练习区域换成抛出错误的桩代码。
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
repo="$(cd "$(dirname "$0")/../.." && pwd)"
python3 "$repo/tutorials/exercises/student_edition.py" "$repo" "$1"
