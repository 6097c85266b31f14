#include "seq2seq/model/seq2seq.hpp"

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "nn/label_smoothing.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/model/decoder_stack.hpp"

namespace s2s {

namespace {
EncoderConfig encoder_config(const ModelConfig& c) {
  S2S_CHECK(c.src_vocab > 4 && c.tgt_vocab > 4,
            "Seq2Seq: vocabularies must have more than the 4 special tokens, got src {} tgt {}",
            c.src_vocab, c.tgt_vocab);
  check_dropout(c.embed_dropout, "Seq2Seq: embed_dropout");
  check_dropout(c.decoder_dropout, "Seq2Seq: decoder_dropout");
  S2S_CHECK(c.decoder_layers >= 1, "Seq2Seq: decoder_layers must be >= 1, got {}",
            c.decoder_layers);
  return {c.cell,   c.src_vocab,     c.embed,   c.hidden,
          c.layers, c.bidirectional, c.dropout, c.embed_dropout};
}
}  // namespace

Seq2Seq::Seq2Seq(const ModelConfig& cfg)
    : cfg_(cfg), init_rng_(cfg.seed), encoder(encoder_config(cfg), init_rng_) {
  Rng& rng = init_rng_;  // same seed, same model
  if (cfg.attention) {
    AttentionDecoderConfig d{cfg.cell,          cfg.tgt_vocab,         cfg.embed,
                             cfg.hidden,        encoder.output_size(), cfg.attn,
                             cfg.embed_dropout, cfg.decoder_dropout,   cfg.decoder_layers};
    decoder = std::make_unique<AttentionDecoder>(d, rng);
  } else {
    decoder = std::make_unique<BottleneckDecoder>(
        BottleneckConfig{cfg.cell, cfg.tgt_vocab, cfg.embed, cfg.hidden, cfg.feed_summary,
                         cfg.embed_dropout, cfg.decoder_dropout, cfg.decoder_layers},
        rng);
  }
  register_module("encoder", encoder);
  register_module("decoder", *decoder);
}

std::string Seq2Seq::describe() const {
  std::string s = fmt::format("{}{}, E={}, H={}", cfg_.bidirectional ? "bi-" : "",
                              to_string(cfg_.cell), cfg_.embed, cfg_.hidden);
  // The new settings only when set: a model without them reads as before.
  if (cfg_.decoder_layers > 1) s += fmt::format(", {} decoder layers", cfg_.decoder_layers);
  if (cfg_.embed_dropout > 0) s += fmt::format(", embedding dropout {}", cfg_.embed_dropout);
  if (cfg_.decoder_dropout > 0) s += fmt::format(", decoder dropout {}", cfg_.decoder_dropout);
  if (!cfg_.attention)
    return s + (cfg_.reverse_source ? ", bottleneck, reversed source" : ", bottleneck");
  return s + fmt::format(", attention {}/{}/{}{}", cfg_.attn.score, to_string(cfg_.attn.variant),
                         to_string(cfg_.attn.placement), cfg_.attn.self_attention ? "+self" : "");
}

Ids encoder_source(const Batch& b, bool reverse) {
  if (!reverse) return b.src;
  Ids src = b.src;
  for (int64_t i = 0; i < b.B; ++i)
    std::reverse(src.begin() + i * b.S, src.begin() + i * b.S + b.src_len[i]);
  return src;
}

EncoderOutput Seq2Seq::encode(const Batch& b, Rng* rng) const {
  return encoder.forward(encoder_source(b, cfg_.reverse_source), b.B, b.S, b.src_len,
                         training() ? rng : nullptr);
}

ForwardOutput Seq2Seq::forward(const Batch& b, real teacher_forcing, Rng* rng,
                               real label_smoothing) const {
  S2S_CHECK(b.T > 0, "Seq2Seq: the batch has no target steps (T = 0)");
  S2S_CHECK(teacher_forcing >= 1 || rng, "Seq2Seq: teacher_forcing < 1 needs an Rng");
  S2S_CHECK(rng || !training() || (cfg_.embed_dropout == 0 && cfg_.decoder_dropout == 0),
            "Seq2Seq: dropout in training mode needs an Rng (or call eval())");
  EncoderOutput enc = encode(b, rng);
  DecoderState s = decoder->start(enc);
  s.dropout_rng = training() ? rng : nullptr;  // dropout in training only
  ForwardOutput out;
  std::vector<Var> logits;  // per step (B,V)
  Ids y(static_cast<size_t>(b.B));
  for (int64_t t = 0; t < b.T; ++t) {
    // The input at step t: gold y_{t-1} (teacher forcing) or the model's guess.
    bool gold = t == 0 || teacher_forcing >= 1 || rng->uniform() < teacher_forcing;
    if (gold) {
      for (int64_t i = 0; i < b.B; ++i) y[i] = b.tgt_in[i * b.T + t];
    } else {
      auto guess = argmax(logits.back().value(), 1);
      for (int64_t i = 0; i < b.B; ++i) y[i] = guess[i];
    }
    StepOutput o = decoder->step(y, s, enc);
    logits.push_back(o.logits);
    if (o.weights.defined()) out.weights.push_back(o.weights);
  }
  // One loss over all steps: stack to (B,T,V) rows matching tgt_out's (B,T) order.
  Var all = reshape(stack(logits, 1), {b.B * b.T, -1});
  out.loss = label_smoothing > 0 ? smoothed_cross_entropy(all, b.tgt_out, label_smoothing, kPad)
                                 : cross_entropy(all, b.tgt_out, kPad);
  for (int64_t id : b.tgt_out) out.tokens += id != kPad;
  return out;
}

}  // namespace s2s
