#include "nn/rnn_cell.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

RNNCell::RNNCell(int64_t E, int64_t H, Rng& rng) : RecurrentCell("rnn", E, H) {
  // PyTorch's init for recurrent cells: uniform(-1/√H, 1/√H) for every tensor.
  weight_ih = register_parameter("weight_ih", init::uniform_fan_in({H, E}, H, rng));
  weight_hh = register_parameter("weight_hh", init::uniform_fan_in({H, H}, H, rng));
  bias_ih = register_parameter("bias_ih", init::uniform_fan_in({H}, H, rng));
  bias_hh = register_parameter("bias_hh", init::uniform_fan_in({H}, H, rng));
}

RecurrentState RNNCell::step(const Var& x, const RecurrentState& s) const {
  check_step(x, s);
  // BEGIN EXERCISE rnn-cell-step
  Var pre = linear(x, weight_ih, &bias_ih) + linear(s.h, weight_hh, &bias_hh);  // (B,H)
  return {tanh(pre), Var()};
  // END EXERCISE
}

}  // namespace s2s
