#include "seq2seq/model/bottleneck_decoder.hpp"

#include "core/error.hpp"
#include "seq2seq/data/vocab.hpp"

namespace s2s {

BottleneckDecoder::BottleneckDecoder(const BottleneckConfig& c, Rng& rng)
    : embedding(c.vocab, c.embed, rng, kPad),
      cell(make_cell(c.cell, c.embed + (c.feed_summary ? c.hidden : 0), c.hidden, rng,
                     c.cell == CellKind::lstm ? 1 : 0)),
      out(c.hidden, c.vocab, rng),
      cfg_(c) {
  register_module("embedding", embedding);
  register_module("cell", *cell);
  register_module("out", out);
}

DecoderState BottleneckDecoder::start(const EncoderOutput& enc) const {
  S2S_CHECK(enc.final.h.defined() && enc.final.h.size(1) == cfg_.hidden,
            "BottleneckDecoder: encoder final state must be (B,{}), got {}", cfg_.hidden,
            enc.final.h.defined() ? shape_str(enc.final.h.shape()) : "nothing");
  DecoderState s;
  s.rnn = enc.final;
  if (cell->has_cell_state() && !s.rnn.c.defined()) s.rnn.c = Var(Tensor::zeros(s.rnn.h.shape()));
  if (!cell->has_cell_state()) s.rnn.c = Var();
  s.feed = enc.final.h;  // the summary vector s_0, shown again at each step if asked
  return s;
}

StepOutput BottleneckDecoder::step(const Ids& y_prev, DecoderState& s, const EncoderOutput&) const {
  // BEGIN EXERCISE bottleneck-decoder-step
  const int64_t B = s.rnn.h.size(0);
  Var x = embedding.forward(y_prev, {B});             // (B,E)
  if (cfg_.feed_summary) x = concat({x, s.feed}, 1);  // (B,E+H)
  s.rnn = cell->step(x, s.rnn);                       // s_t (B,H)
  ++s.t;
  return {out.forward(s.rnn.h), Var()};  // (B,V)
  // END EXERCISE
}

}  // namespace s2s
