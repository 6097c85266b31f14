#pragma once
// Elman RNN cell, the simplest recurrent network:
//
//   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
//
//   x (B,E), h (B,H);  weight_ih (H,E), weight_hh (H,H), bias_ih (H), bias_hh (H)
//
// Backpropagation through time multiplies by W_hhᵀ diag(1 - h'²) once per
// step, so gradients shrink (or grow) geometrically with distance: the
// vanishing-gradient problem (梯度消失) that GRU and LSTM were designed to ease.
#include "nn/recurrent_cell.hpp"

namespace s2s {

class RNNCell : public RecurrentCell {
 public:
  RNNCell(int64_t input_size, int64_t hidden_size, Rng& rng);
  RecurrentState step(const Var& x, const RecurrentState& s) const override;

  Var weight_ih, weight_hh, bias_ih, bias_hh;
};

}  // namespace s2s
