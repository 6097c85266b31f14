#pragma once
// Gradient check: compares backward() with central differences
//   ∂L/∂x_j ≈ (L(x + ε e_j) - L(x - ε e_j)) / 2ε
// for every element of every input. For a non-scalar output y the checked
// loss is L = Σ y ⊙ R with a fixed random R, so every output entry counts.
// Meant for the float64 build (S2S_REAL=double), where the default tolerance
// is 1e-6; in float32 the defaults are loosened to what float can resolve.
#include <functional>
#include <string>
#include <vector>

#include "core/ops.hpp"

namespace s2s {

struct GradCheckOptions {
  double eps = kDoublePrecision ? 1e-6 : 1e-2;
  // An element fails when |analytic - numeric| / max(1, |analytic|, |numeric|) > tol.
  double tol = kDoublePrecision ? 1e-6 : 2e-2;
  uint64_t seed = 1234;  // for the random projection R
};

struct GradCheckResult {
  bool ok = true;
  double max_error = 0;  // the largest error measure seen over all elements
  int64_t checked = 0;   // how many elements were compared
  std::string message;   // names op, input, index, analytic and numeric on failure
};

using GradFn = std::function<Var(const std::vector<Var>&)>;

// Runs f on Vars made from `inputs` (all requiring grad) and checks each one.
GradCheckResult gradcheck(const std::string& op, const GradFn& f, const std::vector<Tensor>& inputs,
                          const GradCheckOptions& opts = {});

}  // namespace s2s
