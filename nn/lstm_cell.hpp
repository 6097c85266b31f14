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
  // The equations above, one core op each (the reference engine runs this); the
  // fast engine runs step_preactivated(project_input(x), s) instead.
  RecurrentState step(const Var& x, const RecurrentState& s) const override;
  // The input's part of the gate pre-activations, x W_ihᵀ + b_ih: x (...,E) -> (...,4H).
  // It does not depend on the state, so a sequence can compute it for all steps
  // in one large product, x (B,S,E) -> (B,S,4H), instead of S small ones.
  Var project_input(const Var& x) const;
  // The fast engine's step from that precomputed part: x_pre (B,4H) = project_input(x_t),
  //   pre = x_pre + h W_hhᵀ + b_hh,  c' = lstm_cell_update(pre, c),  h' = lstm_hidden(pre, c')
  // with fused ops (core/fast/), so it throws under the reference engine.
  RecurrentState step_preactivated(const Var& x_pre, const RecurrentState& s) const;
  CellKind kind() const override { return CellKind::lstm; }

  Var weight_ih, weight_hh, bias_ih, bias_hh;
};

}  // namespace s2s
