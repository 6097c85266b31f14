#pragma once
// The fast engine's GRU and LSTM cells: the same parameters, names and
// equations as nn/gru_cell.hpp and nn/lstm_cell.hpp, with the step's
// elementwise part as fused ops (ops_gru.cpp, ops_lstm.cpp). make_cell builds
// these under the fast engine; under the reference engine their step is the
// reference cell's (a model built under one engine can run under the other).
#include "nn/gru_cell.hpp"
#include "nn/lstm_cell.hpp"

namespace s2s {

class FusedGRUCell : public GRUCell {
 public:
  using GRUCell::GRUCell;
  // xi = x W_ihᵀ + b_ih, hh = h W_hhᵀ + b_hh (B,3H), then h' = gru_hidden(xi, hh, h).
  RecurrentState step(const Var& x, const RecurrentState& s) const override;
};

class FusedLSTMCell : public LSTMCell {
 public:
  using LSTMCell::LSTMCell;
  // step_preactivated(project_input(x), s).
  RecurrentState step(const Var& x, const RecurrentState& s) const override;
  // The input's part of the gate pre-activations, x W_ihᵀ + b_ih: x (...,E) -> (...,4H).
  // It does not depend on the state, so a sequence can compute it for all steps
  // in one large product, x (B,S,E) -> (B,S,4H), instead of S small ones
  // (bench/reference_model.hpp does).
  Var project_input(const Var& x) const;
  // The step from that precomputed part: x_pre (B,4H) = project_input(x_t),
  //   pre = x_pre + h W_hhᵀ + b_hh,  c' = lstm_cell_update(pre, c),  h' = lstm_hidden(pre, c')
  // Fused ops: it throws under the reference engine.
  RecurrentState step_preactivated(const Var& x_pre, const RecurrentState& s) const;
};

}  // namespace s2s
