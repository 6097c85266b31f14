#include "nn/lstm_cell.hpp"

#include "core/error.hpp"
#include "core/fast/fast.hpp"  // the seam: linear_add, lstm_cell_update, lstm_hidden
#include "nn/init.hpp"

namespace s2s {

LSTMCell::LSTMCell(int64_t E, int64_t H, Rng& rng, real forget_bias) : RecurrentCell(E, H) {
  weight_ih = register_parameter("weight_ih", init::uniform_fan_in({4 * H, E}, H, rng));
  weight_hh = register_parameter("weight_hh", init::uniform_fan_in({4 * H, H}, H, rng));
  Tensor b_ih = init::uniform_fan_in({4 * H}, H, rng);
  for (int64_t j = H; j < 2 * H; ++j) b_ih[j] += forget_bias;  // the f slice is [H, 2H)
  bias_ih = register_parameter("bias_ih", std::move(b_ih));
  bias_hh = register_parameter("bias_hh", init::uniform_fan_in({4 * H}, H, rng));
}

RecurrentState LSTMCell::step(const Var& x, const RecurrentState& s) const {
  check_step(x, s);
  if (fast_engine()) return step_preactivated(project_input(x), s);  // fused ops
  const int64_t H = hidden_size;
  // All four gates' pre-activations in one (B,4H) sum, then cut into i, f, g, o.
  Var pre = linear(x, weight_ih, &bias_ih) + linear(s.h, weight_hh, &bias_hh);
  auto gates = split(pre, {H, H, H, H}, 1);
  Var i = sigmoid(gates[0]);
  Var f = sigmoid(gates[1]);
  Var g = tanh(gates[2]);
  Var o = sigmoid(gates[3]);
  Var c = f * s.c + i * g;  // (B,H)
  Var h = o * tanh(c);      // (B,H)
  return {h, c};
}

Var LSTMCell::project_input(const Var& x) const {
  S2S_CHECK(x.defined() && x.rank() >= 1 && x.size(-1) == input_size,
            "lstm cell: project_input needs x (...,{}), got {}", input_size,
            x.defined() ? shape_str(x.shape()) : "undefined");
  return linear(x, weight_ih, &bias_ih);  // (...,4H)
}

RecurrentState LSTMCell::step_preactivated(const Var& x_pre, const RecurrentState& s) const {
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
  Var c = lstm_cell_update(pre, s.c);                     // (B,H) the equations of step
  Var h = lstm_hidden(pre, c);                            // (B,H)
  return {h, c};
}

}  // namespace s2s
