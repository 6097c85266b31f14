#pragma once
// General (bilinear) score (Luong et al. 2015):
//   score(q, k_i) = qᵀ W k_i,   W (Hq,Hk)
// W lets query and keys live in different spaces (Hq != Hk allowed). We compute
// u = qᵀ W once (B,Hk) and then u · k_i for every position.
#include "attention/score.hpp"

namespace s2s {

class GeneralScore : public ScoreFunction {
 public:
  GeneralScore(int64_t Hq, int64_t Hk, Rng& rng);
  Var score(const Var& query, const Var& keys, const ScoreContext& ctx) const override;

  Var W;  // (Hq,Hk)
};

}  // namespace s2s
