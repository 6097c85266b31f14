#include "nn/lstm_cell.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

LSTMCell::LSTMCell(int64_t E, int64_t H, Rng& rng, real forget_bias) : RecurrentCell("lstm", E, H) {
  weight_ih = register_parameter("weight_ih", init::uniform_fan_in({4 * H, E}, H, rng));
  weight_hh = register_parameter("weight_hh", init::uniform_fan_in({4 * H, H}, H, rng));
  Tensor b_ih = init::uniform_fan_in({4 * H}, H, rng);
  for (int64_t j = H; j < 2 * H; ++j) b_ih[j] += forget_bias;  // the f slice is [H, 2H)
  bias_ih = register_parameter("bias_ih", std::move(b_ih));
  bias_hh = register_parameter("bias_hh", init::uniform_fan_in({4 * H}, H, rng));
}

RecurrentState LSTMCell::step(const Var& x, const RecurrentState& s) const {
  check_step(x, s);
  // BEGIN EXERCISE lstm-cell-step
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
  // END EXERCISE
}

}  // namespace s2s
