#include "nn/sequence_rnn.hpp"

#include "core/error.hpp"
#include "nn/dropout.hpp"

namespace s2s {

Tensor length_mask(const std::vector<int64_t>& lengths, int64_t B, int64_t S, const char* who) {
  S2S_CHECK(static_cast<int64_t>(lengths.size()) == B, "{}: {} lengths for a batch of {}", who,
            lengths.size(), B);
  Tensor mask({B, S});
  for (int64_t b = 0; b < B; ++b) {
    S2S_CHECK(lengths[b] >= 1 && lengths[b] <= S,
              "{}: lengths[{}] = {} is outside [1, {}] (the padded length S)", who, b, lengths[b],
              S);
    for (int64_t s = 0; s < lengths[b]; ++s) mask[b * S + s] = 1;
  }
  return mask;
}

SequenceRNN::SequenceRNN(int64_t E, int64_t H, Rng& rng, SequenceRNNOptions o)
    : input_size(E),
      hidden_size(H),
      num_layers(o.num_layers),
      bidirectional(o.bidirectional),
      dropout(o.dropout),
      kind(o.kind) {
  S2S_CHECK(num_layers >= 1, "SequenceRNN: num_layers must be >= 1, got {}", num_layers);
  S2S_CHECK(dropout >= 0 && dropout < 1, "SequenceRNN: dropout must be in [0, 1), got {}", dropout);
  if (num_layers == 1 && !bidirectional) {
    single_ = make_cell(kind, E, H, rng, o.lstm_forget_bias);
    register_module("cell", *single_);
    cells_.push_back(single_.get());
    return;
  }
  for (int64_t l = 0; l < num_layers; ++l) {
    const int64_t in = l == 0 ? E : H * num_directions();  // layer l reads layer l-1's outputs
    auto fwd = make_cell(kind, in, H, rng, o.lstm_forget_bias);
    auto bwd = bidirectional ? make_cell(kind, in, H, rng, o.lstm_forget_bias) : nullptr;
    Layer& layer = layers_.push_back(std::make_unique<Layer>(std::move(fwd), std::move(bwd)));
    cells_.push_back(layer.fwd.get());
    if (layer.bwd) cells_.push_back(layer.bwd.get());
  }
  register_module("layers", layers_);
}

SequenceRNN::Layer::Layer(std::unique_ptr<RecurrentCell> f, std::unique_ptr<RecurrentCell> b)
    : fwd(std::move(f)), bwd(std::move(b)) {
  register_module("fwd", *fwd);
  if (bwd) register_module("bwd", *bwd);
}

const RecurrentCell& SequenceRNN::cell(int64_t layer, int direction) const {
  S2S_CHECK(layer >= 0 && layer < num_layers && direction >= 0 && direction < num_directions(),
            "SequenceRNN: no cell for layer {} direction {} ({} layers, {} directions)", layer,
            direction, num_layers, num_directions());
  return *cells_[layer * num_directions() + direction];
}

namespace {

// One direction of one layer over per-step inputs xs[t] (B,In). Steps run
// t = 0..S-1, or S-1..0 when reverse; pad[t] (B,1) is 1 where step t is padding.
// Returns the per-step outputs (zeros at padding), fills h_steps[t] with the
// state h after step t and leaves the final state in `state`.
std::vector<Var> run_direction(const RecurrentCell& cell, const std::vector<Var>& xs,
                               const std::vector<Tensor>& pad, bool any_pad, bool reverse,
                               RecurrentState& state, std::vector<Var>& h_steps) {
  const int64_t S = static_cast<int64_t>(xs.size());
  std::vector<Var> outs(S);
  h_steps.assign(S, Var());
  for (int64_t k = 0; k < S; ++k) {
    const int64_t t = reverse ? S - 1 - k : k;
    RecurrentState next = cell.step(xs[t], state);
    if (any_pad) {
      // Padded rows keep the old state: s_t = pad ? s_{t-1} : next.
      next.h = where(pad[t], state.h, next.h);
      if (next.c.defined()) next.c = where(pad[t], state.c, next.c);
      outs[t] = masked_fill(next.h, pad[t], 0);
    } else {
      outs[t] = next.h;
    }
    state = next;
    h_steps[t] = state.h;
  }
  return outs;
}

}  // namespace

SequenceOutput SequenceRNN::forward(const Var& x, const std::vector<int64_t>& lengths,
                                    const std::vector<RecurrentState>& initial,
                                    Rng* dropout_rng) const {
  S2S_CHECK(x.defined() && x.rank() == 3 && x.size(2) == input_size,
            "SequenceRNN: input must be (B,S,{}), got {}", input_size,
            x.defined() ? shape_str(x.shape()) : "undefined");
  const int64_t B = x.size(0), S = x.size(1), H = hidden_size, D = num_directions();
  S2S_CHECK(B > 0 && S > 0, "SequenceRNN: input {} has an empty batch or sequence",
            shape_str(x.shape()));
  const Tensor mask = length_mask(lengths, B, S, "SequenceRNN");
  const int64_t n_states = num_layers * D;
  S2S_CHECK(initial.empty() || static_cast<int64_t>(initial.size()) == n_states,
            "SequenceRNN: {} initial states given, need 0 or {} (layers × directions)",
            initial.size(), n_states);
  for (size_t i = 0; i < initial.size(); ++i) {
    S2S_CHECK(initial[i].h.defined() && initial[i].h.shape() == Shape({B, H}),
              "SequenceRNN: initial state {} h must be ({},{}), got {}", i, B, H,
              initial[i].h.defined() ? shape_str(initial[i].h.shape()) : "undefined");
    S2S_CHECK(!cells_[i]->has_cell_state() ||
                  (initial[i].c.defined() && initial[i].c.shape() == Shape({B, H})),
              "SequenceRNN: initial state {} c must be ({},{}) for an LSTM", i, B, H);
  }

  // pad[t] (B,1): 1 where step t of row b is padding.
  bool any_pad = false;
  std::vector<Tensor> pad(S, Tensor({B, 1}));
  for (int64_t t = 0; t < S; ++t)
    for (int64_t b = 0; b < B; ++b) {
      pad[t][b] = 1 - mask[b * S + t];
      any_pad = any_pad || pad[t][b] != 0;
    }

  std::vector<Var> layer_in(S);  // current layer's inputs per step, (B,In)
  for (int64_t t = 0; t < S; ++t) layer_in[t] = select(x, 1, t);

  SequenceOutput out;
  for (int64_t l = 0; l < num_layers; ++l) {
    if (l > 0 && training() && dropout > 0) {
      S2S_CHECK(dropout_rng != nullptr,
                "SequenceRNN: training with dropout {} between layers needs a dropout_rng",
                dropout);
      for (auto& v : layer_in) v = v * Var(dropout_mask(v.shape(), dropout, *dropout_rng));
    }
    std::vector<std::vector<Var>> dir_outs;
    for (int64_t d = 0; d < D; ++d) {
      const RecurrentCell& c = *cells_[l * D + d];
      RecurrentState state = initial.empty() ? c.zero_state(B) : initial[l * D + d];
      std::vector<Var> h_steps;
      dir_outs.push_back(run_direction(c, layer_in, pad, any_pad, d == 1, state, h_steps));
      out.final.push_back(state);
      if (l == num_layers - 1 && d == 0) out.step_states = std::move(h_steps);
    }
    for (int64_t t = 0; t < S; ++t)
      layer_in[t] = D == 1 ? dir_outs[0][t] : concat({dir_outs[0][t], dir_outs[1][t]}, 1);
  }
  out.outputs = stack(layer_in, 1);  // (B,S,H*D)
  return out;
}

}  // namespace s2s
