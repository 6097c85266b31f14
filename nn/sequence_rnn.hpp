#pragma once
// SequenceRNN: runs a recurrent cell over a padded batch of sequences.
//
//   x (B,S,E) with lengths[b] ∈ [1,S] real tokens in row b (the rest is padding)
//   for t = 0..S-1:  s_t = m_t ? cell(x_t, s_{t-1}) : s_{t-1}      m_t = (t < lengths)
//                    out_t = m_t ? h_t : 0
//
// Masking with where() means padded steps leave the state unchanged (so the
// final state is the state at each sequence's last real token) and receive no
// gradient: padding a batch never changes the results of its shorter rows.
//
// Options: stacked layers (layer l+1 reads layer l's outputs, with optional
// dropout in between while training) and bidirectional (a second cell reads
// each sequence backwards, starting at its last real token; the outputs are
// concatenated, forward first → (B,S,2H)).
//
// Submodule names: "cell" for one unidirectional layer, otherwise
// "layers.<l>.fwd" and "layers.<l>.bwd" (e.g. "layers.1.bwd.weight_hh").
#include <memory>
#include <string>
#include <vector>

#include "nn/module_list.hpp"
#include "nn/recurrent_cell.hpp"

namespace s2s {

struct SequenceOutput {
  Var outputs;                        // (B,S,H*dirs), zeros at padded steps
  std::vector<RecurrentState> final;  // per layer×direction: [l0 fwd, l0 bwd, l1 fwd, ...]
  // Top layer, forward direction: h_t after each step t (B,H). Call retain_grad()
  // on them before backward() to measure ‖∂L/∂h_t‖ through time.
  std::vector<Var> step_states;
};

struct SequenceRNNOptions {
  CellKind kind = CellKind::lstm;
  int64_t num_layers = 1;
  bool bidirectional = false;
  real dropout = 0;           // between stacked layers, training mode only
  real lstm_forget_bias = 0;  // see make_cell
};

// (B,S) mask: 1 where s < lengths[b] (a real token), 0 at padding. Checks
// that there are B lengths, each in [1,S]; `who` names the caller in errors.
Tensor length_mask(const std::vector<int64_t>& lengths, int64_t B, int64_t S,
                   const char* who = "length_mask");

class SequenceRNN : public Module {
 public:
  SequenceRNN(int64_t input_size, int64_t hidden_size, Rng& rng, SequenceRNNOptions opts = {});

  // x (B,S,E). `initial` is empty (zero state) or one state per layer×direction,
  // ordered like SequenceOutput::final. dropout_rng is needed only when
  // training with dropout > 0 and num_layers > 1.
  SequenceOutput forward(const Var& x, const std::vector<int64_t>& lengths,
                         const std::vector<RecurrentState>& initial = {},
                         Rng* dropout_rng = nullptr) const;

  int64_t num_directions() const { return bidirectional ? 2 : 1; }
  // The cell of a layer and direction (0 forward, 1 backward).
  const RecurrentCell& cell(int64_t layer, int direction = 0) const;

  int64_t input_size, hidden_size, num_layers;
  bool bidirectional;
  real dropout;
  CellKind kind;

 private:
  // One stacked layer: a forward cell and, when bidirectional, a backward one.
  struct Layer : Module {
    Layer(std::unique_ptr<RecurrentCell> f, std::unique_ptr<RecurrentCell> b);
    std::unique_ptr<RecurrentCell> fwd, bwd;  // bwd is null unless bidirectional
  };
  std::unique_ptr<RecurrentCell> single_;    // registered as "cell"
  ModuleList<Layer> layers_;                 // registered as "layers" otherwise
  std::vector<const RecurrentCell*> cells_;  // layer-major, like SequenceOutput::final
};

}  // namespace s2s
