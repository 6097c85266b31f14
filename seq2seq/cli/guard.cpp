#include "seq2seq/cli/guard.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <ios>
#include <new>
#include <string>

#include "core/error.hpp"
#include "seq2seq/cli/validate.hpp"

namespace s2s::cli {

namespace {
[[noreturn]] void on_terminate() {
  const char* what = "unknown exception";
  std::string msg;
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::bad_alloc&) {
      msg = "out of memory";
    } catch (const std::exception& ex) {
      msg = ex.what();
    } catch (...) {
      msg = what;
    }
  } else {
    msg = "terminate called without an active exception";
  }
  fmt::print(stderr, "error: internal error: {}\n", msg);
  std::fflush(stderr);
  std::_Exit(1);
}

}  // namespace

int run_guarded(const std::function<int()>& body) {
  std::set_terminate(on_terminate);
  try {
    return body();
  } catch (const UsageError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  } catch (const Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
  } catch (const std::bad_alloc&) {
    fmt::print(stderr,
               "error: out of memory (the model or the data is too large for this machine; try "
               "a smaller --hidden, --embed, --batch or --beam)\n");
  } catch (const std::ios_base::failure& e) {
    fmt::print(stderr, "error: input/output failure: {}\n", e.what());
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
  } catch (...) {
    fmt::print(stderr, "error: an unknown exception stopped s2s\n");
  }
  return 1;
}

}  // namespace s2s::cli
