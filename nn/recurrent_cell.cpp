#include "nn/recurrent_cell.hpp"

#include "core/engine.hpp"
#include "core/error.hpp"
#include "nn/gru_cell.hpp"
#include "nn/lstm_cell.hpp"
#include "nn/rnn_cell.hpp"

namespace s2s {

RecurrentCell::RecurrentCell(int64_t E, int64_t H) : input_size(E), hidden_size(H) {
  S2S_CHECK(E > 0 && H > 0, "RecurrentCell: sizes must be > 0, got input_size={} hidden_size={}", E,
            H);
}

RecurrentState RecurrentCell::zero_state(int64_t B) const {
  S2S_CHECK(B > 0, "{} cell: zero_state needs batch size > 0, got {}", to_string(kind()), B);
  RecurrentState s{Var(Tensor::zeros({B, hidden_size})), Var()};
  if (has_cell_state()) s.c = Var(Tensor::zeros({B, hidden_size}));
  return s;
}

void RecurrentCell::check_step(const Var& x, const RecurrentState& s) const {
  const char* k = to_string(kind());
  S2S_CHECK(x.defined() && x.rank() == 2 && x.size(1) == input_size,
            "{} cell: input must be (B,{}), got {}", k, input_size,
            x.defined() ? shape_str(x.shape()) : "undefined");
  const int64_t B = x.size(0);
  S2S_CHECK(s.h.defined() && s.h.shape() == Shape({B, hidden_size}),
            "{} cell: state h must be ({},{}), got {}", k, B, hidden_size,
            s.h.defined() ? shape_str(s.h.shape()) : "undefined");
  if (has_cell_state())
    S2S_CHECK(s.c.defined() && s.c.shape() == Shape({B, hidden_size}),
              "{} cell: cell state c must be ({},{}), got {}", k, B, hidden_size,
              s.c.defined() ? shape_str(s.c.shape()) : "undefined");
}

const Registry<CellEntry>& cell_registry() {
  static const Registry<CellEntry> r(
      "cell kind",
      {{CellKind::rnn, "rnn", "Elman: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)",
        [](int64_t E, int64_t H, Rng& rng, real) -> std::unique_ptr<RecurrentCell> {
          return std::make_unique<RNNCell>(E, H, rng);
        }},
       {CellKind::gru, "gru", "gated recurrent unit (reset r, update z, candidate n)",
        [](int64_t E, int64_t H, Rng& rng, real) -> std::unique_ptr<RecurrentCell> {
          return std::make_unique<GRUCell>(E, H, rng);
        }},
       {CellKind::lstm, "lstm", "long short-term memory (gates i, f, g, o and a cell c)",
        [](int64_t E, int64_t H, Rng& rng, real forget_bias) -> std::unique_ptr<RecurrentCell> {
          return std::make_unique<LSTMCell>(E, H, rng, forget_bias);
        }}});
  return r;
}

std::unique_ptr<RecurrentCell> make_cell(CellKind kind, int64_t E, int64_t H, Rng& rng,
                                         real lstm_forget_bias) {
  if (engine() == Engine::fast)
    if (auto fused = make_fused_cell(kind, E, H, rng, lstm_forget_bias)) return fused;
  return cell_registry().at(kind).make(E, H, rng, lstm_forget_bias);
}

const char* to_string(CellKind kind) { return cell_registry().at(kind).name; }

CellKind cell_kind_from_name(const std::string& name) { return cell_registry().find(name).kind; }

}  // namespace s2s
