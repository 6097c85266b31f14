#pragma once
// Losses for next-token prediction. Both average over the targets that are
// not ignore_index (padding), so a batch's loss does not depend on how much
// padding it carries.
#include "core/ops.hpp"

namespace s2s {

// Cross-entropy from raw scores: mean over counted n of -log softmax(z_n)[t_n].
// logits (N,V) or (B,T,V) (flattened to (B·T,V)); targets has one id per row.
// Uses core's fused op, whose gradient is (softmax - onehot) / count.
Var cross_entropy_loss(const Var& logits, const Ids& targets, int64_t ignore_index = -100);

// Negative log-likelihood from log-probabilities (N,V), e.g. a log_softmax
// output: L = -(1/C) Σ_{n counted} logp[n, t_n]. With logp = log_softmax(z)
// this equals cross_entropy_loss(z). Composed from core ops:
//   L = -Σ logp ⊙ W,  W[n, t_n] = 1/C for counted n, else 0.
Var nll_loss(const Var& log_probs, const Ids& targets, int64_t ignore_index = -100);

}  // namespace s2s
