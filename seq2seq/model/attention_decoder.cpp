#include "seq2seq/model/attention_decoder.hpp"

#include "core/error.hpp"
#include "seq2seq/data/vocab.hpp"

namespace s2s {

Placement placement_from_string(const std::string& n) {
  if (n == "input") return Placement::input;
  if (n == "output") return Placement::output;
  if (n == "both") return Placement::both;
  if (n == "input_feeding") return Placement::input_feeding;
  throw Error(fmt::format(
      "unknown context placement '{}': expected input, output, both or input_feeding", n));
}

const char* to_string(Placement p) {
  switch (p) {
    case Placement::input:
      return "input";
    case Placement::output:
      return "output";
    case Placement::both:
      return "both";
    case Placement::input_feeding:
      return "input_feeding";
  }
  return "?";
}

namespace {
bool context_at_input(Placement p) { return p == Placement::input || p == Placement::both; }
bool context_at_output(Placement p) { return p != Placement::input; }
}  // namespace

std::unique_ptr<Module> AttentionDecoder::make_attention(Rng& rng) const {
  const auto& a = cfg_.attn;
  const int64_t H = cfg_.hidden, He = cfg_.enc_size;
  const int64_t A = a.attention_size > 0 ? a.attention_size : H;
  if (a.variant == "global")
    return std::make_unique<Attention>(a.score, H, He, A, a.max_src_len, rng);
  if (a.variant == "local-m" || a.variant == "local-p")
    return std::make_unique<LocalAttention>(
        make_score(a.score, H, He, A, a.max_src_len, rng),
        a.variant == "local-m" ? LocalMode::monotonic : LocalMode::predictive, a.window, rng, A);
  if (a.variant == "key-value")  // keys and values: projections of h_i to size H each
    return std::make_unique<KeyValueAttention>(KeyValueMode::project, a.score, H, He, H, H, A,
                                               a.max_src_len, rng);
  throw Error(fmt::format(
      "unknown attention variant '{}': expected global, local-m, local-p or key-value", a.variant));
}

AttentionDecoder::AttentionDecoder(const AttentionDecoderConfig& c, Rng& rng)
    : embedding(c.vocab, c.embed, rng, kPad),
      combine((c.attn.variant == "key-value" ? c.hidden : c.enc_size) + c.hidden +
                  (c.attn.self_attention ? c.hidden : 0),
              c.hidden, rng),
      out(c.hidden, c.vocab, rng),
      cfg_(c),
      value_size_(c.attn.variant == "key-value" ? c.hidden : c.enc_size) {
  const Placement p = c.attn.placement;
  int64_t in = c.embed;
  if (context_at_input(p)) in += value_size_;
  if (p == Placement::input_feeding) in += c.hidden;
  cell = make_cell(c.cell, in, c.hidden, rng, c.cell == "lstm" ? 1 : 0);
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
  s.rnn = enc.final;
  if (cell->has_cell_state() && !s.rnn.c.defined()) s.rnn.c = Var(Tensor::zeros(s.rnn.h.shape()));
  if (!cell->has_cell_state()) s.rnn.c = Var();
  // Per-sequence work done once, not at every step.
  const Module& any = attn_out_ ? *attn_out_ : *attn_in_;
  if (auto* kv = dynamic_cast<const KeyValueAttention*>(&any)) {
    std::tie(s.keys, s.values) = kv->keys_values(enc.outputs);  // (B,S,H) each
  } else {
    s.keys = s.values = enc.outputs;
    if (auto* g = dynamic_cast<const Attention*>(&any)) s.projected_keys = g->precompute(s.keys);
  }
  return s;
}

AttentionOutput AttentionDecoder::attend(const Module& which, const Var& query,
                                         const DecoderState& s, const EncoderOutput& enc) const {
  ScoreContext ctx;
  ctx.prev_weights = s.prev_weights;
  ctx.step = s.t;
  ctx.src_lengths = enc.lengths;
  if (auto* g = dynamic_cast<const Attention*>(&which)) {
    if (&which == attn_out_.get() || !attn_out_) ctx.projected_keys = s.projected_keys;
    return g->forward(query, s.keys, s.values, enc.mask, ctx);
  }
  if (auto* l = dynamic_cast<const LocalAttention*>(&which))
    return l->forward(query, s.keys, s.values, enc.mask, ctx);
  auto& kv = dynamic_cast<const KeyValueAttention&>(which);
  return kv.attention.forward(query, s.keys, s.values, enc.mask, ctx);
}

StepOutput AttentionDecoder::step(const Ids& y_prev, DecoderState& s,
                                  const EncoderOutput& enc) const {
  const int64_t B = s.rnn.h.size(0);
  const Placement p = cfg_.attn.placement;
  std::vector<Var> input{embedding.forward(y_prev, {B})};  // emb(y_{t-1}) (B,E)
  AttentionOutput a;
  if (context_at_input(p)) {  // Bahdanau: the previous state asks where to look
    // BEGIN EXERCISE context-input
    a = attend(*attn_in_, s.rnn.h, s, enc);
    input.push_back(a.context);  // (B,Hv)
    // END EXERCISE
  }
  if (p == Placement::input_feeding)  // h̃_{t-1}, zeros at t = 0
    input.push_back(s.feed.defined() ? s.feed : Var(Tensor::zeros({B, cfg_.hidden})));
  s.rnn = cell->step(input.size() == 1 ? input[0] : concat(input, 1), s.rnn);  // s_t (B,H)
  if (context_at_output(p)) a = attend(*attn_out_, s.rnn.h, s, enc);           // Luong: s_t asks
  std::vector<Var> parts{a.context, s.rnn.h};                                  // [c_t; s_t]
  if (self_attn_) {
    parts.push_back(self_attn_->forward(s.history, s.rnn.h).context);  // over s_1..s_{t-1}
    s.history.push_back(s.rnn.h);
  }
  Var h_tilde = tanh(combine.forward(concat(parts, 1)));  // h̃_t = tanh(W_c [c_t; s_t]) (B,H)
  s.feed = h_tilde;
  s.prev_weights = a.weights;
  ++s.t;
  return {out.forward(h_tilde), a.weights};  // logits (B,V), a_t (B,S)
}

}  // namespace s2s
