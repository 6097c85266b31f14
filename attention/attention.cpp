#include "attention/attention.hpp"

#include <limits>

#include "core/error.hpp"
#include "core/op_table.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

std::vector<int64_t> lengths_from_mask(const Tensor& mask) {
  S2S_CHECK(mask.rank() == 2, "lengths_from_mask: mask must be (B,S), got {}",
            shape_str(mask.shape()));
  const int64_t B = mask.size(0), S = mask.size(1);
  std::vector<int64_t> len(static_cast<size_t>(B), 0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s) len[b] += mask[b * S + s] != 0;
  return len;
}

Var masked_softmax(const Var& scores, const Tensor& mask, const char* who) {
  S2S_CHECK(scores.rank() == 2 && mask.shape() == scores.shape(),
            "{}: mask must have the scores' shape (B,S) {}, got mask {}", who,
            shape_str(scores.shape()), shape_str(mask.shape()));
  const std::vector<int64_t> len = lengths_from_mask(mask);
  for (size_t b = 0; b < len.size(); ++b)
    S2S_CHECK(len[b] > 0, "{}: batch row {} has no real token (mask all 0); nothing to attend to",
              who, b);
  // BEGIN EXERCISE masked-softmax
  Tensor is_pad = map(mask, [](real m) { return m == 0 ? real(1) : real(0); });
  // -inf, not a large negative number: e^{-inf} is exactly 0, so padding weights are
  // exactly 0 (the softmax guards rows that are all -inf, which we excluded above).
  Var masked = masked_fill(scores, is_pad, -std::numeric_limits<real>::infinity());
  return softmax(masked, 1);
  // END EXERCISE
}

Var weighted_sum(const Var& weights, const Var& values) {
  return engine_ops().weighted_sum(weights, values);
}

Var reference_weighted_sum(const Var& weights, const Var& values) {
  // BEGIN EXERCISE context-vector
  const int64_t B = values.size(0), S = values.size(1), Hv = values.size(2);
  // c_b = Σ_i a_bi v_bi: B one-row matrix products (1,S)@(S,Hv)
  return reshape(matmul(reshape(weights, {B, 1, S}), values), {B, Hv});  // (B,Hv)
  // END EXERCISE
}

void check_attention_inputs(const char* who, const Var& query, const Var& keys, const Var& values,
                            const Tensor& mask) {
  S2S_CHECK(query.rank() == 2, "{}: query must be (B,Hq), got {}", who, shape_str(query.shape()));
  S2S_CHECK(keys.rank() == 3, "{}: keys must be (B,S,Hk), got {}", who, shape_str(keys.shape()));
  S2S_CHECK(values.rank() == 3, "{}: values must be (B,S,Hv), got {}", who,
            shape_str(values.shape()));
  S2S_CHECK(query.size(0) == keys.size(0), "{}: batch sizes differ: query {} vs keys {}", who,
            shape_str(query.shape()), shape_str(keys.shape()));
  S2S_CHECK(keys.size(0) == values.size(0) && keys.size(1) == values.size(1),
            "{}: keys {} and values {} must share (B,S)", who, shape_str(keys.shape()),
            shape_str(values.shape()));
  S2S_CHECK(mask.shape() == (Shape{keys.size(0), keys.size(1)}),
            "{}: mask must be (B,S) of keys {}, got mask {}", who, shape_str(keys.shape()),
            shape_str(mask.shape()));
}

AttentionMemory AttentionModule::remember(const Var& states) const {
  return {states, states, Var()};
}

Attention::Attention(std::unique_ptr<ScoreFunction> score) : score_(std::move(score)) {
  S2S_CHECK(score_ != nullptr, "Attention: score function is null");
  register_module("score", *score_);
}

Attention::Attention(const std::string& score_name, int64_t Hq, int64_t Hk, int64_t A,
                     int64_t max_src_len, Rng& rng)
    : Attention(make_score(score_name, Hq, Hk, A, max_src_len, rng)) {}

AttentionOutput Attention::forward(const Var& query, const Var& keys, const Var& values,
                                   const Tensor& mask, const ScoreContext& ctx) const {
  check_attention_inputs("Attention", query, keys, values, mask);
  AttentionOutput out;
  out.scores = score_->score(query, keys, ctx);                 // (B,S)
  out.weights = masked_softmax(out.scores, mask, "Attention");  // (B,S)
  out.context = weighted_sum(out.weights, values);              // (B,Hv)
  return out;
}

AttentionMemory Attention::remember(const Var& states) const {
  return {states, states, project_keys(states)};
}

AttentionOutput Attention::attend(const Var& query, const AttentionMemory& m, const Tensor& mask,
                                  const ScoreContext& ctx) const {
  ScoreContext c = ctx;
  c.projected_keys = m.projected_keys;
  return forward(query, m.keys, m.values, mask, c);
}

}  // namespace s2s
