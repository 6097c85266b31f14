#pragma once
// An ensemble at decode time: M trained models translate together. Each reads
// the source with its own encoder and keeps its own decoder state; every step
// all of them are fed the same previous token, and the search scores the next
// token by the average of their log-probabilities,
//
//   log p̄(v | y_<t, x) = (1/M) Σ_m log p_m(v | y_<t, x),
//
// used exactly where one model's log p(v | y_<t, x) would be (greedy's argmax,
// beam search's running sum). The average of logs is the log of the geometric
// mean of the M distributions, left unnormalised: a token wins only if no model
// finds it very unlikely. With M = 1 every number is the single model's, bit for
// bit (the same calls in the same order).
//
// The models may differ in anything the decoder hides behind start/step
// (cell, score function, sizes, attention or bottleneck), but they must share
// the vocabularies: the average is taken token id by token id.
#include <vector>

#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/decoding/hypothesis.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

// The models of an ensemble, not owned; at least one.
using Ensemble = std::vector<const Seq2Seq*>;

// Throws s2s::Error for an empty ensemble or target vocabulary sizes that differ.
void check_ensemble(const Ensemble& models);

// The first model with attention: its weights are the ones a hypothesis keeps
// (an ensemble has no single attention). -1 when no model has attention.
int64_t attention_source(const Ensemble& models);

// Every model's encoder output and decoder state, in the ensemble's order.
struct EnsembleState {
  std::vector<EncoderOutput> enc;
  std::vector<DecoderState> dec;
};

struct EnsembleStep {
  Tensor logp;     // (B,V) log p̄: the averaged log-probabilities
  Tensor weights;  // (B,S) a_t of attention_source(); empty when it is -1
};

// Encodes the batch with every model (encode applies each one's reverse_source).
std::vector<EncoderOutput> ensemble_encode(const Ensemble& models, const Batch& b);
// Each decoder's start on its own encoder output.
EnsembleState ensemble_start(const Ensemble& models, std::vector<EncoderOutput> enc);
// One step of every decoder on the same previous tokens y (B); averages log_softmax.
EnsembleStep ensemble_step(const Ensemble& models, const Ids& y, EnsembleState& s);
// reorder_state on every decoder state: row i = old row rows[i].
void ensemble_reorder(EnsembleState& s, const Ids& rows);

// Greedy decoding with the ensemble's scores: the loop of greedy_decode
// (greedy.hpp) with log p̄ in place of one model's log_softmax.
std::vector<Hypothesis> greedy_decode(const Ensemble& models, const Batch& batch, int64_t max_len);
// Beam search with the ensemble's scores (beam_search.hpp: the same search, and
// beam_search(model, ...) is this with an ensemble of one).
std::vector<Hypothesis> beam_search(const Ensemble& models, const Batch& batch,
                                    const BeamOptions& opts);

}  // namespace s2s
