#pragma once
// Additive / concat score (Bahdanau et al. 2015):
//   score(q, k_i) = vᵀ tanh(W_q q + W_k k_i)
//   W_q (A,Hq), W_k (A,Hk), v (A); A is the attention size.
// This is a one-hidden-layer MLP on [q; k_i] (W [q; k] = W_q q + W_k k). The keys'
// part W_k k_i does not depend on the decoder step: project_keys computes it once
// per sequence and the result can be passed in ScoreContext::projected_keys.
#include "attention/score.hpp"

namespace s2s {

class AdditiveScore : public ScoreFunction {
 public:
  AdditiveScore(int64_t Hq, int64_t Hk, int64_t A, Rng& rng);
  Var score(const Var& query, const Var& keys, const ScoreContext& ctx) const override;
  Var project_keys(const Var& keys) const override;  // (B,S,Hk) -> W_k k (B,S,A)

  int64_t attention_size;
  Var W_q, W_k, v;
};

// The cached W_k k if ctx has one (checked to be (B,S,A)), else fn.project_keys(keys).
// Shared by additive and location_aware.
Var keys_projected_or_computed(const ScoreFunction& fn, const Var& keys, const ScoreContext& ctx,
                               int64_t A);

// e[b,i] = vᵀ tanh(kp[b,i] + qp[b]): kp (B,S,A), qp (B,A), v (A) -> scores (B,S).
// The MLP's last two steps, shared by additive and location_aware. The engine's
// op (core/op_table.hpp): the fast engine runs it as one fused op.
Var additive_energy(const Var& kp, const Var& qp, const Var& v);

}  // namespace s2s
