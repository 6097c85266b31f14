#include "seq2seq/metrics/bleu.hpp"

#include <cmath>
#include <map>

#include "core/error.hpp"

namespace s2s {

namespace {

template <class Tok>
using NgramCounts = std::map<std::vector<Tok>, int64_t>;

template <class Tok>
NgramCounts<Tok> ngrams(const std::vector<Tok>& s, size_t n) {
  NgramCounts<Tok> c;
  for (size_t i = 0; i + n <= s.size(); ++i)
    ++c[std::vector<Tok>(s.begin() + i, s.begin() + i + n)];
  return c;
}

template <class Tok>
BleuScore bleu_impl(const std::vector<std::vector<Tok>>& hyps,
                    const std::vector<std::vector<Tok>>& refs, int max_n) {
  S2S_CHECK(hyps.size() == refs.size(), "corpus_bleu: {} hypotheses but {} references", hyps.size(),
            refs.size());
  S2S_CHECK(max_n >= 1 && max_n <= 4, "corpus_bleu: max_n must be in [1, 4], got {}", max_n);
  BleuScore s;
  s.max_n = max_n;
  for (size_t i = 0; i < hyps.size(); ++i) {
    s.hyp_len += static_cast<int64_t>(hyps[i].size());
    s.ref_len += static_cast<int64_t>(refs[i].size());
    for (int n = 1; n <= max_n; ++n) {
      auto h = ngrams(hyps[i], static_cast<size_t>(n));
      auto r = ngrams(refs[i], static_cast<size_t>(n));
      for (const auto& [g, count] : h) {
        auto it = r.find(g);
        s.matches[n - 1] += it == r.end() ? 0 : std::min(count, it->second);  // clipping
        s.totals[n - 1] += count;
      }
    }
  }
  // BEGIN EXERCISE bleu
  double log_sum = 0;
  bool any_zero = false;
  for (int n = 0; n < max_n; ++n) {
    s.precisions[n] = s.totals[n] == 0 ? 0.0 : static_cast<double>(s.matches[n]) / s.totals[n];
    if (s.precisions[n] == 0)
      any_zero = true;
    else
      log_sum += std::log(s.precisions[n]);
  }
  if (s.hyp_len == 0)
    s.brevity_penalty = 0;
  else if (s.hyp_len > s.ref_len)
    s.brevity_penalty = 1;
  else
    s.brevity_penalty = std::exp(1.0 - static_cast<double>(s.ref_len) / s.hyp_len);
  s.bleu = any_zero ? 0.0 : s.brevity_penalty * std::exp(log_sum / max_n);
  // END EXERCISE
  return s;
}

}  // namespace

BleuScore corpus_bleu(const std::vector<std::vector<std::string>>& hyps,
                      const std::vector<std::vector<std::string>>& refs, int max_n) {
  return bleu_impl(hyps, refs, max_n);
}
BleuScore corpus_bleu(const std::vector<std::vector<int64_t>>& hyps,
                      const std::vector<std::vector<int64_t>>& refs, int max_n) {
  return bleu_impl(hyps, refs, max_n);
}

}  // namespace s2s
