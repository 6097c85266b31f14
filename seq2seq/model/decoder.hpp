#pragma once
// Decoder: produces the target one token at a time.
//
//   start(encoder output)   → state d_0
//   step(y_{t-1}, state)     → logits over the target vocabulary (B,V) for y_t,
//                              and (attention decoders) the weights a_t (B,S)
//
// Two kinds, one file each:
//   bottleneck_decoder.hpp  all the source squeezed into one vector d_0
//   attention_decoder.hpp   a new context vector c_t at every step
#include <vector>

#include "attention/attention.hpp"
#include "nn/recurrent_cell.hpp"
#include "seq2seq/model/encoder.hpp"

namespace s2s {

class DecoderSelfAttention;

// Everything a decoder carries from one step to the next.
struct DecoderState {
  RecurrentState rnn;                 // d_t (B,H) [+ the cell's c_t], the top decoder layer's
  std::vector<RecurrentState> lower;  // the layers below the top (decoder_layers > 1), bottom first
  Var feed;                  // input feeding: h̃_{t-1} (B,H); undefined at t = 0
  Var prev_weights;          // a_{t-1} (B,S) for location-aware scores
  std::vector<Var> history;  // d_1..d_t for decoder self-attention
  int64_t t = 0;             // steps taken
  // Dropout masks come from here (the training run's seeded Rng); null, as start()
  // leaves it, means no dropout: decoding and evaluation are deterministic.
  Rng* dropout_rng = nullptr;
  // Per-sequence cache, computed once in start(): the attention's keys and values.
  AttentionMemory memory;
};

struct StepOutput {
  Var logits;   // (B,V) scores for the next token
  Var weights;  // (B,S) attention weights a_t; undefined without attention
  // For viewers (seq2seq/plot/explorer_data.hpp); undefined when the model has none:
  Var input_weights{};  // (B,S) placement "both": the input side's a_t (weights is the output's)
  Var self_weights{};   // (B,t) decoder self-attention over d_1..d_{t-1} (empty at t = 0)
  Var position{};       // (B) local attention's window centre p_t
};

class Decoder : public Module {
 public:
  virtual DecoderState start(const EncoderOutput& enc) const = 0;
  // y_prev (B) ids of the previous tokens (<sos> at t = 0).
  virtual StepOutput step(const Ids& y_prev, DecoderState& s, const EncoderOutput& enc) const = 0;
  virtual bool has_attention() const = 0;
  // The attention module queried with d_t (input_side: the one queried with d_{t-1},
  // placements input and both); null when there is none.
  virtual const AttentionModule* attention(bool /*input_side*/ = false) const { return nullptr; }
  // The decoder's self-attention over d_1..d_{t-1} (attention/self_attention.hpp);
  // null when it has none.
  virtual const DecoderSelfAttention* self_attention() const { return nullptr; }
};

// Keeps rows `rows` of every per-row tensor of the state (beam search reorders
// hypotheses with this): result row i = old row rows[i].
void reorder_state(DecoderState& s, const Ids& rows);
// Row selection for any Var whose first axis is the batch: (B,...) → (n,...).
Var take_rows(const Var& v, const Ids& rows);

}  // namespace s2s
