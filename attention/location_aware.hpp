#pragma once
// Location-aware score (Chorowski et al. 2015, attention-based speech recognition):
//   f = F * α_{t-1}                      convolve the previous step's weights
//   score(q, k_i) = vᵀ tanh(W_q q + W_k k_i + U f_i)
//   F (C,w): C filters of odd width w;  U (A,C);  W_q (A,Hq);  W_k (A,Hk);  v (A).
// f_i (C) tells position i where the previous step looked nearby, so the model
// can learn "move forward a little" — useful for monotonic alignments.
//
// The convolution is cross-correlation with zero padding w/2 on each side, so f has
// the same length S as α:   f[b,i,c] = Σ_j F[c,j] · α[b, i + j - w/2]   (0 outside).
// It is composed from core ops ("im2col"): pad α with zeros, stack the w shifted
// slices into patches (B,S,w), then patches Fᵀ -> (B,S,C). Gradients flow to F and
// to α_{t-1} through those ops.
#include "attention/score.hpp"

namespace s2s {

class LocationAwareScore : public ScoreFunction {
 public:
  LocationAwareScore(int64_t Hq, int64_t Hk, int64_t A, Rng& rng, int64_t num_filters = 8,
                     int64_t filter_width = 5);
  // ctx.prev_weights (B,S); undefined = zeros (first decoder step).
  Var score(const Var& query, const Var& keys, const ScoreContext& ctx) const override;
  Var project_keys(const Var& keys) const override;  // (B,S,Hk) -> W_k k (B,S,A)
  // f = F * α: prev_weights (B,S) -> location features (B,S,C).
  Var convolve(const Var& prev_weights) const;

  int64_t attention_size, num_filters, filter_width;
  Var W_q, W_k, v, F, U;
};

}  // namespace s2s
