#include "seq2seq/metrics/alignment.hpp"

#include <set>

#include "core/error.hpp"

namespace s2s {

Links alignment_from_attention(const Tensor& attn, int64_t src_len, int64_t tgt_len) {
  S2S_CHECK(attn.rank() == 2, "alignment_from_attention: expected (T,S) weights, got shape {}",
            shape_str(attn.shape()));
  const int64_t T = attn.size(0), S = attn.size(1);
  if (src_len < 0) src_len = S;
  if (tgt_len < 0) tgt_len = T;
  S2S_CHECK(src_len >= 1 && src_len <= S && tgt_len <= T,
            "alignment_from_attention: src_len {} / tgt_len {} do not fit weights {}", src_len,
            tgt_len, shape_str(attn.shape()));
  Links out;
  for (int64_t t = 0; t < tgt_len; ++t) {
    int64_t best = 0;
    for (int64_t s = 1; s < src_len; ++s)
      if (attn[t * S + s] > attn[t * S + best]) best = s;
    out.emplace_back(static_cast<int>(best), static_cast<int>(t));
  }
  return out;
}

namespace {
struct AerCounts {
  int64_t both = 0, a = 0, g = 0;
};
AerCounts aer_counts(const Links& predicted, const Links& gold) {
  std::set<std::pair<int, int>> A(predicted.begin(), predicted.end());  // duplicates count once
  std::set<std::pair<int, int>> G(gold.begin(), gold.end());
  AerCounts c{0, static_cast<int64_t>(A.size()), static_cast<int64_t>(G.size())};
  for (const auto& l : A) c.both += G.count(l) ? 1 : 0;
  return c;
}
double aer_from(const AerCounts& c) {
  return c.a + c.g == 0 ? 0.0 : 1.0 - 2.0 * static_cast<double>(c.both) / (c.a + c.g);
}
}  // namespace

double alignment_error_rate(const Links& predicted, const Links& gold) {
  return aer_from(aer_counts(predicted, gold));
}

double corpus_aer(const std::vector<Links>& predicted, const std::vector<Links>& gold) {
  S2S_CHECK(predicted.size() == gold.size(), "corpus_aer: {} predicted sentences but {} gold",
            predicted.size(), gold.size());
  AerCounts total;
  for (size_t i = 0; i < gold.size(); ++i) {
    AerCounts c = aer_counts(predicted[i], gold[i]);
    total.both += c.both;
    total.a += c.a;
    total.g += c.g;
  }
  return aer_from(total);
}

}  // namespace s2s
