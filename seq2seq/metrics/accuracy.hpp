#pragma once
// Accuracy-style metrics on id sequences (or token strings).
#include <cstdint>
#include <string>
#include <vector>

namespace s2s {

struct AccuracyCounts {
  int64_t correct = 0, total = 0;
  double value() const { return total == 0 ? 0.0 : static_cast<double>(correct) / total; }
};

// Position-wise: for every reference position t, is pred[t] == ref[t]? A
// prediction that is too short is wrong at the missing positions; extra
// predicted tokens beyond the reference are ignored. Pass references with
// their <eos> so that stopping at the right time counts too.
AccuracyCounts token_accuracy_counts(const std::vector<std::vector<int64_t>>& pred,
                                     const std::vector<std::vector<int64_t>>& ref);
double token_accuracy(const std::vector<std::vector<int64_t>>& pred,
                      const std::vector<std::vector<int64_t>>& ref);

// Fraction of sequences predicted exactly (same length, same tokens).
double exact_match(const std::vector<std::vector<int64_t>>& pred,
                   const std::vector<std::vector<int64_t>>& ref);
double exact_match(const std::vector<std::vector<std::string>>& pred,
                   const std::vector<std::vector<std::string>>& ref);

// Levenshtein distance: the fewest insertions, deletions and substitutions
// that turn pred into ref.
int64_t edit_distance(const std::vector<int64_t>& pred, const std::vector<int64_t>& ref);
// Token error rate = Σ edit_distance / Σ |ref| (on phones: the phone error
// rate, PER). 0 is perfect; it can exceed 1 when predictions are too long.
double token_error_rate(const std::vector<std::vector<int64_t>>& pred,
                        const std::vector<std::vector<int64_t>>& ref);

// Perplexity = exp(mean negative log-likelihood per token): "the model is as
// unsure as a uniform choice among this many tokens". 1 is perfect.
double perplexity(double sum_nll, int64_t n_tokens);

}  // namespace s2s
