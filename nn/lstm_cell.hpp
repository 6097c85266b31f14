#pragma once
// Long short-term memory cell (Hochreiter & Schmidhuber, 1997), PyTorch's
// equations and layout:
//
//   i  = σ(W_ii x + b_ii + W_hi h + b_hi)      input gate
//   f  = σ(W_if x + b_if + W_hf h + b_hf)      forget gate
//   g  = tanh(W_ig x + b_ig + W_hg h + b_hg)   candidate values
//   o  = σ(W_io x + b_io + W_ho h + b_ho)      output gate
//   c' = f ⊙ c + i ⊙ g
//   h' = o ⊙ tanh(c')
//
//   weight_ih (4H,E) = [W_ii; W_if; W_ig; W_io],  weight_hh (4H,H) likewise,
//   bias_ih (4H), bias_hh (4H) in the same i, f, g, o order.
//
// Why it helps: the cell state is updated additively, ∂c'/∂c = diag(f), so
// with f ≈ 1 the gradient flows back many steps without vanishing. A positive
// forget_bias (added to bias_ih's f slice at init) starts the cell in that regime.
#include "nn/recurrent_cell.hpp"

namespace s2s {

class LSTMCell : public RecurrentCell {
 public:
  LSTMCell(int64_t input_size, int64_t hidden_size, Rng& rng, real forget_bias = 0);
  // The equations above, one core op each.
  RecurrentState step(const Var& x, const RecurrentState& s) const override;
  bool has_cell_state() const override { return true; }  // c, the additive memory

  Var weight_ih, weight_hh, bias_ih, bias_hh;
};

}  // namespace s2s
