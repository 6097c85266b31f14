#pragma once
// Gradient clipping by global norm: if ‖g‖ = sqrt(Σ over all parameters of
// Σ g²) exceeds max_norm, every gradient is scaled by max_norm / (‖g‖ + 1e-6).
// The direction of the update is kept; only its length is capped, which stops
// one exploding-gradient batch from wrecking an RNN's weights.
#include <vector>

#include "core/var.hpp"

namespace s2s {

// Returns the total norm before clipping (useful to log). Parameters without
// a gradient count as zero.
real clip_grad_norm(const std::vector<Var>& params, real max_norm);

}  // namespace s2s
