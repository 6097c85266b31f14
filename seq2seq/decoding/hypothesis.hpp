#pragma once
// What decoding returns for one source sentence.
#include <vector>

#include "core/tensor.hpp"

namespace s2s {

struct Hypothesis {
  std::vector<int64_t> tokens;  // target ids, without <sos>/<eos>
  double log_prob = 0;          // Σ_t log p(y_t | ...), including <eos> when produced
  double score = 0;             // what the search ranked by (log_prob, or length-normalised)
  bool finished = false;        // produced <eos> before max_len
  // Attention weights per produced token (incl. <eos>): (steps, src_len), in
  // the source's original order even when the model reads it reversed.
  // Empty for models without attention.
  Tensor weights;
};

}  // namespace s2s
