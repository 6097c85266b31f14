#pragma once
// The last resort of s2s: nothing escapes main as an abort.
#include <functional>

namespace s2s::cli {

// Runs body; any exception that escapes it becomes "error: ..." on stderr and exit code 1
// (a UsageError: exit code 2). Also installs a terminate handler that does the same for
// exceptions escaping threads. Tested in-process: tests/cli/cli_guard_test.cpp.
int run_guarded(const std::function<int()>& body);

}  // namespace s2s::cli
