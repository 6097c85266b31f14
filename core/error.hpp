#pragma once
// Every bad input ends here: one exception type whose message names what was
// expected and what came, e.g. "matmul: inner sizes differ: a (2,3) vs b (4,5)".
#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace s2s {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// S2S_CHECK(cond, "fmt {}", args...) throws s2s::Error with a formatted message.
#define S2S_CHECK(cond, ...)                                   \
  do {                                                         \
    if (!(cond)) throw ::s2s::Error(fmt::format(__VA_ARGS__)); \
  } while (0)

}  // namespace s2s
