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
// Beam size 1 is exactly greedy decoding. Several models can search as one
// (ensemble.hpp): the same search on their averaged log-probabilities.
#include "seq2seq/decoding/hypothesis.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

// The search tree, for viewers (the explorer's beam tree): every hypothesis that
// was in the beam at some step. Recording it changes nothing in the search.
struct BeamNode {
  enum class Status { kept, pruned, finished };
  int64_t parent = -1;  // index in the same tree; -1: a child of <sos>
  int64_t step = 0;     // 0-based decoder step that produced `token`
  int64_t token = 0;    // target id (<eos> for a finished hypothesis)
  double log_prob = 0;  // of the whole prefix
  double score = 0;     // log_prob / length^alpha (what finished hypotheses are ranked by)
  // kept: extended at a later step; pruned: fell out of the beam (or the search ended
  // first); finished: ended with <eos>.
  Status status = Status::kept;
  bool best = false;  // on the path of the returned hypothesis
};
using BeamTree = std::vector<BeamNode>;  // at most beam_size nodes per step

struct BeamOptions {
  int64_t beam_size = 4;
  int64_t max_len = 50;
  double length_alpha = 0.6;
  std::vector<BeamTree>* trace = nullptr;  // when set: one tree per row of the batch
};

// Decodes each row of the batch separately; returns the best hypothesis per row.
std::vector<Hypothesis> beam_search(const Seq2Seq& model, const Batch& batch,
                                    const BeamOptions& opts);

}  // namespace s2s
