#include "attention/general.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

GeneralScore::GeneralScore(int64_t Hq, int64_t Hk, Rng& rng) : ScoreFunction("general", Hq, Hk) {
  W = register_parameter("W", init::uniform_fan_in({Hq, Hk}, Hk, rng));
}

Var GeneralScore::score(const Var& query, const Var& keys, const ScoreContext&) const {
  check_inputs(query, keys);
  // BEGIN EXERCISE general-score
  Var u = matmul(query, W);  // (B,Hq)@(Hq,Hk) -> (B,Hk): u = qᵀ W
  return keys_dot(keys, u);  // (B,S): u · k_i
  // END EXERCISE
}

}  // namespace s2s
