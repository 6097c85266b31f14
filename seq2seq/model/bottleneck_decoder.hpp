#pragma once
// The bottleneck decoder (Sutskever et al. 2014; Cho et al. 2014): the whole
// source sentence reaches the decoder only as the encoder's final state.
//
//   s_0 = encoder final state
//   s_t = cell([emb(y_{t-1}) (; s_0)], s_{t-1})     (; s_0) with feed_summary
//   logits_t = W_out s_t + b_out
//
// However long the sentence, it must fit in one H-sized vector: the lecture's
// "bottleneck". feed_summary (Cho et al.) shows s_0 again at every step, so
// the decoder does not have to carry it through the recurrence alone.
#include <memory>

#include "nn/embedding.hpp"
#include "nn/linear.hpp"
#include "seq2seq/model/decoder.hpp"

namespace s2s {

struct BottleneckConfig {
  CellKind cell = CellKind::gru;
  int64_t vocab = 0, embed = 32, hidden = 64;
  bool feed_summary = false;
};

class BottleneckDecoder : public Decoder {
 public:
  BottleneckDecoder(const BottleneckConfig& cfg, Rng& rng);
  DecoderState start(const EncoderOutput& enc) const override;
  StepOutput step(const Ids& y_prev, DecoderState& s, const EncoderOutput& enc) const override;
  bool has_attention() const override { return false; }

  Embedding embedding;
  std::unique_ptr<RecurrentCell> cell;
  Linear out;

 private:
  BottleneckConfig cfg_;
};

}  // namespace s2s
