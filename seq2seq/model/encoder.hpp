#pragma once
// Encoder: embeds the source ids and runs a (stacked, optionally
// bidirectional) RNN over them.
//
//   src (B,S) ids → embeddings (B,S,E) → RNN → outputs h_1..h_S (B,S,He)
//   He = H (unidirectional) or 2H (bidirectional: [h_fwd; h_bwd] per position)
//
// The decoder starts from the encoder's final state. A bidirectional encoder
// has two (forward and backward), so a "bridge" maps [h_fwd; h_bwd] (2H) to
// the decoder's size H: d_0 = tanh(W_bridge [h_fwd; h_bwd] + b).
#include <memory>

#include "nn/embedding.hpp"
#include "nn/linear.hpp"
#include "nn/sequence_rnn.hpp"

namespace s2s {

struct EncoderConfig {
  CellKind cell = CellKind::gru;
  int64_t vocab = 0;    // V_src
  int64_t embed = 32;   // E
  int64_t hidden = 64;  // H
  int64_t layers = 1;
  bool bidirectional = false;
  real dropout = 0;  // between stacked layers
  real embed_dropout = 0;  // on the embeddings x_1..x_S (training only)
};

struct EncoderOutput {
  Var outputs;                   // (B,S,He) h_1..h_S, zeros at padding
  Tensor mask;                   // (B,S) 1 = real token
  std::vector<int64_t> lengths;  // (B)
  RecurrentState final;          // (B,H) [+ c]: the decoder's initial state (bridged)
  std::vector<Var> step_states;  // top layer, forward direction, h_t per step (B,H)
};

class Encoder : public Module {
 public:
  Encoder(const EncoderConfig& cfg, Rng& rng);
  // src (B,S) row-major ids, lengths (B) in [1,S].
  EncoderOutput forward(const Ids& src, int64_t B, int64_t S, const std::vector<int64_t>& lengths,
                        Rng* dropout_rng = nullptr) const;
  int64_t output_size() const { return cfg_.hidden * (cfg_.bidirectional ? 2 : 1); }
  const EncoderConfig& config() const { return cfg_; }

  Embedding embedding;
  SequenceRNN rnn;

 private:
  EncoderConfig cfg_;
  std::unique_ptr<Linear> bridge_h_, bridge_c_;  // bidirectional only
};

}  // namespace s2s
