#include "seq2seq/metrics/accuracy.hpp"

#include <algorithm>
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

int64_t edit_distance(const std::vector<int64_t>& pred, const std::vector<int64_t>& ref) {
  // d[j] = distance between pred[0..i) and ref[0..j), one row at a time.
  std::vector<int64_t> d(ref.size() + 1);
  for (size_t j = 0; j <= ref.size(); ++j) d[j] = static_cast<int64_t>(j);
  for (size_t i = 1; i <= pred.size(); ++i) {
    int64_t diag = d[0];  // d[i-1][j-1]
    d[0] = static_cast<int64_t>(i);
    for (size_t j = 1; j <= ref.size(); ++j) {
      const int64_t up = d[j];  // d[i-1][j]
      d[j] = std::min({up + 1, d[j - 1] + 1, diag + (pred[i - 1] == ref[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return d[ref.size()];
}

double token_error_rate(const std::vector<std::vector<int64_t>>& pred,
                        const std::vector<std::vector<int64_t>>& ref) {
  S2S_CHECK(pred.size() == ref.size(), "token_error_rate: {} predictions for {} references",
            pred.size(), ref.size());
  int64_t errors = 0, total = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    errors += edit_distance(pred[i], ref[i]);
    total += static_cast<int64_t>(ref[i].size());
  }
  return total == 0 ? 0.0 : static_cast<double>(errors) / static_cast<double>(total);
}

double perplexity(double sum_nll, int64_t n_tokens) {
  S2S_CHECK(n_tokens > 0, "perplexity: need a positive token count, got {}", n_tokens);
  S2S_CHECK(std::isfinite(sum_nll) && sum_nll >= 0,
            "perplexity: summed NLL must be finite and >= 0, got {}", sum_nll);
  return std::exp(sum_nll / static_cast<double>(n_tokens));
}

}  // namespace s2s
