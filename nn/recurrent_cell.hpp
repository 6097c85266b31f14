#pragma once
// RecurrentCell: one time step of a recurrent network, h_t = f(x_t, h_{t-1}).
//
// A cell only knows a single step; nn/sequence_rnn.hpp runs it over a whole
// (padded) sequence. Three cells share this interface; cell_registry() lists
// them, so a model picks one by CellKind (or by name on the CLI):
//   nn/rnn_cell.hpp   Elman:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
//   nn/gru_cell.hpp   gated recurrent unit (reset r, update z, candidate n)
//   nn/lstm_cell.hpp  long short-term memory (gates i, f, g, o and a cell c)
// Parameter names and layouts are PyTorch's (weight_ih, weight_hh, bias_ih,
// bias_hh), so weights can be exchanged with torch.nn.*Cell via safetensors.
#include <memory>
#include <string>

#include "nn/module.hpp"
#include "nn/registry.hpp"

namespace s2s {

// The state carried between steps. h (B,H) always; c (B,H) only for LSTM.
struct RecurrentState {
  Var h;
  Var c;  // undefined for RNN and GRU
};

enum class CellKind { rnn, gru, lstm };

class RecurrentCell : public Module {
 public:
  RecurrentCell(int64_t input_size, int64_t hidden_size);
  // x (B,E), s.h (B,H) [, s.c (B,H)] -> the next state.
  virtual RecurrentState step(const Var& x, const RecurrentState& s) const = 0;
  // All-zero state for a batch of B (no gradient): h (B,H), and c for LSTM.
  virtual RecurrentState zero_state(int64_t B) const;
  virtual CellKind kind() const = 0;
  bool has_cell_state() const { return kind() == CellKind::lstm; }

  int64_t input_size, hidden_size;  // E, H

 protected:
  // Throws a clear error unless x is (B,E) and the state is (B,H) (with c when needed).
  void check_step(const Var& x, const RecurrentState& s) const;
};

// The one list of cells. lstm_forget_bias is added to the forget-gate slice of
// bias_ih (LSTM only): 1.0 makes a fresh LSTM remember by default, which helps
// long sequences.
struct CellEntry {
  CellKind kind;
  const char* name;  // on the CLI and in checkpoints
  const char* help;
  std::unique_ptr<RecurrentCell> (*make)(int64_t E, int64_t H, Rng& rng, real lstm_forget_bias);
};
const Registry<CellEntry>& cell_registry();

// The cell of `kind` from the registry; under the fast engine (core/engine.hpp)
// the same cell with a fused step where one exists (make_fused_cell).
std::unique_ptr<RecurrentCell> make_cell(CellKind kind, int64_t E, int64_t H, Rng& rng,
                                         real lstm_forget_bias = 0);
// The fast engine's version of a cell: the same parameters, drawn from rng in
// the same order, with a fused step (core/fast/fused_cells.hpp); nullptr when
// the cell has none.
std::unique_ptr<RecurrentCell> make_fused_cell(CellKind kind, int64_t E, int64_t H, Rng& rng,
                                               real lstm_forget_bias);
const char* to_string(CellKind kind);                   // "rnn", "gru", "lstm"
CellKind cell_kind_from_name(const std::string& name);  // unknown names throw

}  // namespace s2s
