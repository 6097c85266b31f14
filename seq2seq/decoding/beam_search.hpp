#pragma once
// Beam search: keep the k best partial translations at every step instead of
// only the best one.
//
//   each step: extend every live hypothesis by every token, score
//              log p(y_1..y_t) = Σ log p(y_i | y_<i, x), keep the best k;
//              a hypothesis that emits <eos> is finished and set aside.
//   stop when k hypotheses are finished (or max_len), return the best finished.
//
// Length normalisation: summed log-probabilities favour short outputs (each
// token adds a negative term), so finished hypotheses are ranked by
//   score = log_prob / length^alpha      (alpha = 0: no normalisation)
// Beam size 1 is exactly greedy decoding.
#include "seq2seq/decoding/hypothesis.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

struct BeamOptions {
  int64_t beam_size = 4;
  int64_t max_len = 50;
  double length_alpha = 0.6;
};

// Decodes each row of the batch separately; returns the best hypothesis per row.
std::vector<Hypothesis> beam_search(const Seq2Seq& model, const Batch& batch,
                                    const BeamOptions& opts);

}  // namespace s2s
