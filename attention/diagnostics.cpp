#include "attention/diagnostics.hpp"

#include <cmath>

#include "core/error.hpp"

namespace s2s {

const char* to_string(WeightsFlag f) {
  switch (f) {
    case WeightsFlag::collapsed:
      return "collapsed";
    case WeightsFlag::uniform:
      return "uniform";
    default:
      return "none";
  }
}

std::vector<WeightsDiagnostics> diagnose_weights(const Tensor& weights, const Tensor& mask) {
  S2S_CHECK(weights.rank() == 2 && mask.shape() == weights.shape(),
            "diagnose_weights: weights and mask must both be (B,S), got weights {} and mask {}",
            shape_str(weights.shape()), shape_str(mask.shape()));
  const int64_t B = weights.size(0), S = weights.size(1);
  std::vector<WeightsDiagnostics> out(static_cast<size_t>(B));
  for (int64_t b = 0; b < B; ++b) {
    double h = 0;
    int64_t L = 0;
    for (int64_t s = 0; s < S; ++s) {
      if (mask[b * S + s] == 0) continue;
      ++L;
      const double a = weights[b * S + s];
      if (a > 0) h -= a * std::log(a);
    }
    WeightsDiagnostics& d = out[b];
    d.entropy = h;
    if (L <= 1) continue;
    d.normalised = h / std::log(static_cast<double>(L));
    d.flag = d.normalised < 0.1    ? WeightsFlag::collapsed
             : d.normalised > 0.95 ? WeightsFlag::uniform
                                   : WeightsFlag::none;
  }
  return out;
}

}  // namespace s2s
