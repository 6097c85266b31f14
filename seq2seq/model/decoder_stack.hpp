#pragma once
// What both decoders share for regularisation and capacity (issue 25):
//
// Dropout in training only. The Rng is the training run's (DecoderState::
// dropout_rng, EncoderOutput's caller); without one the op is the identity, so
// decoding and evaluation never drop anything:
//   drop(x) = x ⊙ m,  m_i = 1/(1-p) with probability 1-p, else 0   (nn/dropout.hpp)
//
// Stacked decoder cells (decoder_layers L). Layer 1 reads the step's input x_t,
// layer l > 1 reads the new state of the layer below it, dropped out:
//   d^1_t = cell_1(x_t, d^1_{t-1}),   d^l_t = cell_l(drop(d^{l-1}_t), d^l_{t-1}),
//   d_t = d^L_t   (the state attention queries and the output layer reads).
// Every layer starts from the encoder's final (bridged) state: d^l_0 = d_0.
#include "nn/module_list.hpp"
#include "seq2seq/model/decoder.hpp"

namespace s2s {

// drop(x) above; x itself when rng is null or p = 0.
Var train_dropout(const Var& x, real p, Rng* rng);

// The cells of layers 2..L (layer 1 is the decoder's `cell`), each H → H.
void make_upper_cells(ModuleList<RecurrentCell>& upper, CellKind kind, int64_t layers,
                      int64_t hidden, Rng& rng);

// Sets s.lower to L - 1 copies of the initial state s.rnn (d^l_0 = d_0).
void start_stack(DecoderState& s, const ModuleList<RecurrentCell>& upper);

// One step of the stack above: s.lower (layers 1..L-1) and s.rnn (layer L) advance.
// p: the dropout between layers.
void step_stack(const RecurrentCell& bottom, const ModuleList<RecurrentCell>& upper, const Var& x,
                DecoderState& s, real p);

// The range every dropout setting must be in.
void check_dropout(real p, const char* what);

}  // namespace s2s
