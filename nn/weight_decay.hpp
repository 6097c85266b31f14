#pragma once
// Decoupled weight decay (Loshchilov & Hutter 2019, "AdamW"): every update first
// shrinks each parameter towards zero, apart from its gradient,
//   θ ← θ - lr · λ · θ = (1 - lr·λ) θ
// and then the optimiser (Adam) moves it as usual. Added to the loss as λ/2 ‖θ‖²
// instead, the decay would pass through Adam's per-parameter scaling, which
// undoes it for parameters with small gradients; decoupled, every parameter
// shrinks at the same rate. This is PyTorch's AdamW(weight_decay=λ) over all the
// parameters it is given. A separate step: the optimiser's update is unchanged.
#include <vector>

#include "core/var.hpp"

namespace s2s {

// params ← (1 - lr·λ) params, values only (no graph, no gradient). λ >= 0 and
// lr·λ < 1 (otherwise the parameters would flip sign).
void decay_weights(const std::vector<Var>& params, real lr, real lambda);

}  // namespace s2s
