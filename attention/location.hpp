#pragma once
// Location-based score (Luong et al. 2015):
//   scores = W_a q,   W_a (max_src_len,Hq)  -> one score per source *position*
// The scores come from the query alone: the model learns where to look (e.g.
// "near the start") but not what it finds there. The (B,max_src_len) scores are
// sliced to the first S positions; positions beyond each sequence's real length
// are removed later by the attention mask. S > max_src_len is an error.
#include "attention/score.hpp"

namespace s2s {

class LocationScore : public ScoreFunction {
 public:
  LocationScore(int64_t Hq, int64_t Hk, int64_t max_src_len, Rng& rng);
  Var score(const Var& query, const Var& keys, const ScoreContext& ctx) const override;

  int64_t max_src_len;
  Var W_a;  // (max_src_len,Hq)
};

}  // namespace s2s
