#pragma once
// RecurrentCell: one time step of a recurrent network, h_t = f(x_t, h_{t-1}).
//
// A cell only knows a single step; nn/sequence_rnn.hpp runs it over a whole
// (padded) sequence. Three cells share this interface, so a model can pick
// "rnn", "gru" or "lstm" by name:
//   nn/rnn_cell.hpp   Elman:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
//   nn/gru_cell.hpp   gated recurrent unit (reset r, update z, candidate n)
//   nn/lstm_cell.hpp  long short-term memory (gates i, f, g, o and a cell c)
// Parameter names and layouts are PyTorch's (weight_ih, weight_hh, bias_ih,
// bias_hh), so weights can be exchanged with torch.nn.*Cell via safetensors.
#include <memory>
#include <string>

#include "nn/module.hpp"

namespace s2s {

// The state carried between steps. h (B,H) always; c (B,H) only for LSTM.
struct RecurrentState {
  Var h;
  Var c;  // undefined for RNN and GRU
};

class RecurrentCell : public Module {
 public:
  RecurrentCell(int64_t input_size, int64_t hidden_size);
  // x (B,E), s.h (B,H) [, s.c (B,H)] -> the next state.
  virtual RecurrentState step(const Var& x, const RecurrentState& s) const = 0;
  // All-zero state for a batch of B (no gradient): h (B,H), and c for LSTM.
  virtual RecurrentState zero_state(int64_t B) const;
  virtual std::string kind() const = 0;  // "rnn", "gru" or "lstm"
  bool has_cell_state() const { return kind() == "lstm"; }

  int64_t input_size, hidden_size;  // E, H

 protected:
  // Throws a clear error unless x is (B,E) and the state is (B,H) (with c when needed).
  void check_step(const Var& x, const RecurrentState& s) const;
};

// Builds a cell by name: "rnn", "gru" or "lstm" (anything else throws).
// lstm_forget_bias is added to the forget-gate slice of bias_ih (LSTM only):
// 1.0 makes a fresh LSTM remember by default, which helps long sequences.
std::unique_ptr<RecurrentCell> make_cell(const std::string& kind, int64_t E, int64_t H, Rng& rng,
                                         real lstm_forget_bias = 0);

}  // namespace s2s
