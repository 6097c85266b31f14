#include "attention/score_registry.hpp"

#include "attention/additive.hpp"
#include "attention/cosine.hpp"
#include "attention/dot.hpp"
#include "attention/general.hpp"
#include "attention/location.hpp"
#include "attention/location_aware.hpp"

namespace s2s {

using Made = std::unique_ptr<ScoreFunction>;

Registry<ScoreEntry>& score_registry() {
  // One row per score function, in teaching order.
  static Registry<ScoreEntry> r(
      "score function",
      {
          {"dot", "e_i = q·k_i (Luong et al. 2015)",
           [](const ScoreSizes& s, Rng&) -> Made {
             return std::make_unique<DotScore>(s.Hq, s.Hk, /*scaled=*/false);
           },
           true},
          {"scaled_dot", "e_i = q·k_i / sqrt(Hk) (Vaswani et al. 2017)",
           [](const ScoreSizes& s, Rng&) -> Made {
             return std::make_unique<DotScore>(s.Hq, s.Hk, /*scaled=*/true);
           },
           true},
          {"general", "e_i = qᵀ W k_i (Luong: general)",
           [](const ScoreSizes& s, Rng& rng) -> Made {
             return std::make_unique<GeneralScore>(s.Hq, s.Hk, rng);
           }},
          {"additive", "e_i = v·tanh(W_q q + W_k k_i) (Bahdanau et al. 2015: concat)",
           [](const ScoreSizes& s, Rng& rng) -> Made {
             return std::make_unique<AdditiveScore>(s.Hq, s.Hk, s.A, rng);
           }},
          {"location", "e = W_a q, no look at k_i (Luong: location)",
           [](const ScoreSizes& s, Rng& rng) -> Made {
             return std::make_unique<LocationScore>(s.Hq, s.Hk, s.max_src_len, rng);
           }},
          {"cosine", "e_i = cos(q, k_i) · scale (Graves et al. 2014)",
           [](const ScoreSizes& s, Rng& rng) -> Made {
             return std::make_unique<CosineScore>(s.Hq, s.Hk, rng);
           }},
          {"location_aware",
           "additive + a convolution of the previous weights (Chorowski et al. 2015)",
           [](const ScoreSizes& s, Rng& rng) -> Made {
             return std::make_unique<LocationAwareScore>(s.Hq, s.Hk, s.A, rng);
           }},
      });
  return r;
}

std::vector<std::string> score_names() { return score_registry().names(); }

std::unique_ptr<ScoreFunction> make_score(const std::string& name, int64_t Hq, int64_t Hk,
                                          int64_t A, int64_t max_src_len, Rng& rng) {
  return score_registry().find(name).make({Hq, Hk, A, max_src_len}, rng);
}

}  // namespace s2s
