#include "attention/self_attention.hpp"

#include "core/error.hpp"

namespace s2s {

DecoderSelfAttention::DecoderSelfAttention(const std::string& score_name, int64_t Hq, int64_t H,
                                           int64_t A, int64_t max_len, Rng& rng)
    : state_size(H), attention(score_name, Hq, H, A, max_len, rng) {
  register_module("attention", attention);
}

AttentionOutput DecoderSelfAttention::forward(const std::vector<Var>& previous, const Var& query,
                                              const ScoreContext& ctx) const {
  S2S_CHECK(query.rank() == 2, "DecoderSelfAttention: query must be (B,Hq), got {}",
            shape_str(query.shape()));
  const int64_t B = query.size(0);
  if (previous.empty()) {  // t = 0: no earlier state, zero context
    AttentionOutput out;
    out.context = Var(Tensor::zeros({B, state_size}));
    out.weights = Var(Tensor::zeros({B, 0}));
    out.scores = out.weights;
    return out;
  }
  for (size_t j = 0; j < previous.size(); ++j)
    S2S_CHECK(previous[j].shape() == (Shape{B, state_size}),
              "DecoderSelfAttention: previous state {} must be (B,H) = {}, got {}", j,
              shape_str({B, state_size}), shape_str(previous[j].shape()));
  Tensor mask = Tensor::ones({B, static_cast<int64_t>(previous.size())});
  return attend(query, remember(stack(previous, 1)), mask, ctx);  // states (B,t-1,H)
}

AttentionOutput DecoderSelfAttention::attend(const Var& query, const AttentionMemory& m,
                                             const Tensor& mask, const ScoreContext& ctx) const {
  return attention.forward(query, m.keys, m.values, mask, ctx);
}

}  // namespace s2s
