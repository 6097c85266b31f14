#include "attention/local.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

LocalAttention::LocalAttention(std::unique_ptr<ScoreFunction> score, LocalMode mode_, int64_t D,
                               Rng& rng, int64_t P)
    : mode(mode_), half_width(D), score_(std::move(score)) {
  S2S_CHECK(score_ != nullptr, "LocalAttention: score function is null");
  S2S_CHECK(D >= 1, "LocalAttention: half_width D must be >= 1, got {}", D);
  register_module("score", *score_);
  if (mode == LocalMode::predictive) {
    S2S_CHECK(P > 0, "LocalAttention: predictor_size must be > 0, got {}", P);
    const int64_t Hq = score_->query_size();
    W_p = register_parameter("W_p", init::uniform_fan_in({P, Hq}, Hq, rng));
    v_p = register_parameter("v_p", init::uniform_fan_in({P}, P, rng));
  }
}

Var LocalAttention::predict_position(const Var& query, const std::vector<int64_t>& lengths) const {
  S2S_CHECK(mode == LocalMode::predictive, "LocalAttention: predict_position needs local-p mode");
  const int64_t B = query.size(0), P = v_p.size(0);
  S2S_CHECK(static_cast<int64_t>(lengths.size()) == B,
            "LocalAttention: {} lengths for a batch of {}", lengths.size(), B);
  Tensor last({B});  // L - 1: the largest 0-based position of each sequence
  for (int64_t b = 0; b < B; ++b) last[b] = static_cast<real>(lengths[b] - 1);
  Var z = linear(tanh(linear(query, W_p, nullptr)), reshape(v_p, {1, P}), nullptr);  // (B,1)
  return reshape(sigmoid(z), {B}) * Var(last);                                       // (B)
}

AttentionOutput LocalAttention::forward(const Var& query, const Var& keys, const Var& values,
                                        const Tensor& mask, const ScoreContext& ctx) const {
  check_attention_inputs("LocalAttention", query, keys, values, mask);
  const int64_t B = keys.size(0), S = keys.size(1);
  std::vector<int64_t> len = ctx.src_lengths.empty() ? lengths_from_mask(mask) : ctx.src_lengths;
  S2S_CHECK(static_cast<int64_t>(len.size()) == B,
            "LocalAttention: ctx.src_lengths has {} entries for a batch of {}", len.size(), B);
  for (int64_t b = 0; b < B; ++b)
    S2S_CHECK(len[b] >= 1 && len[b] <= S, "LocalAttention: length {} of row {} not in [1, S={}]",
              len[b], b, S);

  AttentionOutput out;
  out.scores = score_->score(query, keys, ctx);  // (B,S)
  Var scores = out.scores;
  if (mode == LocalMode::monotonic) {
    S2S_CHECK(ctx.step >= 0, "LocalAttention: ctx.step must be >= 0, got {}", ctx.step);
    Tensor p({B});
    for (int64_t b = 0; b < B; ++b) p[b] = static_cast<real>(std::min(ctx.step, len[b] - 1));
    out.position = Var(p);
  } else {
    // BEGIN EXERCISE local-p-window
    out.position = predict_position(query, len);  // (B)
    // log Gaussian: -(s - p_t)² / (2σ²), σ = D/2, added to the scores (see header).
    const real sigma = static_cast<real>(half_width) / 2;
    Var s = Var(Tensor::arange(S).reshape({1, S}));
    Var diff = s - reshape(out.position, {B, 1});  // (B,S)
    scores = scores + square(diff) * (real(-1) / (2 * sigma * sigma));
    // END EXERCISE
  }
  // The window is a constant mask: real tokens with |s - p_t| <= D.
  Tensor window = mask;
  for (int64_t b = 0; b < B; ++b) {
    const real p = out.position.value()[b];
    for (int64_t s = 0; s < S; ++s)
      if (std::abs(static_cast<real>(s) - p) > static_cast<real>(half_width)) window[b * S + s] = 0;
  }
  out.weights = masked_softmax(scores, window, "LocalAttention");
  out.context = weighted_sum(out.weights, values);
  return out;
}

AttentionOutput LocalAttention::attend(const Var& query, const AttentionMemory& m,
                                       const Tensor& mask, const ScoreContext& ctx) const {
  ScoreContext c = ctx;
  c.projected_keys = m.projected_keys;
  return forward(query, m.keys, m.values, mask, c);
}

}  // namespace s2s
