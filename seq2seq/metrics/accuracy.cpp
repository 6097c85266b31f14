#include "seq2seq/metrics/accuracy.hpp"

#include <cmath>

#include "core/error.hpp"

namespace s2s {

AccuracyCounts token_accuracy_counts(const std::vector<std::vector<int64_t>>& pred,
                                     const std::vector<std::vector<int64_t>>& ref) {
  S2S_CHECK(pred.size() == ref.size(), "token_accuracy: {} predictions but {} references",
            pred.size(), ref.size());
  AccuracyCounts c;
  for (size_t i = 0; i < ref.size(); ++i) {
    for (size_t t = 0; t < ref[i].size(); ++t)
      c.correct += (t < pred[i].size() && pred[i][t] == ref[i][t]) ? 1 : 0;
    c.total += static_cast<int64_t>(ref[i].size());
  }
  return c;
}

double token_accuracy(const std::vector<std::vector<int64_t>>& pred,
                      const std::vector<std::vector<int64_t>>& ref) {
  return token_accuracy_counts(pred, ref).value();
}

namespace {
template <class Tok>
double exact_match_impl(const std::vector<std::vector<Tok>>& pred,
                        const std::vector<std::vector<Tok>>& ref) {
  S2S_CHECK(pred.size() == ref.size(), "exact_match: {} predictions but {} references", pred.size(),
            ref.size());
  if (ref.empty()) return 0.0;
  int64_t hits = 0;
  for (size_t i = 0; i < ref.size(); ++i) hits += pred[i] == ref[i] ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(ref.size());
}
}  // namespace

double exact_match(const std::vector<std::vector<int64_t>>& pred,
                   const std::vector<std::vector<int64_t>>& ref) {
  return exact_match_impl(pred, ref);
}
double exact_match(const std::vector<std::vector<std::string>>& pred,
                   const std::vector<std::vector<std::string>>& ref) {
  return exact_match_impl(pred, ref);
}

double perplexity(double sum_nll, int64_t n_tokens) {
  S2S_CHECK(n_tokens > 0, "perplexity: need a positive token count, got {}", n_tokens);
  S2S_CHECK(std::isfinite(sum_nll) && sum_nll >= 0,
            "perplexity: summed NLL must be finite and >= 0, got {}", sum_nll);
  return std::exp(sum_nll / static_cast<double>(n_tokens));
}

}  // namespace s2s
