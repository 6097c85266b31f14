#pragma once
// Helpers for the course kit's graders (tests/exercises/*.cpp). Every expected
// number in these tests was worked out by hand (a calculator) from the weights
// written next to it, or is a central-difference gradient: never by calling a
// copy of the code a student writes. 所有期望值都是按旁边写出的权重手算的,或由中心差分得到。
//
// Each grader runs inside grade("<id>", ...):
//   - its own exercise still a stub: the stub's message, nothing else;
//   - an exercise it builds on still a stub (the needs column of exercises.tsv, or
//     any other stub met on the way): one line "waits for exercise X (file)", and
//     no value is checked, so a wrong value is never reported next to it;
//   - else the values, each failure naming the quantity and entry (h' [batch 1,
//     unit 2]) and printing the hand computation it was checked against.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/gradcheck.hpp"
#include "nn/module.hpp"
#include "tutorials/exercise_needs.hpp"

namespace s2s::exercise {

// True during grade()'s first pass, which only looks for stubs: the checks below
// record nothing then, so a wrong value is never reported next to "waits for".
inline bool& dry_run() {
  static bool dry = false;
  return dry;
}

// A check of the grader's own (not a value): `what` says what was expected.
inline void expect(bool ok, const std::string& what) {
  if (!dry_run() && !ok) FAIL_CHECK(what);
}

// Sets the parameter called `name` (e.g. "cell.weight_ih") to `value`.
inline void set_param(Module& m, const std::string& name, const Tensor& value) {
  std::string known;
  for (auto& [n, p] : m.named_parameters()) {
    if (n == name) {
      REQUIRE(p.shape() == value.shape());
      Var handle = p;  // shares the parameter's node
      handle.value() = value;
      return;
    }
    known += " " + n;
  }
  FAIL("no parameter " << name << "; known:" << known);
}

// A quantity to check: its name, the names of its axes ("batch", "unit"), and the
// hand computation its expected values come from (printed on a failure).
struct Quantity {
  std::string name;               // h'
  std::vector<std::string> axes;  // {"batch", "unit"}
  std::string how;                // the hand computation, one line per row
};

// "[batch 1, unit 2]" for flat index i of a tensor of shape `shape`.
inline std::string entry_name(const Shape& shape, const std::vector<std::string>& axes, int64_t i) {
  std::vector<int64_t> at(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    at[d] = i % shape[d];
    i /= shape[d];
  }
  std::string s = "[";
  for (size_t d = 0; d < at.size(); ++d)
    s += fmt::format("{}{} {}", d ? ", " : "", d < axes.size() ? axes[d] : "axis", at[d]);
  return s + "]";
}

// Every entry of `got` within `tol` (relative, or absolute near 0) of `want` (row-major).
inline void check_values(const Quantity& q, const Tensor& got, const Shape& shape,
                         const std::vector<double>& want, double tol = 1e-9) {
  if (dry_run()) return;
  if (got.shape() != shape) {
    FAIL_CHECK(q.name << " has shape " << shape_str(got.shape()) << ", want " << shape_str(shape));
    return;
  }
  REQUIRE(got.numel() == static_cast<int64_t>(want.size()));
  std::string wrong;
  for (size_t i = 0; i < want.size(); ++i) {
    const double g = got[static_cast<int64_t>(i)], w = want[i];
    if (!(std::abs(g - w) <= tol * std::max(1.0, std::abs(w))))
      wrong += fmt::format("  {} {} = {:.10g}, want {:.10g}\n", q.name,
                           entry_name(shape, q.axes, static_cast<int64_t>(i)), g, w);
  }
  if (!wrong.empty())
    FAIL_CHECK(q.name << " is wrong:\n"
                      << wrong << "checked against the hand computation:\n"
                      << q.how);
}

// One number, e.g. check_scalar("corpus.bleu", corpus.bleu, 0.5); the test's comment
// above it is the hand computation.
inline void check_scalar(const std::string& name, double got, double want, double tol = 1e-9) {
  if (dry_run()) return;
  if (!(std::abs(got - want) <= tol * std::max(1.0, std::abs(want))))
    FAIL_CHECK(name << " = " << fmt::format("{:.10g}", got) << ", want "
                    << fmt::format("{:.10g}", want) << " (the hand computation above it)");
}

// Analytic gradients (backward) equal central differences, in double precision.
inline void check_gradients(const std::string& what, const GradFn& f,
                            const std::vector<Tensor>& inputs) {
  GradCheckResult r = gradcheck(what, f, inputs);
  if (dry_run()) return;
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);
}

// "waits for exercise X (file)"
inline std::string waits_for(const std::string& id) {
  const course::ExerciseInfo* e = course::find_exercise(id);
  return fmt::format("waits for exercise {} ({})", id, e ? e->file : "?");
}

// Runs the grader of exercise `id` (see the top of this file).
inline void grade(const std::string& id, const std::function<void()>& body) {
  const course::ExerciseInfo* ex = course::find_exercise(id);
  REQUIRE_MESSAGE(ex != nullptr, "exercise " << id << " is not in exercises.tsv");
  if (course::not_done(id)) {
    try {
      course::run_probe(id);
    } catch (const ExerciseNotDone& e) {
      FAIL(std::string(e.what()));
    }
  }
  for (const std::string& need : course::split_list(ex->needs))
    if (course::not_done(need)) FAIL(waits_for(need));
  try {  // first pass: any other stub on the way (a backward the student's code uses)
    dry_run() = true;
    body();
    dry_run() = false;
  } catch (const ExerciseNotDone& e) {
    dry_run() = false;
    if (e.id == id) FAIL(std::string(e.what()));
    FAIL(waits_for(e.id));
  } catch (...) {
    dry_run() = false;  // a wrong answer that throws: the second pass reports it
  }
  body();
}

}  // namespace s2s::exercise
