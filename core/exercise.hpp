#pragma once
// The course kit (tutorials/exercises/): what an exercise's stub throws in a student
// edition, and the two facts its messages need. A header of its own, included by the
// stubs (the edition adds it), the tutorials' needs check and the graders only.
#include <string>

#include "core/engine.hpp"
#include "core/error.hpp"

namespace s2s {

// Thrown by an exercise's stub: "exercise <id> not done yet", what to implement
// where, and the command that grades it in this build. The tutorials' needs check
// and the graders catch this type, and only this type, so "not done yet" is never
// confused with a wrong answer or a bad input.
struct ExerciseNotDone : Error {
  ExerciseNotDone(const std::string& id, const std::string& file, const std::string& function);
  std::string id, file;
};

// The build folder that compiled the library (CMAKE_BINARY_DIR, core/exercise.cpp), so
// messages name the real folder: "ctest --test-dir <it> ...".
std::string build_dir();

// The engine when neither --engine nor S2S_ENGINE says: fast here, reference in a
// student edition (make_student_edition.sh switches the line in core/engine.cpp),
// where the student's code must run: the fast engine bypasses some exercises.
Engine default_engine();

}  // namespace s2s
