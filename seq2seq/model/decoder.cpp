#include "seq2seq/model/decoder.hpp"

namespace s2s {

Var take_rows(const Var& v, const Ids& rows) {
  if (!v.defined()) return v;
  const int64_t B = v.size(0), n = static_cast<int64_t>(rows.size());
  Shape out = v.shape();
  out[0] = n;
  // View (B,...) as a table of B rows and gather: (n, rest) → (n,...).
  return reshape(gather_rows(reshape(v, {B, -1}), rows, {n}), out);
}

void reorder_state(DecoderState& s, const Ids& rows) {
  s.rnn.h = take_rows(s.rnn.h, rows);
  s.rnn.c = take_rows(s.rnn.c, rows);
  for (RecurrentState& l : s.lower) l.h = take_rows(l.h, rows), l.c = take_rows(l.c, rows);
  s.feed = take_rows(s.feed, rows);
  s.prev_weights = take_rows(s.prev_weights, rows);
  for (Var& h : s.history) h = take_rows(h, rows);
  s.memory.keys = take_rows(s.memory.keys, rows);
  s.memory.values = take_rows(s.memory.values, rows);
  s.memory.projected_keys = take_rows(s.memory.projected_keys, rows);
}

}  // namespace s2s
