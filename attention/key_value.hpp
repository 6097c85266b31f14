#pragma once
// Key-value attention (Daniluk et al. 2017; the K/V split of Vaswani et al. 2017).
// One encoder state h_i has two jobs in plain attention: be compared with the query
// (key) and be averaged into the context (value). Here they get separate vectors:
//   project: k_i = W_K h_i (key_size),  v_i = W_V h_i (value_size)
//   split:   h_i = [k_i; v_i]  (first key_size entries, then value_size entries)
// Keys go to the score function, values are averaged with the weights.
#include "attention/attention.hpp"

namespace s2s {

enum class KeyValueMode { project, split };

class KeyValueAttention : public AttentionModule {
 public:
  // states (B,S,H). split needs key_size + value_size == H.
  KeyValueAttention(KeyValueMode mode, const std::string& score_name, int64_t Hq, int64_t H,
                    int64_t key_size, int64_t value_size, int64_t A, int64_t max_src_len, Rng& rng);
  // states (B,S,H) -> {keys (B,S,key_size), values (B,S,value_size)}; once per sequence.
  std::pair<Var, Var> keys_values(const Var& states) const;
  // query (B,Hq), states (B,S,H), mask (B,S) -> context (B,value_size)
  AttentionOutput forward(const Var& query, const Var& states, const Tensor& mask,
                          const ScoreContext& ctx = {}) const;
  // keys_values(states), once per sequence.
  AttentionMemory remember(const Var& states) const override;
  // The inner attention over m's keys and values.
  AttentionOutput attend(const Var& query, const AttentionMemory& m, const Tensor& mask,
                         const ScoreContext& ctx = {}) const override;
  ScoreFunction& score_function() const override { return attention.score_function(); }

  KeyValueMode mode;
  int64_t state_size, key_size, value_size;
  Attention attention;
  Var W_K, W_V;  // (key_size,H), (value_size,H); undefined in split mode
};

}  // namespace s2s
