#include "nn/weight_decay.hpp"

#include <cmath>

#include "core/error.hpp"

namespace s2s {

void decay_weights(const std::vector<Var>& params, real lr, real lambda) {
  S2S_CHECK(std::isfinite(lambda) && lambda >= 0 && std::isfinite(lr) && lr * lambda < 1,
            "decay_weights: need lambda >= 0 and lr * lambda < 1, got lambda {} and lr {}", lambda,
            lr);
  if (lambda == 0) return;
  const real keep = 1 - lr * lambda;
  for (Var p : params) {  // a copy of a Var shares its node: p.value() is the parameter
    Tensor& w = p.value();
    real* x = w.data();
    for (int64_t i = 0, n = w.numel(); i < n; ++i) x[i] *= keep;
  }
}

}  // namespace s2s
