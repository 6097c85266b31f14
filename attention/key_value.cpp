#include "attention/key_value.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

KeyValueAttention::KeyValueAttention(KeyValueMode mode_, const std::string& score_name, int64_t Hq,
                                     int64_t H, int64_t Dk, int64_t Dv, int64_t A,
                                     int64_t max_src_len, Rng& rng)
    : mode(mode_),
      state_size(H),
      key_size(Dk),
      value_size(Dv),
      attention(score_name, Hq, Dk, A, max_src_len, rng) {
  S2S_CHECK(H > 0 && Dk > 0 && Dv > 0,
            "KeyValueAttention: sizes must be > 0, got H={} key_size={} value_size={}", H, Dk, Dv);
  if (mode == KeyValueMode::split) {
    S2S_CHECK(Dk + Dv == H,
              "KeyValueAttention (split): key_size {} + value_size {} must equal state size H={}",
              Dk, Dv, H);
  } else {
    W_K = register_parameter("W_K", init::uniform_fan_in({Dk, H}, H, rng));
    W_V = register_parameter("W_V", init::uniform_fan_in({Dv, H}, H, rng));
  }
  register_module("attention", attention);
}

std::pair<Var, Var> KeyValueAttention::keys_values(const Var& states) const {
  S2S_CHECK(states.rank() == 3 && states.size(2) == state_size,
            "KeyValueAttention: states must be (B,S,{}), got {}", state_size,
            shape_str(states.shape()));
  // BEGIN EXERCISE key-value
  if (mode == KeyValueMode::split) {
    std::vector<Var> kv = split(states, {key_size, value_size}, 2);
    return {kv[0], kv[1]};
  }
  return {linear(states, W_K, nullptr), linear(states, W_V, nullptr)};
  // END EXERCISE
}

AttentionOutput KeyValueAttention::forward(const Var& query, const Var& states, const Tensor& mask,
                                           const ScoreContext& ctx) const {
  auto [keys, values] = keys_values(states);
  return attention.forward(query, keys, values, mask, ctx);
}

AttentionMemory KeyValueAttention::remember(const Var& states) const {
  auto [keys, values] = keys_values(states);
  return {keys, values, Var()};
}

AttentionOutput KeyValueAttention::attend(const Var& query, const AttentionMemory& m,
                                          const Tensor& mask, const ScoreContext& ctx) const {
  return attention.attend(query, m, mask, ctx);
}

}  // namespace s2s
