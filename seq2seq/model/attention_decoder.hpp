#pragma once
// The attention decoder (Bahdanau et al. 2015; Luong et al. 2015): at every
// step t a fresh context vector, the weighted average of the encoder outputs,
//   a_t = softmax(score(query, h_1..h_S)),   c_t = Σ_i a_t,i h_i
// so no single vector has to hold the whole sentence.
//
// Where the context enters the decoder (AttentionConfig::placement, placement.hpp):
//   input          (Bahdanau) c_t from s_{t-1} joins the RNN input:
//                  s_t = cell([emb(y_{t-1}); c_t], s_{t-1}),  h̃_t = tanh(W_c [c_t; s_t])
//   output         (Luong) the RNN runs first, c_t from s_t joins the output:
//                  s_t = cell(emb(y_{t-1}), s_{t-1}),  h̃_t = tanh(W_c [c_t; s_t])
//   both           input as in Bahdanau and a second attention from s_t at the output
//   input_feeding  (Luong) as output, and h̃_{t-1} joins the next input:
//                  s_t = cell([emb(y_{t-1}); h̃_{t-1}], s_{t-1})
// then logits_t = W_out h̃_t + b_out.
//
// Regularisation and capacity (decoder_stack.hpp): embed_dropout on emb(y_{t-1});
// dropout on the cell's whole input, between stacked layers, and on h̃_t before
// W_out (h̃_{t-1} is fed back undropped, and dropped as part of the next input);
// with layers L > 1, "cell" is layer 1, upper.0 .. upper.{L-2} are layers 2..L,
// and the top layer's s_t queries the attention ("input" placements: s_{t-1} of
// the top layer).
//
// Which attention: AttentionConfig::variant, an entry of variant_registry()
// (attention/variant.cpp), scoring with AttentionConfig::score, an entry of
// score_registry() (attention/score_registry.cpp).
// self_attention adds a context over the decoder's own previous states s_1..s_{t-1}.
#include <memory>

#include "attention/attention.hpp"
#include "attention/key_value.hpp"
#include "attention/local.hpp"
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

  Embedding embedding;
  std::unique_ptr<RecurrentCell> cell;  // layer 1
  ModuleList<RecurrentCell> upper;      // layers 2..L (empty when L = 1)
  Linear combine;  // W_c: [c; s (; c_self)] → h̃
  Linear out;      // W_out: h̃ → logits

 private:
  // Runs one attention module with the decoder's query (B,H).
  AttentionOutput run_attention(const Module& which, const Var& query, const DecoderState& s,
                                const EncoderOutput& enc) const;
  std::unique_ptr<Module> make_attention(Rng& rng) const;

  AttentionDecoderConfig cfg_;
  int64_t value_size_;
  std::unique_ptr<Module> attn_in_, attn_out_;  // input side / output side
  std::unique_ptr<DecoderSelfAttention> self_attn_;
};

}  // namespace s2s
