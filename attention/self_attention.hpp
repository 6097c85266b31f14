#pragma once
// Decoder self-attention (intra-attention; Cheng et al. 2016, Paulus et al. 2017):
// at decoder step t the decoder also looks back at its own earlier states, which
// helps it avoid repeating itself and keep track of what it has already said.
//
//   keys = values = [d_1, ..., d_{t-1}]   (B,t-1,H)  — strictly the *previous* states
//   c_t^dec = Σ_j a_j d_j,   a = softmax_j score(q, d_j)
//
// Causal by construction: you pass only the states computed so far. Whether the
// current state is included is your choice of list: append d_t before calling to
// attend over d_1..d_t. At t = 0 (empty list) there is nothing to attend to and the
// context is zeros (B,H), weights (B,0).
//
// Combine with the encoder context, e.g.  concat({c_enc, c_dec}, 1)  -> (B,Hv+H).
#include <vector>

#include "attention/attention.hpp"

namespace s2s {

class DecoderSelfAttention : public AttentionModule {
 public:
  // Hq: query size, H: decoder state size, A and max_len as in make_score
  // (max_len bounds the number of previous states for "location").
  DecoderSelfAttention(const std::string& score_name, int64_t Hq, int64_t H, int64_t A,
                       int64_t max_len, Rng& rng);
  // previous: d_1..d_{t-1}, each (B,H); query (B,Hq) -> context (B,H), weights (B,t-1)
  AttentionOutput forward(const std::vector<Var>& previous, const Var& query,
                          const ScoreContext& ctx = {}) const;
  // The interface's form: m holds the stacked previous states (B,t-1,H) as keys and values.
  AttentionOutput attend(const Var& query, const AttentionMemory& m, const Tensor& mask,
                         const ScoreContext& ctx = {}) const override;
  ScoreFunction& score_function() const override { return attention.score_function(); }

  int64_t state_size;
  Attention attention;
};

}  // namespace s2s
