#include "nn/gru_cell.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

GRUCell::GRUCell(int64_t E, int64_t H, Rng& rng) : RecurrentCell("gru", E, H) {
  weight_ih = register_parameter("weight_ih", init::uniform_fan_in({3 * H, E}, H, rng));
  weight_hh = register_parameter("weight_hh", init::uniform_fan_in({3 * H, H}, H, rng));
  bias_ih = register_parameter("bias_ih", init::uniform_fan_in({3 * H}, H, rng));
  bias_hh = register_parameter("bias_hh", init::uniform_fan_in({3 * H}, H, rng));
}

RecurrentState GRUCell::step(const Var& x, const RecurrentState& s) const {
  check_step(x, s);
  // BEGIN EXERCISE gru-cell-step
  const int64_t H = hidden_size;
  // Both projections at once, then cut into the r, z, n slices: (B,3H) -> 3 × (B,H).
  auto xi = split(linear(x, weight_ih, &bias_ih), {H, H, H}, 1);    // W_i· x + b_i·
  auto hh = split(linear(s.h, weight_hh, &bias_hh), {H, H, H}, 1);  // W_h· h + b_h·
  Var r = sigmoid(xi[0] + hh[0]);
  Var z = sigmoid(xi[1] + hh[1]);
  Var n = tanh(xi[2] + r * hh[2]);
  Var h = (1 - z) * n + z * s.h;
  return {h, Var()};
  // END EXERCISE
}

}  // namespace s2s
