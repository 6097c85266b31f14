#pragma once
// Supervised (guided) alignment loss: push the attention weights toward a known
// gold alignment, e.g. from a word aligner (Chen et al. 2016; Mi et al. 2016).
//
//   weights a (B,T,S): the decoder's attention weights, one row per target step
//                      (stack the per-step (B,S) weights on axis 1).
//   gold    g (B,T,S): >= 0; a row of all zeros means "no link" and is skipped.
//   loss = mean over linked rows r of  -Σ_s ĝ_rs log a_rs,   ĝ_r = g_r / Σ_s g_rs
// i.e. the cross-entropy between the normalised gold row and the weights. With no
// linked row at all the loss is 0. A gold link on a position with weight exactly 0
// (e.g. padding) would be an infinite loss and is an error.
#include "core/ops.hpp"

namespace s2s {

Var alignment_loss(const Var& weights, const Tensor& gold);

}  // namespace s2s
