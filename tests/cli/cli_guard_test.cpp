// s2s's last resort (seq2seq/cli/guard.hpp), in-process: each case runs run_guarded in a
// child process (a terminate handler ends the process) and reads its exit code and stderr.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <ios>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "seq2seq/cli/guard.hpp"
#include "seq2seq/cli/validate.hpp"

namespace {

struct Outcome {
  int code = -1;
  std::string err;
};

// Runs run_guarded(body) in a forked child whose stderr goes to a pipe.
Outcome guarded_in_child(const std::function<int()>& body) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], 2);
    const int code = s2s::cli::run_guarded(body);
    std::fflush(stderr);
    ::_exit(code);
  }
  ::close(fds[1]);
  Outcome o;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) o.err.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return o;
}

}  // namespace

TEST_CASE("last resort: every escaping exception becomes one error line and an exit code") {
  struct Case {
    const char* what;
    std::function<int()> body;
    int code;
    const char* message;
  };
  const Case cases[] = {
      {"a normal run", [] { return 0; }, 0, ""},
      {"a usage error", []() -> int { throw s2s::cli::UsageError("--hidden must be positive"); },
       2, "error: --hidden must be positive\n"},
      {"an s2s::Error", []() -> int { throw s2s::Error("cannot open 'x'"); }, 1,
       "error: cannot open 'x'\n"},
      {"std::bad_alloc", []() -> int { throw std::bad_alloc(); }, 1, "error: out of memory"},
      {"std::ios_base::failure",
       []() -> int { throw std::ios_base::failure("basic_filebuf::underflow error reading"); }, 1,
       "error: input/output failure: basic_filebuf::underflow error reading"},
      {"a thrown int", []() -> int { throw 42; }, 1, "error: an unknown exception stopped s2s\n"},
      {"an exception escaping a worker thread (std::terminate)",
       []() -> int {
         std::thread([] { throw std::runtime_error("boom in a worker thread"); }).join();
         return 0;
       },
       1, "error: internal error: boom in a worker thread\n"},
  };
  for (const Case& c : cases) {
    INFO("case: ", c.what);
    const Outcome o = guarded_in_child(c.body);
    CHECK(o.code == c.code);
    CHECK(o.err.rfind(c.message, 0) == 0);  // the message starts stderr
    CHECK(o.err.find("terminate called") == std::string::npos);
  }
}
