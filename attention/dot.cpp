#include "attention/dot.hpp"

#include <cmath>

#include "core/error.hpp"

namespace s2s {

DotScore::DotScore(int64_t Hq, int64_t Hk, bool scaled_)
    : ScoreFunction(scaled_ ? "scaled_dot" : "dot", Hq, Hk), scaled(scaled_) {
  S2S_CHECK(Hq == Hk,
            "{} score: query size Hq={} must equal key size Hk={} (use 'general' or 'additive' "
            "for different sizes)",
            name(), Hq, Hk);
}

Var DotScore::score(const Var& query, const Var& keys, const ScoreContext&) const {
  check_inputs(query, keys);
  // BEGIN EXERCISE dot-score
  Var s = keys_dot(keys, query);  // (B,S)
  if (scaled) s = s * (real(1) / std::sqrt(static_cast<real>(key_size())));
  return s;
  // END EXERCISE
}

}  // namespace s2s
