#pragma once
// Dot-product score (Luong et al. 2015), no parameters:
//   dot:        score(q, k_i) = qᵀ k_i
//   scaled_dot: score(q, k_i) = qᵀ k_i / √d   (d = Hk; Vaswani et al. 2017)
// Needs Hq == Hk. Why scale: for random q, k with unit-variance entries, qᵀk has
// variance d, so large d pushes softmax into saturation (tiny gradients); the 1/√d
// factor brings the variance back to 1.
#include "attention/score.hpp"

namespace s2s {

class DotScore : public ScoreFunction {
 public:
  DotScore(int64_t Hq, int64_t Hk, bool scaled);
  Var score(const Var& query, const Var& keys, const ScoreContext& ctx) const override;

  bool scaled;
};

}  // namespace s2s
