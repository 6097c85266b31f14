#pragma once
// Cosine score: content addressing of the Neural Turing Machine (Graves et al. 2014):
//   score(q, k_i) = β · cos(q', k_i),   cos(a, b) = aᵀb / (‖a‖ ‖b‖)
//   q' = W q with W (Hk,Hq) when Hq != Hk, else q' = q (no W).
//   β = exp(log_beta) > 0 is a learnable sharpness: cos lies in [-1, 1], so without
//   β the weights could never become peaked.
// Norms are guarded: ‖a‖ = √(Σ a² + ε) with ε = 1e-8, so a zero vector gives 0, not NaN.
#include "attention/score.hpp"

namespace s2s {

class CosineScore : public ScoreFunction {
 public:
  CosineScore(int64_t Hq, int64_t Hk, Rng& rng);
  Var score(const Var& query, const Var& keys, const ScoreContext& ctx) const override;

  Var W;         // (Hk,Hq) — undefined when Hq == Hk
  Var log_beta;  // (1), initialised to log 1 = 0
};

}  // namespace s2s
