#include "attention/variant.hpp"

#include "attention/key_value.hpp"
#include "attention/local.hpp"

namespace s2s {

const Registry<VariantEntry>& variant_registry() {
  using Made = std::unique_ptr<AttentionModule>;
  static const Registry<VariantEntry> r(
      "attention variant",
      {{AttentionVariant::global, "global", "all source positions, any score function",
        [](const VariantSizes& s, Rng& rng) -> Made {
          return std::make_unique<Attention>(s.score, s.Hq, s.He, s.A, s.max_src_len, rng);
        }},
       {AttentionVariant::local_m, "local-m", "a window [t-D, t+D] (Luong's monotonic local)",
        [](const VariantSizes& s, Rng& rng) -> Made {
          return std::make_unique<LocalAttention>(
              make_score(s.score, s.Hq, s.He, s.A, s.max_src_len, rng), LocalMode::monotonic,
              s.window, rng, s.A);
        }},
       {AttentionVariant::local_p, "local-p",
        "a window around a predicted position p_t, Gaussian-weighted",
        [](const VariantSizes& s, Rng& rng) -> Made {
          return std::make_unique<LocalAttention>(
              make_score(s.score, s.Hq, s.He, s.A, s.max_src_len, rng), LocalMode::predictive,
              s.window, rng, s.A);
        }},
       {AttentionVariant::key_value, "key-value",
        "keys and values are separate projections of h_i (size Hq each)",
        [](const VariantSizes& s, Rng& rng) -> Made {
          return std::make_unique<KeyValueAttention>(KeyValueMode::project, s.score, s.Hq, s.He,
                                                     s.Hq, s.Hq, s.A, s.max_src_len, rng);
        }}});
  return r;
}

const char* to_string(AttentionVariant v) { return variant_registry().at(v).name; }

AttentionVariant variant_from_name(const std::string& name) {
  return variant_registry().find(name).kind;
}

}  // namespace s2s
