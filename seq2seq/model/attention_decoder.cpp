#include "seq2seq/model/attention_decoder.hpp"

#include "core/error.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/model/decoder_stack.hpp"

namespace s2s {

namespace {
bool context_at_input(Placement p) { return p == Placement::input || p == Placement::both; }
bool context_at_output(Placement p) { return p != Placement::input; }
}  // namespace

std::unique_ptr<AttentionModule> AttentionDecoder::make_attention(Rng& rng) const {
  const auto& a = cfg_.attn;
  const int64_t H = cfg_.hidden;
  const int64_t A = a.attention_size > 0 ? a.attention_size : H;
  return variant_registry().at(a.variant).make(
      {a.score, H, cfg_.enc_size, A, a.max_src_len, a.window}, rng);
}

AttentionDecoder::AttentionDecoder(const AttentionDecoderConfig& c, Rng& rng)
    : embedding(c.vocab, c.embed, rng, kPad),
      combine((c.attn.variant == AttentionVariant::key_value ? c.hidden : c.enc_size) + c.hidden +
                  (c.attn.self_attention ? c.hidden : 0),
              c.hidden, rng),
      out(c.hidden, c.vocab, rng),
      cfg_(c),
      value_size_(c.attn.variant == AttentionVariant::key_value ? c.hidden : c.enc_size) {
  const Placement p = c.attn.placement;
  int64_t in = c.embed;
  if (context_at_input(p)) in += value_size_;
  if (p == Placement::input_feeding) in += c.hidden;
  cell = make_cell(c.cell, in, c.hidden, rng, /*forget_bias=*/1);  // ignored without a forget gate
  register_module("embedding", embedding);
  register_module("cell", *cell);
  if (context_at_input(p)) {
    attn_in_ = make_attention(rng);
    register_module("attention_in", *attn_in_);
  }
  if (context_at_output(p)) {
    attn_out_ = make_attention(rng);
    register_module("attention", *attn_out_);
  }
  if (c.attn.self_attention) {
    self_attn_ =
        std::make_unique<DecoderSelfAttention>("general", c.hidden, c.hidden, c.hidden, 256, rng);
    register_module("self_attention", *self_attn_);
  }
  register_module("combine", combine);
  register_module("out", out);
  check_dropout(c.embed_dropout, "AttentionDecoder: embed_dropout");
  check_dropout(c.dropout, "AttentionDecoder: dropout");
  make_upper_cells(upper, c.cell, c.layers, c.hidden, rng);  // last: the rest's init is L's = 1
  if (c.layers > 1) register_module("upper", upper);
}

DecoderState AttentionDecoder::start(const EncoderOutput& enc) const {
  S2S_CHECK(
      enc.outputs.defined() && enc.outputs.rank() == 3 && enc.outputs.size(2) == cfg_.enc_size,
      "AttentionDecoder: encoder outputs must be (B,S,{}), got {}", cfg_.enc_size,
      enc.outputs.defined() ? shape_str(enc.outputs.shape()) : "nothing");
  S2S_CHECK(enc.final.h.defined() && enc.final.h.size(1) == cfg_.hidden,
            "AttentionDecoder: encoder final state must be (B,{}), got {}", cfg_.hidden,
            enc.final.h.defined() ? shape_str(enc.final.h.shape()) : "nothing");
  DecoderState s;
  s.rnn = cell->state_from(enc.final);  // d_0
  start_stack(s, upper);
  // Per-sequence work done once, not at every step: keys, values (and a key projection).
  s.memory = primary().remember(enc.outputs);
  return s;
}

AttentionOutput AttentionDecoder::run_attention(const AttentionModule& which, const Var& query,
                                                const DecoderState& s,
                                                const EncoderOutput& enc) const {
  ScoreContext ctx;
  ctx.prev_weights = s.prev_weights;
  ctx.step = s.t;
  ctx.src_lengths = enc.lengths;
  // Both sides read the keys and values start() kept; the key projection belongs to
  // the score of the module that made it (the other side's score projects its own).
  AttentionMemory m = s.memory;
  if (&which != &primary()) m.projected_keys = Var();
  return which.attend(query, m, enc.mask, ctx);
}

StepOutput AttentionDecoder::step(const Ids& y_prev, DecoderState& s,
                                  const EncoderOutput& enc) const {
  const int64_t B = s.rnn.h.size(0);
  const Placement p = cfg_.attn.placement;
  Var emb = train_dropout(embedding.forward(y_prev, {B}), cfg_.embed_dropout, s.dropout_rng);
  std::vector<Var> input{emb};  // emb(y_{t-1}) (B,E)
  AttentionOutput a;
  StepOutput r;
  if (context_at_input(p)) {  // Bahdanau: the previous state asks where to look
    // BEGIN EXERCISE context-input
    a = run_attention(*attn_in_, s.rnn.h, s, enc);
    input.push_back(a.context);  // (B,Hv)
    // END EXERCISE
  }
  if (p == Placement::input_feeding)  // h̃_{t-1}, zeros at t = 0
    input.push_back(s.feed.defined() ? s.feed : Var(Tensor::zeros({B, cfg_.hidden})));
  Var x = train_dropout(input.size() == 1 ? input[0] : concat(input, 1), cfg_.dropout,
                        s.dropout_rng);          // x_t
  step_stack(*cell, upper, x, s, cfg_.dropout);  // d_t = s.rnn.h (B,H), the top layer's
  if (context_at_input(p) && context_at_output(p)) r.input_weights = a.weights;
  if (context_at_output(p)) a = run_attention(*attn_out_, s.rnn.h, s, enc);  // Luong: d_t asks
  std::vector<Var> parts{a.context, s.rnn.h};                                // [c_t; d_t]
  if (self_attn_) {
    AttentionOutput self = self_attn_->forward(s.history, s.rnn.h);  // over d_1..d_{t-1}
    parts.push_back(self.context);
    r.self_weights = self.weights;
    s.history.push_back(s.rnn.h);
  }
  Var h_tilde = tanh(combine.forward(concat(parts, 1)));  // h̃_t = tanh(W_c [c_t; d_t]) (B,H)
  s.feed = h_tilde;
  s.prev_weights = a.weights;
  ++s.t;
  r.logits = out.forward(train_dropout(h_tilde, cfg_.dropout, s.dropout_rng));  // (B,V)
  r.weights = a.weights;                                                        // a_t (B,S)
  r.position = a.position;
  return r;
}

}  // namespace s2s
