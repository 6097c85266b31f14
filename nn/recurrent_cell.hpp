#pragma once
// RecurrentCell: one time step of a recurrent network, h_t = f(x_t, h_{t-1}).
//
// A cell only knows a single step; nn/sequence_rnn.hpp runs it over a whole
// (padded) sequence. The cells share this interface; cell_registry() lists
// them, so a model picks one by CellKind (or by name on the CLI):
//   nn/rnn_cell.hpp   Elman:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
//   nn/gru_cell.hpp   gated recurrent unit (reset r, update z, candidate n)
//   nn/lstm_cell.hpp  long short-term memory (gates i, f, g, o and a cell c)
// Parameter names and layouts are PyTorch's (weight_ih, weight_hh, bias_ih,
// bias_hh), so weights can be exchanged with torch.nn.*Cell via safetensors.
//
// Adding a cell (nn/README.md): its .hpp, its .cpp and one registration line,
// a row in cell_registry()'s table or, from outside this library, register_cell.
// What differs between cells (a cell state c, the gate count) is the cell's
// business: the encoder and decoders ask the cell or its row, never its kind.
#include <memory>
#include <string>

#include "nn/module.hpp"
#include "nn/registry.hpp"

namespace s2s {

// The state carried between steps. h (B,H) always; c (B,H) only for cells with a
// cell state (has_cell_state(): LSTM).
struct RecurrentState {
  Var h;
  Var c;  // undefined for RNN and GRU
};

// A row of cell_registry(): its position. The built-in cells have names here, in
// the registry's order; a new cell needs none (cell_kind_from_name finds it).
enum class CellKind : int { rnn, gru, lstm };
CellKind cell_kind_from_name(const std::string& name);  // unknown names throw

class RecurrentCell : public Module {
 public:
  // name: the cell's name in cell_registry() ("gru", ...).
  RecurrentCell(std::string name, int64_t input_size, int64_t hidden_size);
  // x (B,E), s.h (B,H) [, s.c (B,H)] -> the next state.
  virtual RecurrentState step(const Var& x, const RecurrentState& s) const = 0;
  // All-zero state for a batch of B (no gradient): h (B,H), and c when the cell has one.
  RecurrentState zero_state(int64_t B) const;
  // This cell's state continuing another network's (the encoder's final state):
  // h as it is; c taken over when both have one, zeros when only this cell has one,
  // dropped when this cell has none.
  RecurrentState state_from(const RecurrentState& other) const;
  // Whether the state carries a cell state c besides h (LSTM overrides this).
  virtual bool has_cell_state() const { return false; }
  const std::string& name() const { return name_; }
  CellKind kind() const { return cell_kind_from_name(name_); }  // the registry row of name()

  int64_t input_size, hidden_size;  // E, H

 private:
  std::string name_;

 protected:
  // Throws a clear error unless x is (B,E) and the state is (B,H) (with c when needed).
  void check_step(const Var& x, const RecurrentState& s) const;
};

// The one list of cells. forget_bias is added to the forget gate's bias by a cell
// that has one (LSTM) and ignored by the others: 1.0 makes a fresh LSTM remember
// by default, which helps long sequences.
struct CellEntry {
  const char* name;  // on the CLI and in checkpoints; the cell's RecurrentCell::name()
  const char* help;
  int64_t gates;  // weight_ih is (gates·H, E): what the model's size estimate counts
  std::unique_ptr<RecurrentCell> (*make)(int64_t E, int64_t H, Rng& rng, real forget_bias);
  CellKind kind{};  // set by the registry: the row's position
};
Registry<CellEntry>& cell_registry();

// Registers a cell from outside this library when the program starts, and
// returns its kind (the next row):
//   const CellKind kMyCell = register_cell({"my_cell", "h' = ...", 2, make_my_cell});
CellKind register_cell(CellEntry e);

// The cell of `kind` from the registry; under the fast engine (core/engine.hpp)
// the same cell with a fused step where one exists (make_fused_cell).
std::unique_ptr<RecurrentCell> make_cell(CellKind kind, int64_t E, int64_t H, Rng& rng,
                                         real forget_bias = 0);
// The fast engine's version of a cell: the same parameters, drawn from rng in
// the same order, with a fused step (core/fast/fused_cells.hpp); nullptr when
// the cell has none.
std::unique_ptr<RecurrentCell> make_fused_cell(CellKind kind, int64_t E, int64_t H, Rng& rng,
                                               real lstm_forget_bias);
const char* to_string(CellKind kind);  // "rnn", "gru", "lstm", ...

}  // namespace s2s
