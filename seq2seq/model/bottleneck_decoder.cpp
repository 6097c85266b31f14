#include "seq2seq/model/bottleneck_decoder.hpp"

#include "core/error.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/model/decoder_stack.hpp"

namespace s2s {

BottleneckDecoder::BottleneckDecoder(const BottleneckConfig& c, Rng& rng)
    : embedding(c.vocab, c.embed, rng, kPad),
      cell(make_cell(c.cell, c.embed + (c.feed_summary ? c.hidden : 0), c.hidden, rng,
                     /*forget_bias=*/1)),  // ignored by cells without a forget gate
      out(c.hidden, c.vocab, rng),
      cfg_(c) {
  register_module("embedding", embedding);
  register_module("cell", *cell);
  register_module("out", out);
  check_dropout(c.embed_dropout, "BottleneckDecoder: embed_dropout");
  check_dropout(c.dropout, "BottleneckDecoder: dropout");
  make_upper_cells(upper, c.cell, c.layers, c.hidden, rng);  // last: the rest's init is L's = 1
  if (c.layers > 1) register_module("upper", upper);
}

DecoderState BottleneckDecoder::start(const EncoderOutput& enc) const {
  S2S_CHECK(enc.final.h.defined() && enc.final.h.size(1) == cfg_.hidden,
            "BottleneckDecoder: encoder final state must be (B,{}), got {}", cfg_.hidden,
            enc.final.h.defined() ? shape_str(enc.final.h.shape()) : "nothing");
  DecoderState s;
  s.rnn = cell->state_from(enc.final);  // d_0
  s.feed = enc.final.h;                 // the summary vector d_0, shown again at each step if asked
  start_stack(s, upper);
  return s;
}

StepOutput BottleneckDecoder::step(const Ids& y_prev, DecoderState& s, const EncoderOutput&) const {
  if (cfg_.layers > 1 || cfg_.embed_dropout > 0 || cfg_.dropout > 0)
    return regularised_step(y_prev, s);
  // BEGIN EXERCISE bottleneck-decoder-step
  const int64_t B = s.rnn.h.size(0);
  Var x = embedding.forward(y_prev, {B});             // (B,E)
  if (cfg_.feed_summary) x = concat({x, s.feed}, 1);  // (B,E+H)
  s.rnn = cell->step(x, s.rnn);                       // d_t (B,H)
  ++s.t;
  return {out.forward(s.rnn.h), Var()};  // (B,V)
  // END EXERCISE
}

StepOutput BottleneckDecoder::regularised_step(const Ids& y_prev, DecoderState& s) const {
  const int64_t B = s.rnn.h.size(0);
  Var e = train_dropout(embedding.forward(y_prev, {B}), cfg_.embed_dropout, s.dropout_rng);
  Var x = cfg_.feed_summary ? concat({e, s.feed}, 1) : e;  // (B,E) or (B,E+H)
  step_stack(*cell, upper, train_dropout(x, cfg_.dropout, s.dropout_rng), s, cfg_.dropout);
  s.t += 1;
  return {out.forward(train_dropout(s.rnn.h, cfg_.dropout, s.dropout_rng)), Var()};  // (B,V)
}

}  // namespace s2s
