#pragma once
// Helpers for the course kit's graders (tests/exercises/*.cpp). Every expected
// number in these tests was worked out by hand (a calculator) from the weights
// written next to it, or is a central-difference gradient: never by calling a
// copy of the code a student writes. 所有期望值都是按旁边写出的权重手算的,或由中心差分得到。
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/gradcheck.hpp"
#include "nn/module.hpp"

namespace s2s::exercise {

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

// Every entry of `got` within `tol` of `want` (row-major).
inline void check_values(const Tensor& got, const std::vector<double>& want, double tol = 1e-9) {
  REQUIRE(got.numel() == static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("entry " << i);
    CHECK(got[static_cast<int64_t>(i)] == doctest::Approx(want[i]).epsilon(tol));
  }
}

// Analytic gradients (backward) equal central differences.
inline void check_gradients(const std::string& what, const GradFn& f,
                            const std::vector<Tensor>& inputs) {
  GradCheckResult r = gradcheck(what, f, inputs);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);
}

}  // namespace s2s::exercise
