#include "core/fast/fused_cells.hpp"

#include "core/error.hpp"
#include "core/fast/fast.hpp"

namespace s2s {

RecurrentState FusedGRUCell::step(const Var& x, const RecurrentState& s) const {
  if (!fast_engine()) return GRUCell::step(x, s);
  check_step(x, s);
  Var xi = linear(x, weight_ih, &bias_ih);    // (B,3H)  W_i· x + b_i·
  Var hh = linear(s.h, weight_hh, &bias_hh);  // (B,3H)  W_h· h + b_h·
  return {gru_hidden(xi, hh, s.h), Var()};    // (B,H) the equations of GRUCell::step
}

RecurrentState FusedLSTMCell::step(const Var& x, const RecurrentState& s) const {
  if (!fast_engine()) return LSTMCell::step(x, s);
  check_step(x, s);
  return step_preactivated(project_input(x), s);
}

Var FusedLSTMCell::project_input(const Var& x) const {
  S2S_CHECK(x.defined() && x.rank() >= 1 && x.size(-1) == input_size,
            "lstm cell: project_input needs x (...,{}), got {}", input_size,
            x.defined() ? shape_str(x.shape()) : "undefined");
  return linear(x, weight_ih, &bias_ih);  // (...,4H)
}

RecurrentState FusedLSTMCell::step_preactivated(const Var& x_pre, const RecurrentState& s) const {
  const int64_t H = hidden_size;
  S2S_CHECK(x_pre.defined() && x_pre.rank() == 2 && x_pre.size(1) == 4 * H,
            "lstm cell: input pre-activations must be (B,4H) = (B,{}), got {}", 4 * H,
            x_pre.defined() ? shape_str(x_pre.shape()) : "undefined");
  const int64_t B = x_pre.size(0);
  S2S_CHECK(s.h.defined() && s.h.shape() == Shape({B, H}) && s.c.defined() &&
                s.c.shape() == Shape({B, H}),
            "lstm cell: state h and c must be ({},{}), got {} and {}", B, H,
            s.h.defined() ? shape_str(s.h.shape()) : "undefined",
            s.c.defined() ? shape_str(s.c.shape()) : "undefined");
  Var pre = linear_add(s.h, weight_hh, &bias_hh, x_pre);  // (B,4H) = x_pre + h W_hhᵀ + b_hh
  Var c = lstm_cell_update(pre, s.c);                     // (B,H) the equations of LSTMCell::step
  Var h = lstm_hidden(pre, c);                            // (B,H)
  return {h, c};
}

std::unique_ptr<RecurrentCell> make_fused_cell(CellKind kind, int64_t E, int64_t H, Rng& rng,
                                               real lstm_forget_bias) {
  switch (kind) {
    case CellKind::gru:
      return std::make_unique<FusedGRUCell>(E, H, rng);
    case CellKind::lstm:
      return std::make_unique<FusedLSTMCell>(E, H, rng, lstm_forget_bias);
    default:
      return nullptr;  // no fused step (rnn): the reference cell
  }
}

}  // namespace s2s
