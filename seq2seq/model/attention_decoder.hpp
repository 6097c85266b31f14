#pragma once
// The attention decoder (Bahdanau et al. 2015; Luong et al. 2015): at every
// step t a fresh context vector, the weighted average of the encoder outputs,
//   a_t = softmax(score(query, h_1..h_S)),   c_t = Σ_i a_t,i h_i
// so no single vector has to hold the whole sentence.
//
// Where the context enters the decoder (AttentionConfig::placement, placement.hpp):
// d_t is the decoder state (the lecture's name; DecoderState::rnn.h in the code).
//   input          (Bahdanau) c_t from d_{t-1} joins the RNN input:
//                  d_t = cell([emb(y_{t-1}); c_t], d_{t-1}),  h̃_t = tanh(W_c [c_t; d_t])
//   output         (Luong) the RNN runs first, c_t from d_t joins the output:
//                  d_t = cell(emb(y_{t-1}), d_{t-1}),  h̃_t = tanh(W_c [c_t; d_t])
//   both           input as in Bahdanau and a second attention from d_t at the output
//   input_feeding  (Luong) as output, and h̃_{t-1} joins the next input:
//                  d_t = cell([emb(y_{t-1}); h̃_{t-1}], d_{t-1})
// then logits_t = W_out h̃_t + b_out.
//
// Regularisation and capacity (decoder_stack.hpp): embed_dropout on emb(y_{t-1});
// dropout on the cell's whole input, between stacked layers, and on h̃_t before
// W_out (h̃_{t-1} is fed back undropped, and dropped as part of the next input);
// with layers L > 1, "cell" is layer 1, upper.0 .. upper.{L-2} are layers 2..L,
// and the top layer's d_t queries the attention ("input" placements: d_{t-1} of
// the top layer).
//
// Which attention: AttentionConfig::variant, an entry of variant_registry()
// (attention/variant.cpp), scoring with AttentionConfig::score, an entry of
// score_registry() (attention/score_registry.cpp). Every variant is an
// AttentionModule, so the decoder never asks which one it holds.
// self_attention adds a context over the decoder's own previous states d_1..d_{t-1}.
#include <memory>

#include "attention/attention.hpp"
#include "attention/self_attention.hpp"
#include "attention/variant.hpp"
#include "nn/embedding.hpp"
#include "nn/linear.hpp"
#include "nn/module_list.hpp"
#include "seq2seq/model/decoder.hpp"
#include "seq2seq/model/placement.hpp"

namespace s2s {

struct AttentionConfig {
  std::string score = "general";  // a score_registry() name (attention/score_registry.hpp)
  AttentionVariant variant = AttentionVariant::global;
  Placement placement = Placement::output;
  int64_t window = 3;          // D, the half-width of local attention
  int64_t attention_size = 0;  // A for additive scores; 0 = hidden size
  int64_t max_src_len = 64;    // bound on S for the "location" score
  bool self_attention = false;
};

struct AttentionDecoderConfig {
  CellKind cell = CellKind::gru;
  int64_t vocab = 0, embed = 32, hidden = 64;
  int64_t enc_size = 64;  // He: size of the encoder outputs
  AttentionConfig attn;
  real embed_dropout = 0;  // on emb(y_{t-1})
  real dropout = 0;        // on the cell input, between layers, on h̃_t before W_out
  int64_t layers = 1;      // stacked cells
};

class AttentionDecoder : public Decoder {
 public:
  AttentionDecoder(const AttentionDecoderConfig& cfg, Rng& rng);
  DecoderState start(const EncoderOutput& enc) const override;
  StepOutput step(const Ids& y_prev, DecoderState& s, const EncoderOutput& enc) const override;
  bool has_attention() const override { return true; }
  const AttentionDecoderConfig& config() const { return cfg_; }
  const AttentionModule* attention(bool input_side = false) const override {
    return input_side ? attn_in_.get() : attn_out_.get();
  }
  const DecoderSelfAttention* self_attention() const override { return self_attn_.get(); }

  Embedding embedding;
  std::unique_ptr<RecurrentCell> cell;  // layer 1
  ModuleList<RecurrentCell> upper;      // layers 2..L (empty when L = 1)
  Linear combine;  // W_c: [c; d (; c_self)] → h̃
  Linear out;      // W_out: h̃ → logits

 private:
  // Runs one attention module with the decoder's query (B,H).
  AttentionOutput run_attention(const AttentionModule& which, const Var& query,
                                const DecoderState& s, const EncoderOutput& enc) const;
  std::unique_ptr<AttentionModule> make_attention(Rng& rng) const;
  // The module whose memory start() keeps: the output side's, else the input side's.
  const AttentionModule& primary() const { return attn_out_ ? *attn_out_ : *attn_in_; }

  AttentionDecoderConfig cfg_;
  int64_t value_size_;
  std::unique_ptr<AttentionModule> attn_in_, attn_out_;  // input side / output side
  std::unique_ptr<DecoderSelfAttention> self_attn_;
};

}  // namespace s2s
