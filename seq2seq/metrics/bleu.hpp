#pragma once
// Corpus BLEU (Papineni et al. 2002), one reference per sentence, no smoothing.
//
//   p_n  = sum over sentences of clipped n-gram matches / hypothesis n-grams
//          ("clipped": an n-gram counts at most as often as in the reference)
//   BP   = 1 if c > r else exp(1 - r/c)   (c, r: total hypothesis/reference lengths)
//   BLEU = BP * exp( (1/N) * sum_{n=1..N} log p_n )    (geometric mean, N = 4)
// If any p_n is 0 the geometric mean, and BLEU, is 0.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace s2s {

struct BleuScore {
  double bleu = 0;  // in [0, 1]
  int max_n = 4;
  std::array<int64_t, 4> matches{};    // clipped n-gram matches, n = 1..4 at [n-1]
  std::array<int64_t, 4> totals{};     // hypothesis n-grams
  std::array<double, 4> precisions{};  // matches / totals (0 when totals is 0)
  double brevity_penalty = 0;
  int64_t hyp_len = 0, ref_len = 0;
};

BleuScore corpus_bleu(const std::vector<std::vector<std::string>>& hyps,
                      const std::vector<std::vector<std::string>>& refs, int max_n = 4);
BleuScore corpus_bleu(const std::vector<std::vector<int64_t>>& hyps,
                      const std::vector<std::vector<int64_t>>& refs, int max_n = 4);

}  // namespace s2s
