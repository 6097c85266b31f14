#pragma once
// Local attention (Luong et al. 2015): look only at a window of half-width D
// around a centre p_t, [p_t - D, p_t + D], instead of the whole source.
//
//   local-m (monotonic):  p_t = t, the decoder step (clamped to the last real token),
//                         then plain masked softmax inside the window.
//   local-p (predictive): p_t = (L - 1) · sigmoid(v_pᵀ tanh(W_p q))   with L the
//                         sequence's real length (0-based positions, so p_t ∈ (0, L-1));
//                         the weights are favoured near p_t by a Gaussian
//                         exp(-(s - p_t)² / (2σ²)), σ = D/2.
//
// Luong multiplies the softmax weights by the Gaussian, so they no longer sum to 1.
// We multiply *before* normalising — add log Gaussian = -(s - p_t)²/(2σ²) to the
// scores — so the weights stay a distribution:
//   a_s ∝ exp(e_s) · exp(-(s - p_t)² / (2σ²))   inside the window, 0 outside.
// p_t gets gradient through the Gaussian term (the window's edges are a step
// function of p_t and pass none — the same as in Luong's model).
#include "attention/attention.hpp"

namespace s2s {

enum class LocalMode { monotonic, predictive };  // local-m, local-p

class LocalAttention : public AttentionModule {
 public:
  // half_width D >= 1. predictor_size is the hidden size of the local-p position
  // predictor W_p (predictor_size,Hq); unused by local-m.
  LocalAttention(std::unique_ptr<ScoreFunction> score, LocalMode mode, int64_t half_width, Rng& rng,
                 int64_t predictor_size = 16);
  // As Attention::forward; ctx.step is t for local-m, ctx.src_lengths (optional) the
  // real lengths for local-p. out.position is p_t (B).
  AttentionOutput forward(const Var& query, const Var& keys, const Var& values, const Tensor& mask,
                          const ScoreContext& ctx = {}) const;
  // forward() with m's keys and values (keys = values = the states).
  AttentionOutput attend(const Var& query, const AttentionMemory& m, const Tensor& mask,
                         const ScoreContext& ctx = {}) const override;
  // local-p's centre: query (B,Hq), lengths (B) -> p_t (B).
  Var predict_position(const Var& query, const std::vector<int64_t>& lengths) const;

  ScoreFunction& score_function() const override { return *score_; }

  LocalMode mode;
  int64_t half_width;
  Var W_p, v_p;  // (P,Hq), (P) — local-p only

 private:
  std::unique_ptr<ScoreFunction> score_;
};

}  // namespace s2s
