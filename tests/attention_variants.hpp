#pragma once
// Test helper shared by tests/attention_test.cpp and tests/gradcheck/attention_gradcheck.cpp:
// every attention score function (all of score_registry()) and variant behind one call
// signature. Gradient checks reach the parameters by name (Module::named_parameters).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "attention/attention.hpp"
#include "attention/key_value.hpp"
#include "attention/local.hpp"

namespace s2s::testing {

using RunFn = std::function<AttentionOutput(const Var& query, const Var& keys, const Var& values,
                                            const Tensor& mask, const ScoreContext& ctx)>;

struct Variant {
  std::string name;
  std::unique_ptr<Module> module;
  RunFn run;           // for key_value, `keys` are the states and `values` is ignored
  int64_t Hq, Hk, Hv;  // input sizes: query (B,Hq), keys (B,S,Hk), values (B,S,Hv)
};

inline constexpr int64_t kA = 5, kMaxLen = 7;

// Query size for a score: Hk when the score needs Hq == Hk, else 3.
inline int64_t query_size_for(const std::string& score, int64_t Hk) {
  return score_registry().find(score).needs_equal_sizes ? Hk : 3;
}

inline Variant attention_variant(const std::string& score, Rng& rng) {
  const int64_t Hk = 4, Hq = query_size_for(score, Hk), Hv = 2;
  auto att = std::make_unique<Attention>(score, Hq, Hk, kA, kMaxLen, rng);
  Attention* a = att.get();
  Variant v{"attention/" + score, std::move(att), nullptr, Hq, Hk, Hv};
  v.run = [a](const Var& q, const Var& k, const Var& val, const Tensor& m, const ScoreContext& c) {
    return a->forward(q, k, val, m, c);
  };
  return v;
}

inline Variant key_value_variant(KeyValueMode mode, Rng& rng) {
  const bool split = mode == KeyValueMode::split;
  const int64_t H = 4, Dk = 2, Dv = 2, Hq = split ? 2 : 3;
  auto kv = std::make_unique<KeyValueAttention>(mode, split ? "dot" : "general", Hq, H, Dk, Dv, kA,
                                                kMaxLen, rng);
  KeyValueAttention* p = kv.get();
  Variant v{split ? "key_value/split" : "key_value/project", std::move(kv), nullptr, Hq, H, 1};
  v.run = [p](const Var& q, const Var& states, const Var&, const Tensor& m, const ScoreContext& c) {
    return p->forward(q, states, m, c);
  };
  return v;
}

inline Variant local_variant(LocalMode mode, const std::string& score, Rng& rng) {
  const int64_t Hk = 4, Hq = query_size_for(score, Hk), Hv = 2;
  auto loc = std::make_unique<LocalAttention>(make_score(score, Hq, Hk, kA, kMaxLen, rng), mode,
                                              /*D=*/1, rng, /*predictor_size=*/3);
  LocalAttention* p = loc.get();
  Variant v{(mode == LocalMode::monotonic ? "local_m/" : "local_p/") + score,
            std::move(loc),
            nullptr,
            Hq,
            Hk,
            Hv};
  v.run = [p](const Var& q, const Var& k, const Var& val, const Tensor& m, const ScoreContext& c) {
    return p->forward(q, k, val, m, c);
  };
  return v;
}

inline std::vector<Variant> all_variants(Rng& rng) {
  std::vector<Variant> out;
  for (const std::string& s : score_names()) out.push_back(attention_variant(s, rng));
  out.push_back(key_value_variant(KeyValueMode::project, rng));
  out.push_back(key_value_variant(KeyValueMode::split, rng));
  out.push_back(local_variant(LocalMode::monotonic, "dot", rng));
  out.push_back(local_variant(LocalMode::monotonic, "additive", rng));
  out.push_back(local_variant(LocalMode::predictive, "general", rng));
  out.push_back(local_variant(LocalMode::predictive, "location_aware", rng));
  return out;
}

// Mask (B,S) of 1s for the first lengths[b] positions of each row.
inline Tensor mask_from_lengths(const std::vector<int64_t>& lengths, int64_t S) {
  const int64_t B = static_cast<int64_t>(lengths.size());
  Tensor m({B, S});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < lengths[b]; ++s) m[b * S + s] = 1;
  return m;
}

// Previous-step weights (B,S) for location_aware: positive on real tokens, summing to
// 1, exactly 0 on padding — what a previous masked attention step would produce.
inline Tensor prev_weights_for(const Tensor& mask, Rng& rng) {
  const int64_t B = mask.size(0), S = mask.size(1);
  Tensor w = Tensor::uniform({B, S}, rng, 0.1, 1.0);
  for (int64_t b = 0; b < B; ++b) {
    real total = 0;
    for (int64_t s = 0; s < S; ++s) total += (w[b * S + s] *= mask[b * S + s]);
    for (int64_t s = 0; s < S; ++s) w[b * S + s] /= total;
  }
  return w;
}

}  // namespace s2s::testing
