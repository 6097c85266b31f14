#include "seq2seq/model/decoder_stack.hpp"

#include <cmath>

#include "core/error.hpp"
#include "nn/dropout.hpp"

namespace s2s {

Var train_dropout(const Var& x, real p, Rng* rng) {
  if (rng == nullptr || p == 0) return x;
  return x * Var(dropout_mask(x.shape(), p, *rng));  // the mask is a constant: dx = dy ⊙ m
}

void check_dropout(real p, const char* what) {
  S2S_CHECK(std::isfinite(p) && p >= 0 && p < 1, "{} must be in [0, 1), got {}", what, p);
}

void make_upper_cells(ModuleList<RecurrentCell>& upper, CellKind kind, int64_t layers,
                      int64_t hidden, Rng& rng) {
  S2S_CHECK(layers >= 1, "decoder: decoder_layers must be >= 1, got {}", layers);
  for (int64_t l = 1; l < layers; ++l)
    upper.push_back(make_cell(kind, hidden, hidden, rng, /*forget_bias=*/1));
}

void start_stack(DecoderState& s, const ModuleList<RecurrentCell>& upper) {
  s.lower.assign(upper.size(), s.rnn);
}

void step_stack(const RecurrentCell& bottom, const ModuleList<RecurrentCell>& upper, const Var& x,
                DecoderState& s, real p) {
  const size_t L = upper.size() + 1;
  S2S_CHECK(s.lower.size() == L - 1, "decoder: the state holds {} lower layers, the model has {}",
            s.lower.size(), L - 1);
  Var in = x;  // x_t (B,·), then the layer below's d^{l-1}_t (B,H)
  for (size_t l = 0; l < L; ++l) {
    const RecurrentCell& cell = l == 0 ? bottom : upper[l - 1];
    RecurrentState& state = l + 1 == L ? s.rnn : s.lower[l];
    state = cell.step(in, state);  // d^l_t
    if (l + 1 < L) in = train_dropout(state.h, p, s.dropout_rng);
  }
}

}  // namespace s2s
