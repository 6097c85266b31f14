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

// Thrown by an exercise's stub in a student edition (tutorials/exercises/): "exercise
// <id> not done yet", what to implement where, and the command that grades it in this
// build. The tutorials' needs check and the graders catch this type, and only this
// type, so "not done yet" is never confused with a wrong answer or a bad input.
struct ExerciseNotDone : Error {
  ExerciseNotDone(const std::string& id, const std::string& file, const std::string& function);
  std::string id, file;
};

// The build folder that compiled the library (CMAKE_BINARY_DIR; core/exercise.cpp), so
// messages can name the real folder: "ctest --test-dir <it> ...".
std::string build_dir();

// S2S_CHECK(cond, "fmt {}", args...) throws s2s::Error with a formatted message.
#define S2S_CHECK(cond, ...)                                   \
  do {                                                         \
    if (!(cond)) throw ::s2s::Error(fmt::format(__VA_ARGS__)); \
  } while (0)

}  // namespace s2s
