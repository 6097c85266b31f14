#pragma once
// The bottleneck decoder (Sutskever et al. 2014; Cho et al. 2014): the whole
// source sentence reaches the decoder only as the encoder's final state.
//
//   d_0 = encoder final state
//   d_t = cell([emb(y_{t-1}) (; d_0)], d_{t-1})     (; d_0) with feed_summary
//   logitd_t = W_out d_t + b_out
//
// However long the sentence, it must fit in one H-sized vector: the lecture's
// "bottleneck". feed_summary (Cho et al.) shows d_0 again at every step, so
// the decoder does not have to carry it through the recurrence alone.
//
// Regularisation and capacity (decoder_stack.hpp), off by default: the same step
// with dropout and stacked cells,
//   x_t = drop([drop_e(emb(y_{t-1})) (; d_0)]),  d_t = stack(x_t, ...),
//   logitd_t = W_out drop(d_t) + b_out
// "cell" is layer 1 and upper.0 .. upper.{L-2} are layers 2..L.
#include <memory>

#include "nn/embedding.hpp"
#include "nn/linear.hpp"
#include "nn/module_list.hpp"
#include "seq2seq/model/decoder.hpp"

namespace s2s {

struct BottleneckConfig {
  CellKind cell = CellKind::gru;
  int64_t vocab = 0, embed = 32, hidden = 64;
  bool feed_summary = false;
  real embed_dropout = 0;  // on emb(y_{t-1})
  real dropout = 0;        // on the cell input, between layers, on d_t before W_out
  int64_t layers = 1;      // stacked cells
};

class BottleneckDecoder : public Decoder {
 public:
  BottleneckDecoder(const BottleneckConfig& cfg, Rng& rng);
  DecoderState start(const EncoderOutput& enc) const override;
  StepOutput step(const Ids& y_prev, DecoderState& s, const EncoderOutput& enc) const override;
  bool has_attention() const override { return false; }

  Embedding embedding;
  std::unique_ptr<RecurrentCell> cell;  // layer 1
  ModuleList<RecurrentCell> upper;      // layers 2..L (empty when L = 1)
  Linear out;

 private:
  // The step with dropout or stacked layers (the lecture's step is the exercise).
  StepOutput regularised_step(const Ids& y_prev, DecoderState& s) const;
  BottleneckConfig cfg_;
};

}  // namespace s2s
