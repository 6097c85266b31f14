#pragma once
// Greedy decoding: at each step take the single most likely next token,
//   y_t = argmax_v p(v | y_<t, x),
// and feed it back in, until <eos> or max_len. Fast, but a wrong early choice
// can never be undone (beam_search.hpp keeps several candidates).
#include "seq2seq/decoding/hypothesis.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

// One hypothesis per row of the batch. Runs without recording a graph.
std::vector<Hypothesis> greedy_decode(const Seq2Seq& model, const Batch& batch, int64_t max_len);

// Copies row b of the step weights (a list of (B,S) tensors) into (steps, len),
// undoing a reversed source. Shared by greedy and beam search.
Tensor collect_weights(const std::vector<Tensor>& per_step, int64_t row, int64_t len,
                       bool reversed);

}  // namespace s2s
