// The message of an exercise's stub (core/error.hpp). Only this file is compiled
// with the build folder (S2S_BUILD_DIR, set by CMakeLists.txt), so every other object
// file stays the same in every copy of the tree and ccache can share it.
#include "core/exercise.hpp"

#include <fmt/format.h>

namespace s2s {

std::string build_dir() {
#ifdef S2S_BUILD_DIR
  return S2S_BUILD_DIR;
#else
  return "<build>";  // the folder where cmake ran: the one holding CMakeCache.txt
#endif
}

ExerciseNotDone::ExerciseNotDone(const std::string& id, const std::string& file,
                                 const std::string& function)
    : Error(fmt::format("exercise {} not done yet: implement {} in {}; test it with: ctest "
                        "--test-dir {} -L exercise -R {} --output-on-failure",
                        id, function, file, build_dir(), id)),
      id(id),
      file(file) {}

}  // namespace s2s
