#!/bin/sh
# Usage: expect_error.sh FRAGMENT COMMAND [ARGS...]
# Passes when COMMAND exits with an error code (1..127: a handled error, not a
# crash by signal) and its output (stdout + stderr) contains FRAGMENT.
fragment=$1
shift
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -eq 0 ] || [ "$rc" -ge 128 ]; then
  echo "expect_error: exit code $rc, expected a handled error (1..127)"
  exit 1
fi
case "$out" in
  *"$fragment"*) exit 0 ;;
esac
echo "expect_error: the output does not mention '$fragment'"
exit 1
