#!/usr/bin/env bash
# A tutorial refuses every bad flag with a message naming it and exit code 2 (a usage
# error; 1 is a failed claim), before it writes anything: no --out folder appears.
#   tests/tutorials/bad_flags.sh TUTORIAL_BINARY
set -u
bin=$1
name=$(basename "$bin")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# expect CODE SUBSTRING FLAGS...
expect() {
  local code=$1 text=$2
  shift 2
  "$bin" --out "$tmp/out" "$@" > "$tmp/stdout" 2> "$tmp/stderr"
  local rc=$?
  if [[ $rc != "$code" ]] || ! grep -qF -- "$text" "$tmp/stdout" "$tmp/stderr"; then
    echo "FAIL: $name $* -> exit $rc (want $code), output:"
    cat "$tmp/stdout" "$tmp/stderr"
    fail=1
  elif [[ -e "$tmp/out" ]]; then
    echo "FAIL: $name $* wrote $tmp/out"
    fail=1
  else
    echo "ok: $name $* -> exit $rc: $(cat "$tmp/stderr" "$tmp/stdout" | grep -m1 .)"
  fi
}
expect 2 "unknown flag '--bogus'" --bogus
expect 2 "flag --seed needs a value" --seed
expect 2 "--seed needs a non-negative integer, got '-1'" --seed -1
expect 2 "--seed needs a non-negative integer, got '18446744073709551616'" --seed 18446744073709551616
expect 2 "--seed needs a non-negative integer, got '3x'" --seed 3x
expect 2 "--engine must be 'reference' or 'fast', got 'gpu'" --engine gpu
expect 2 "--lang must be 'en' or 'zh', got 'fr'" --lang fr
if "$bin" --help | grep -qF -- "--score X"; then
  expect 2 "unknown score function 'nope' for --score" --score nope
else
  expect 2 "--score does not apply to this tutorial" --score dot
fi
expect 0 "usage: $name" --help
exit $fail
