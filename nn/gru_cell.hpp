#pragma once
// Gated recurrent unit (Cho et al., 2014), with PyTorch's equations and layout:
//
//   r  = σ(W_ir x + b_ir + W_hr h + b_hr)          reset gate
//   z  = σ(W_iz x + b_iz + W_hz h + b_hz)          update gate
//   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) candidate state
//   h' = (1 - z) ⊙ n + z ⊙ h
//
//   weight_ih (3H,E) = [W_ir; W_iz; W_in],  weight_hh (3H,H) = [W_hr; W_hz; W_hn]
//   bias_ih (3H), bias_hh (3H) in the same r, z, n order.
//
// Why it helps: when z ≈ 1 the state is copied through unchanged, and so is
// its gradient (∂h'/∂h ⊇ diag(z)), a short path back in time.
#include "nn/recurrent_cell.hpp"

namespace s2s {

class GRUCell : public RecurrentCell {
 public:
  GRUCell(int64_t input_size, int64_t hidden_size, Rng& rng);
  // The equations above, one core op each.
  RecurrentState step(const Var& x, const RecurrentState& s) const override;

  Var weight_ih, weight_hh, bias_ih, bias_hh;
};

}  // namespace s2s
