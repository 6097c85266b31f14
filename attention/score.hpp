#pragma once
// Score functions: how well does each encoder position i match the decoder's
// current state? score(q, k_i) is a real number per position; softmax over the
// positions turns the scores into attention weights (attention/attention.hpp).
//
//   query q (B,Hq)   — usually the decoder state d_t
//   keys  k (B,S,Hk) — usually the encoder outputs h_1..h_S
//   -> scores (B,S)
//
// Each score function is a Module (some have parameters) in its own file:
//   dot.hpp (dot, scaled_dot), general.hpp, additive.hpp, location.hpp,
//   cosine.hpp, location_aware.hpp. score_registry.hpp lists them by name.
#include <memory>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace s2s {

// Optional extras that some score functions need; the others ignore them.
struct ScoreContext {
  // Previous decoder step's attention weights (B,S): location_aware convolves them.
  // Undefined means "no previous step" and counts as all zeros.
  Var prev_weights;
  // The decoder step t (0-based): local-m attention centres its window on it.
  int64_t step = 0;
  // Real source lengths (B). Empty: Attention derives them from the mask.
  std::vector<int64_t> src_lengths;
  // Keys projected once per sequence by ScoreFunction::project_keys (additive and
  // location_aware compute W_k k; caching it saves one (B,S,Hk)x(Hk,A) product per
  // decoder step). Undefined: the score function projects the keys itself.
  Var projected_keys;
};

class ScoreFunction : public Module {
 public:
  ScoreFunction(std::string name, int64_t query_size, int64_t key_size);
  // query (B,Hq), keys (B,S,Hk) -> scores (B,S)
  virtual Var score(const Var& query, const Var& keys, const ScoreContext& ctx) const = 0;
  // The per-sequence part of the score, computed once and passed back through
  // ctx.projected_keys at every decoder step. Undefined when there is none.
  virtual Var project_keys(const Var& keys) const;

  const std::string& name() const { return name_; }
  int64_t query_size() const { return query_size_; }
  int64_t key_size() const { return key_size_; }

 protected:
  // Throws unless query is (B,Hq) and keys is (B,S,Hk) with this function's sizes.
  void check_inputs(const Var& query, const Var& keys) const;

 private:
  std::string name_;
  int64_t query_size_, key_size_;
};

// Row-wise dot products of each key with the query: out[b,i] = k[b,i,:] · q[b,:].
// keys (B,S,H), q (B,H) -> (B,S). A batched matmul (B,S,H)@(B,H,1).
Var keys_dot(const Var& keys, const Var& q);

}  // namespace s2s
