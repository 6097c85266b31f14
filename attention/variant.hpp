#pragma once
// The one list of attention variants: which source positions a decoder step
// looks at, and how keys and values are made. Each entry builds an
// AttentionModule (attention/attention.hpp), the one interface the decoder
// (seq2seq/model/attention_decoder.hpp) talks to; the CLI's --variant choices
// and checkpoints use the names.
#include <memory>
#include <string>

#include "attention/attention.hpp"
#include "nn/registry.hpp"

namespace s2s {

enum class AttentionVariant { global, local_m, local_p, key_value };

// What a variant is built from: a score function name and the sizes.
struct VariantSizes {
  std::string score;        // a score_registry() name
  int64_t Hq = 0, He = 0;   // query (decoder state d_t) and encoder output sizes
  int64_t A = 0;            // attention size of additive scores
  int64_t max_src_len = 0;  // bound on S for the location score
  int64_t window = 0;       // D, the half-width of local attention
};

struct VariantEntry {
  AttentionVariant kind;
  const char* name;  // on the CLI and in checkpoints
  const char* help;
  std::unique_ptr<AttentionModule> (*make)(const VariantSizes& sizes, Rng& rng);
};
const Registry<VariantEntry>& variant_registry();

const char* to_string(AttentionVariant v);                    // "global", "local-m", ...
AttentionVariant variant_from_name(const std::string& name);  // unknown names throw

}  // namespace s2s
