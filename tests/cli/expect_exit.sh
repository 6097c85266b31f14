#!/bin/sh
# Usage: expect_exit.sh CODE COMMAND [ARGS...]
# Passes when COMMAND exits with exactly CODE (e.g. 2 for a usage error, which a
# tutorial must keep apart from 1, a failed claim).
code=$1
shift
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out" | head -5
if [ "$rc" -ne "$code" ]; then
  echo "expect_exit: exit code $rc, expected $code"
  exit 1
fi
