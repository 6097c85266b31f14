#pragma once
// Seq2Seq: an encoder, a decoder, and the training loss.
//
//   loss = mean over real target tokens of -log p(y_t | y_<t, x)
//   (with label smoothing ε: of -Σ_v q_v log p(v | y_<t, x), q = (1-ε) onehot(y_t) + ε/V)
//
// With teacher forcing the decoder's input at step t is the gold y_{t-1};
// with ratio r < 1, each step uses the model's own previous prediction
// instead with probability 1 - r (so it practises recovering from mistakes).
#include <memory>

#include "seq2seq/data/batch.hpp"
#include "seq2seq/model/attention_decoder.hpp"
#include "seq2seq/model/bottleneck_decoder.hpp"

namespace s2s {

struct ModelConfig {
  CellKind cell = CellKind::gru;  // encoder and decoder (nn/recurrent_cell.hpp)
  int64_t src_vocab = 0, tgt_vocab = 0;
  int64_t embed = 32, hidden = 64;
  int64_t layers = 1;  // encoder layers
  bool bidirectional = false;
  real dropout = 0;  // between stacked encoder layers
  // Regularisation and capacity (issue 25); the defaults are the model without them.
  real embed_dropout = 0;       // on the source and target embeddings
  real decoder_dropout = 0;     // on each decoder layer's input and the output layer's input
  int64_t decoder_layers = 1;   // stacked decoder cells; attention reads the top one
  bool attention = true;        // false: the bottleneck model
  AttentionConfig attn;         // used when attention is true
  bool feed_summary = false;    // bottleneck: show d_0 at every step
  bool reverse_source = false;  // read the source backwards (Sutskever et al. 2014)
  uint64_t seed = 1;            // initialisation
};

struct ForwardOutput {
  Var loss;                  // scalar: mean cross-entropy over real target tokens
  std::vector<Var> weights;  // per target step a_t (B,S); empty without attention
  int64_t tokens = 0;        // real target tokens counted in the loss
};

class Seq2Seq : public Module {
  ModelConfig cfg_;
  Rng init_rng_;  // initialisation only; declared first so it exists before the modules

 public:
  explicit Seq2Seq(const ModelConfig& cfg);
  // Teacher-forced loss over a batch. rng is needed when teacher_forcing < 1
  // or when dropout is on in training mode. label_smoothing ε > 0: the loss is the
  // cross-entropy with smoothed targets (nn/label_smoothing.hpp), for training.
  ForwardOutput forward(const Batch& b, real teacher_forcing = 1, Rng* rng = nullptr,
                        real label_smoothing = 0) const;
  // The encoder pass (applies reverse_source).
  EncoderOutput encode(const Batch& b, Rng* rng = nullptr) const;

  const ModelConfig& config() const { return cfg_; }
  std::string describe() const;  // e.g. "gru, H=64, attention: general/global/output"

  Encoder encoder;
  std::unique_ptr<Decoder> decoder;
};

// The source ids of a batch as the encoder reads them: reversed within each
// row's real length when `reverse` is set (padding stays at the end).
Ids encoder_source(const Batch& b, bool reverse);

}  // namespace s2s
