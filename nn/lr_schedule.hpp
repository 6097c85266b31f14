#pragma once
// Learning-rate schedules: the rate for epoch (or step) k, starting at k = 0.
// Use: opt.lr = schedule.at(epoch) before each epoch.
#include <cstdint>

#include "core/real.hpp"

namespace s2s {

// Step decay: lr_k = base · γ^⌊k / step_size⌋ (e.g. halve every 10 epochs).
struct StepDecay {
  StepDecay(real base_lr, int64_t step_size, real gamma);
  real at(int64_t k) const;
  real base_lr;
  int64_t step_size;
  real gamma;
};

// Exponential decay: lr_k = base · γ^k.
struct ExponentialDecay {
  ExponentialDecay(real base_lr, real gamma);
  real at(int64_t k) const;
  real base_lr, gamma;
};

// Decay on plateau: after `patience` validations in a row without a new best
// (lower) value, lr ← max(lr · factor, min_lr), and the count starts again.
// Use: opt.lr = plateau.update(valid_loss, opt.lr) after each validation.
struct PlateauDecay {
  PlateauDecay(real factor, int patience, real min_lr = 0);
  real update(double metric, real lr);  // the rate to use next
  real factor;
  int patience;
  real min_lr;
  double best = 1e300;
  int since_best = 0;
};

// Hold, then anneal over a budget: with p ∈ [0, 1] the share of the budget used
// (time, steps or epochs), lr = base while p < hold, then falls geometrically to
// min_lr at p = 1:  lr = base · (min_lr / base)^((p − hold) / (1 − hold)).
// A high rate first makes fast progress; the falling rate then settles into a
// minimum that the high rate's noise kept it from.
struct HoldThenAnneal {
  HoldThenAnneal(real base_lr, real min_lr, double hold);
  real at(double progress) const;
  real base_lr, min_lr;
  double hold;
};

}  // namespace s2s
