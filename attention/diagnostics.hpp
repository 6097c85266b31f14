#pragma once
// Diagnostics for attention weights: is the model looking at one token, at
// everything equally, or somewhere in between?
//
//   H(a) = -Σ_i a_i log a_i   over the real tokens (0 log 0 = 0)
//   normalised entropy = H(a) / log L ∈ [0, 1]   (L = real length)
// 0 means all weight on one token, 1 means uniform. Flags:
//   collapsed: normalised < 0.1    uniform: normalised > 0.95
// A row with L = 1 has no choice to make: normalised 0, flag none.
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace s2s {

enum class WeightsFlag { none, collapsed, uniform };
const char* to_string(WeightsFlag f);  // "none", "collapsed", "uniform"

struct WeightsDiagnostics {
  double entropy = 0;     // H(a) in nats
  double normalised = 0;  // H(a) / log L
  WeightsFlag flag = WeightsFlag::none;
};

// One entry per batch row: weights (B,S), mask (B,S) with 1 = real token.
std::vector<WeightsDiagnostics> diagnose_weights(const Tensor& weights, const Tensor& mask);

}  // namespace s2s
