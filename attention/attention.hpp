#pragma once
// Attention: a new context vector at every decoder step.
//
//   e_i = score(q, k_i)                      scores     (B,S)   any ScoreFunction
//   a   = softmax(e masked to real tokens)   weights    (B,S)   a_i >= 0, Σ_i a_i = 1
//   c   = Σ_i a_i v_i                        context    (B,Hv)  weighted average of values
//
// Padding: the mask (B,S) has 1 for a real token and 0 for padding. Masked scores
// are set to -inf before the softmax, so e^{-inf} = 0 makes their weights exactly 0
// and padding never changes the real positions' outputs. A row without any real
// token has nothing to attend to and is an error (instead of a silent NaN).
//
// Every variant (global Attention here, LocalAttention, KeyValueAttention,
// DecoderSelfAttention) is an AttentionModule: once per source sequence it
// remembers what it attends over, then at each decoder step it attends with the
// query d_t. The decoder holds one AttentionModule and never asks which variant.
#include <memory>

#include "attention/score_registry.hpp"

namespace s2s {

struct AttentionOutput {
  Var context;   // (B,Hv)
  Var weights;   // (B,S), 0 on padding
  Var scores;    // (B,S), before masking
  Var position;  // (B) window centre p_t of local attention; undefined otherwise
};

// softmax over S of scores (B,S) with masked (mask == 0) positions forced to weight 0.
// Throws if mask is not (B,S) or a row has no real token. `who` names the caller in errors.
Var masked_softmax(const Var& scores, const Tensor& mask, const char* who = "attention");
// c[b] = Σ_i weights[b,i] values[b,i,:]: (B,S),(B,S,Hv) -> (B,Hv), composed as B
// one-row products (1,S)@(S,Hv). The engine's op (core/op_table.hpp): the fast
// engine runs it as one fused op.
Var weighted_sum(const Var& weights, const Var& values);
// Number of real tokens (mask != 0) in each row of mask (B,S).
std::vector<int64_t> lengths_from_mask(const Tensor& mask);
// Throws unless query (B,Hq), keys (B,S,Hk), values (B,S,Hv), mask (B,S) agree.
void check_attention_inputs(const char* who, const Var& query, const Var& keys, const Var& values,
                            const Tensor& mask);

// What a module attends over, computed once per source sequence.
struct AttentionMemory {
  Var keys;            // (B,S,Hk) k_i
  Var values;          // (B,S,Hv) v_i
  Var projected_keys;  // the score's key projection (undefined if it has none or is not cached)
};

// The one interface of the attention variants (attention/variant.hpp builds them).
class AttentionModule : public Module {
 public:
  // Once per sequence: states h_1..h_S (B,S,H) -> keys and values.
  // By default keys = values = states; a variant with its own keys (key-value) or a
  // cached key projection (global attention) overrides it.
  virtual AttentionMemory remember(const Var& states) const;
  // One decoder step: query d_t (B,Hq) over memory m, mask (B,S) -> context (B,Hv), weights (B,S)
  virtual AttentionOutput attend(const Var& query, const AttentionMemory& m, const Tensor& mask,
                                 const ScoreContext& ctx = {}) const = 0;
  virtual ScoreFunction& score_function() const = 0;
};

class Attention : public AttentionModule {
 public:
  explicit Attention(std::unique_ptr<ScoreFunction> score);
  // Shortcut for Attention(make_score(score_name, Hq, Hk, A, max_src_len, rng)).
  Attention(const std::string& score_name, int64_t Hq, int64_t Hk, int64_t A, int64_t max_src_len,
            Rng& rng);

  // query (B,Hq), keys (B,S,Hk), values (B,S,Hv), mask (B,S) -> context (B,Hv), weights (B,S)
  AttentionOutput forward(const Var& query, const Var& keys, const Var& values, const Tensor& mask,
                          const ScoreContext& ctx = {}) const;
  // Once per source sequence: the score's key projection (undefined if it has none).
  // Store it in ScoreContext::projected_keys for every decoder step.
  Var project_keys(const Var& keys) const { return score_->project_keys(keys); }

  // keys = values = states, and the score's key projection, once per sequence.
  AttentionMemory remember(const Var& states) const override;
  // forward() with m's keys, values and projected keys.
  AttentionOutput attend(const Var& query, const AttentionMemory& m, const Tensor& mask,
                         const ScoreContext& ctx = {}) const override;
  ScoreFunction& score_function() const override { return *score_; }

 private:
  std::unique_ptr<ScoreFunction> score_;
};

}  // namespace s2s
