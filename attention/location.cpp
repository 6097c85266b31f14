#include "attention/location.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

LocationScore::LocationScore(int64_t Hq, int64_t Hk, int64_t max_len, Rng& rng)
    : ScoreFunction("location", Hq, Hk), max_src_len(max_len) {
  S2S_CHECK(max_len > 0, "location score: max_src_len must be > 0, got {}", max_len);
  W_a = register_parameter("W_a", init::uniform_fan_in({max_len, Hq}, Hq, rng));
}

Var LocationScore::score(const Var& query, const Var& keys, const ScoreContext&) const {
  check_inputs(query, keys);
  const int64_t S = keys.size(1);
  S2S_CHECK(S <= max_src_len, "location score: source length S={} > max_src_len={} (keys {})", S,
            max_src_len, shape_str(keys.shape()));
  // BEGIN EXERCISE location-score
  Var all = linear(query, W_a, nullptr);  // (B,max_src_len)
  return slice(all, 1, 0, S);             // (B,S)
  // END EXERCISE
}

}  // namespace s2s
