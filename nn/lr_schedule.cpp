#include "nn/lr_schedule.hpp"

#include <algorithm>
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

PlateauDecay::PlateauDecay(real factor_, int patience_, real min_lr_)
    : factor(factor_), patience(patience_), min_lr(min_lr_) {}

real PlateauDecay::update(double metric, real lr) {
  if (metric < best) {
    best = metric;
    since_best = 0;
    return lr;
  }
  if (++since_best < patience) return lr;
  since_best = 0;
  return std::max(lr * factor, min_lr);
}

HoldThenAnneal::HoldThenAnneal(real base, real min, double h)
    : base_lr(base), min_lr(min), hold(h) {
  S2S_CHECK(base > 0 && min > 0 && min <= base && h >= 0 && h < 1,
            "HoldThenAnneal: need 0 < min_lr <= base_lr and 0 <= hold < 1, got base {}, min {}, "
            "hold {}",
            base, min, h);
}

real HoldThenAnneal::at(double p) const {
  p = std::clamp(p, 0.0, 1.0);
  if (p <= hold) return base_lr;
  const double x = (p - hold) / (1 - hold);
  return static_cast<real>(base_lr * std::pow(static_cast<double>(min_lr) / base_lr, x));
}

}  // namespace s2s
