#include "nn/lr_schedule.hpp"

#include <cmath>

#include "core/error.hpp"

namespace s2s {

StepDecay::StepDecay(real base, int64_t size, real g) : base_lr(base), step_size(size), gamma(g) {
  S2S_CHECK(base > 0 && size > 0 && g > 0,
            "StepDecay: base_lr, step_size and gamma must be > 0, got {}, {}, {}", base, size, g);
}

real StepDecay::at(int64_t k) const {
  S2S_CHECK(k >= 0, "StepDecay: epoch must be >= 0, got {}", k);
  return static_cast<real>(base_lr * std::pow(static_cast<double>(gamma), k / step_size));
}

ExponentialDecay::ExponentialDecay(real base, real g) : base_lr(base), gamma(g) {
  S2S_CHECK(base > 0 && g > 0, "ExponentialDecay: base_lr and gamma must be > 0, got {}, {}", base,
            g);
}

real ExponentialDecay::at(int64_t k) const {
  S2S_CHECK(k >= 0, "ExponentialDecay: epoch must be >= 0, got {}", k);
  return static_cast<real>(base_lr * std::pow(static_cast<double>(gamma), static_cast<double>(k)));
}

}  // namespace s2s
