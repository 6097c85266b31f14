#pragma once
// Gradient check of a module: like core's gradcheck, but the leaves checked
// are the given inputs AND every parameter of the module. Each leaf value is
// nudged in place, ±ε, and the loss L = Σ f(inputs) ⊙ R re-evaluated without a graph.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/gradcheck.hpp"
#include "core/tensor_math.hpp"
#include "nn/module.hpp"

namespace s2s::testing {

inline GradCheckResult gradcheck_module(const std::string& what, const Module& m,
                                        const std::function<Var(const std::vector<Var>&)>& f,
                                        const std::vector<Tensor>& inputs,
                                        const GradCheckOptions& opts = {}) {
  GradCheckResult res;
  std::vector<Var> xs;
  for (const Tensor& t : inputs) xs.emplace_back(t, true);
  std::vector<std::pair<std::string, Var>> leaves;
  for (size_t i = 0; i < xs.size(); ++i) leaves.emplace_back(fmt::format("input {}", i), xs[i]);
  for (auto& np : m.named_parameters()) leaves.push_back(np);
  for (auto& [_, v] : leaves) v.zero_grad();

  Var y = f(xs);
  Rng rng(opts.seed);
  const Tensor R = Tensor::uniform(y.shape(), rng, 0.5, 1.5);
  sum(mul(y, Var(R))).backward();
  auto eval = [&] {
    NoGradGuard no_grad;
    return static_cast<double>(sum_all(f(xs).value() * R));
  };
  for (auto& [name, v] : leaves) {
    const Tensor analytic = v.grad();
    Tensor& value = v.value();
    for (int64_t j = 0; j < value.numel(); ++j) {
      const real saved = value[j];
      value[j] = static_cast<real>(saved + opts.eps);
      const double plus = eval();
      value[j] = static_cast<real>(saved - opts.eps);
      const double minus = eval();
      value[j] = saved;
      const double numeric = (plus - minus) / (2 * opts.eps);
      const double a = analytic[j];
      const double err = std::abs(a - numeric) / std::max({1.0, std::abs(a), std::abs(numeric)});
      ++res.checked;
      res.max_error = std::max(res.max_error, std::isnan(err) ? INFINITY : err);
      if (res.ok && !(err <= opts.tol)) {
        res.ok = false;
        res.message = fmt::format("{}: {} index {}: analytic {:.10g} vs numeric {:.10g}", what,
                                  name, j, a, numeric);
      }
    }
  }
  return res;
}

}  // namespace s2s::testing

// Checks a result and prints the failure message.
#define S2S_CHECK_GRAD(result) \
  do {                         \
    auto r_ = (result);        \
    INFO(r_.message);          \
    CHECK(r_.ok);              \
    CHECK(r_.checked > 0);     \
  } while (0)
