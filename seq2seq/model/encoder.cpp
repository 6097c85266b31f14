#include "seq2seq/model/encoder.hpp"

#include "core/error.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/model/decoder_stack.hpp"

namespace s2s {

namespace {
SequenceRNNOptions rnn_options(const EncoderConfig& c) {
  SequenceRNNOptions o;
  o.kind = c.cell;
  o.num_layers = c.layers;
  o.bidirectional = c.bidirectional;
  o.dropout = c.dropout;
  o.lstm_forget_bias = 1;  // a cell with a forget gate starts remembering; the others ignore it
  return o;
}
}  // namespace

Encoder::Encoder(const EncoderConfig& cfg, Rng& rng)
    : embedding(cfg.vocab, cfg.embed, rng, kPad),
      rnn(cfg.embed, cfg.hidden, rng, rnn_options(cfg)),
      cfg_(cfg) {
  register_module("embedding", embedding);
  register_module("rnn", rnn);
  if (cfg.bidirectional) {
    bridge_h_ = std::make_unique<Linear>(2 * cfg.hidden, cfg.hidden, rng);
    register_module("bridge_h", *bridge_h_);
    if (rnn.cell(0).has_cell_state()) {  // c is bridged like h
      bridge_c_ = std::make_unique<Linear>(2 * cfg.hidden, cfg.hidden, rng);
      register_module("bridge_c", *bridge_c_);
    }
  }
}

EncoderOutput Encoder::forward(const Ids& src, int64_t B, int64_t S,
                               const std::vector<int64_t>& lengths, Rng* dropout_rng) const {
  S2S_CHECK(B > 0 && S > 0, "Encoder: empty batch (B={}, S={})", B, S);
  S2S_CHECK(static_cast<int64_t>(src.size()) == B * S,
            "Encoder: {} source ids for a (B,S) = ({},{}) batch", src.size(), B, S);
  EncoderOutput out;
  out.mask = length_mask(lengths, B, S, "Encoder");  // checks lengths ∈ [1,S]
  out.lengths = lengths;
  // (B,S,E), dropped out in training (decoder_stack.hpp: the identity without an Rng)
  Var x = train_dropout(embedding.forward(src, {B, S}), cfg_.embed_dropout, dropout_rng);
  SequenceOutput r = rnn.forward(x, lengths, {}, dropout_rng);
  out.outputs = r.outputs;  // (B,S,He)
  out.step_states = std::move(r.step_states);
  // The top layer's final state(s) start the decoder: d_0.
  const size_t dirs = cfg_.bidirectional ? 2 : 1;
  const RecurrentState& fwd = r.final[r.final.size() - dirs];
  if (!cfg_.bidirectional) {
    out.final = fwd;
  } else {
    const RecurrentState& bwd = r.final.back();
    out.final.h = tanh(bridge_h_->forward(concat({fwd.h, bwd.h}, 1)));  // (B,H)
    if (bridge_c_) out.final.c = tanh(bridge_c_->forward(concat({fwd.c, bwd.c}, 1)));
  }
  return out;
}

}  // namespace s2s
