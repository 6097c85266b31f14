#pragma once
// The performance issue's reference workload: an LSTM encoder-decoder with
// additive attention, built only from the project's modules and core ops, so
// the benchmark measures exactly what students train with.
//
//   encoder:  (h_s, c_s) = enc(src_emb(x_s), (h_{s-1}, c_{s-1}))   from zero state
//             keys k_s = h_s                                        (B,S,H)
//   decoder:  starts from the encoder's final (h, c), context c_0 = 0
//             (h, c)  = dec([tgt_emb(y_t); ctx_{t-1}], (h, c))
//             e_i     = vᵀ tanh(W_k k_i + W_q h)      additive score, no biases
//             a       = softmax(e)                     (B,S)
//             ctx_t   = Σ_i a_i k_i                    (B,H)
//             logits_t = out([h; ctx_t])               (B,V), with bias
//   loss:     mean cross-entropy over the B·T target tokens.
//
// Parameter names and layouts are PyTorch's (bench/torch_reference.py builds
// the same model); the dotted names are listed in bench/README.md.
// The output projection is applied once to all T steps' [h; ctx] rows, a
// (B·T, 2H) x (2H, V) product: the same numbers as T separate products, and
// one large GEMM runs faster than T small ones (the PyTorch script does the same).
#include <string>

#include "attention/additive.hpp"
#include "attention/attention.hpp"
#include "core/error.hpp"
#include "core/fast/fast.hpp"
#include "nn/embedding.hpp"
#include "nn/linear.hpp"
#include "core/fast/fused_cells.hpp"

namespace s2s::bench {

struct ReferenceSizes {
  int64_t V, E, H, B, S, T;
};

// "small", "medium" or "large" as in the issue; anything else throws.
inline ReferenceSizes reference_sizes(const std::string& name) {
  if (name == "small") return {32, 32, 64, 16, 10, 10};
  if (name == "medium") return {1000, 128, 256, 32, 20, 20};
  if (name == "large") return {8000, 256, 512, 64, 30, 30};
  throw Error("reference sizes: expected small, medium or large, got '" + name + "'");
}

class ReferenceModel : public Module {
 public:
  ReferenceModel(const ReferenceSizes& z, Rng& rng)
      : sz(z),
        src_emb(z.V, z.E, rng),
        tgt_emb(z.V, z.E, rng),
        enc(z.E, z.H, rng),
        dec(z.E + z.H, z.H, rng),
        W_k(z.H, z.H, rng, /*bias=*/false),
        W_q(z.H, z.H, rng, /*bias=*/false),
        v(z.H, 1, rng, /*bias=*/false),
        out(2 * z.H, z.V, rng) {
    register_module("src_emb", src_emb);
    register_module("tgt_emb", tgt_emb);
    register_module("enc", enc);
    register_module("dec", dec);
    register_module("W_k", W_k);
    register_module("W_q", W_q);
    register_module("v", v);
    register_module("out", out);
  }

  // src (B,S) and tgt (B,T+1) row-major token ids. Decoder inputs are
  // tgt[:, :T], targets tgt[:, 1:]. Returns the scalar mean cross-entropy.
  //
  // With fused_lstm the input halves of the LSTM products are hoisted out of
  // the time loops: x_t W_ihᵀ + b_ih does not depend on the state, so it is
  // computed for all steps at once, one (S·B,E)x(E,4H) product instead of S
  // (B,E)x(E,4H) ones; the loop keeps only the h W_hhᵀ + b_hh part. The
  // embeddings are looked up time-major, row s·B + b, so that step s's
  // pre-activations are the contiguous rows [s·B, (s+1)·B): one cheap slice,
  // no reshape. The decoder's input is [y_t; ctx_{t-1}], so its W_ih splits
  // into columns [W_y W_c]:
  //   [y_t; ctx] W_ihᵀ + b_ih = (y_t W_yᵀ + b_ih) + ctx W_cᵀ
  // and only the context part, which needs the previous step, stays in the loop.
  // Same math as the per-step cell (rounding aside); the composed path is kept
  // per step, as the readable reference.
  Var loss(const Ids& src, const Ids& tgt) const {
    const int64_t E = sz.E, H = sz.H, B = sz.B, S = sz.S, T = sz.T;
    S2S_CHECK(static_cast<int64_t>(src.size()) == B * S &&
                  static_cast<int64_t>(tgt.size()) == B * (T + 1),
              "ReferenceModel: need src (B,S) = {} ids and tgt (B,T+1) = {} ids, got {} and {}",
              B * S, B * (T + 1), src.size(), tgt.size());
    // --- encoder -------------------------------------------------------------------
    RecurrentState st = enc.zero_state(B);
    std::vector<Var>& hs = scratch_.hs;
    hs.clear();  // (also after a step that threw)
    Ids& src_tm = scratch_.src_tm;
    const bool fused_lstm = fast_engine();  // the fast engine hoists the input projections
    if (fused_lstm) {
      src_tm.resize(src.size());  // time-major: row s·B + b = src[b, s]
      for (int64_t b = 0; b < B; ++b)
        for (int64_t s = 0; s < S; ++s) src_tm[s * B + b] = src[b * S + s];
      Var x_pre = enc.project_input(src_emb.forward(src_tm, {S * B}));  // (S·B,4H)
      for (int64_t s = 0; s < S; ++s) {
        st = enc.step_preactivated(slice(x_pre, 0, s * B, (s + 1) * B), st);  // (B,4H)
        hs.push_back(st.h);
      }
    } else {
      Var x = src_emb.forward(src, {B, S});  // (B,S,E)
      for (int64_t s = 0; s < S; ++s) {
        st = enc.step(select(x, 1, s), st);
        hs.push_back(st.h);
      }
    }
    Var keys = stack(hs, 1);  // (B,S,H)
    Var kp = W_k(keys);       // (B,S,H)  W_k k_i, once per sequence
    // --- decoder ---------------------------------------------------------------------
    Ids &dec_in = scratch_.dec_in, &targets = scratch_.targets;
    dec_in.resize(static_cast<size_t>(B * T));
    targets.resize(static_cast<size_t>(B * T));
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < T; ++t) {
        // fused: time-major row t·B + b (see above); composed: (B,T) row-major
        dec_in[fused_lstm ? t * B + b : b * T + t] = tgt[b * (T + 1) + t];
        targets[b * T + t] = tgt[b * (T + 1) + t + 1];
      }
    Var y, y_pre, W_c;
    if (fused_lstm) {
      Var W_y = slice(dec.weight_ih, 1, 0, E);  // (4H,E)  columns of the embedding
      W_c = slice(dec.weight_ih, 1, E, E + H);  // (4H,H)  columns of the context
      y_pre = linear(tgt_emb.forward(dec_in, {T * B}), W_y, &dec.bias_ih);  // (T·B,4H)
    } else {
      y = tgt_emb.forward(dec_in, {B, T});  // (B,T,E)
    }
    Var ctx(Tensor::zeros({B, H}));      // c_0 = 0
    Var v_vec = reshape(v.weight, {H});  // (H) the score vector v of vᵀ tanh(...)
    std::vector<Var>& hc = scratch_.hc;  // [h; ctx_t] per step
    hc.clear();
    for (int64_t t = 0; t < T; ++t) {
      if (fused_lstm) {
        Var x_pre = slice(y_pre, 0, t * B, (t + 1) * B);          // (B,4H)
        if (t > 0) x_pre = linear_add(ctx, W_c, nullptr, x_pre);  // + ctx W_cᵀ (ctx_0 = 0: nothing)
        st = dec.step_preactivated(x_pre, st);
      } else {
        st = dec.step(concat({select(y, 1, t), ctx}, 1), st);
      }
      // (one fused op each under the fast engine)
      Var e = additive_energy(kp, W_q(st.h), v_vec);  // (B,S)   e_i = vᵀ tanh(W_k k_i + W_q h)
      Var a = softmax(e, 1);                          // (B,S)
      ctx = weighted_sum(a, keys);                    // (B,H) = Σ_i a_i k_i
      hc.push_back(concat({st.h, ctx}, 1));           // (B,2H)
    }
    Var logits = out(reshape(stack(hc, 1), {B * T, 2 * H}));  // (B·T,V), row b*T+t
    hs.clear();  // (the graph holds what it needs; keep only the lists' room)
    hc.clear();
    return cross_entropy(logits, targets);
  }

  ReferenceSizes sz;
  // Under the fast engine the input projections are hoisted out of the loops and
  // each step is FusedLSTMCell::step_preactivated (fused gates); under the reference
  // engine each step is LSTMCell::step (one op per equation).
  // tests/engine_contract_test.cpp trains both and compares losses.
  Embedding src_emb, tgt_emb;
  FusedLSTMCell enc, dec;
  Linear W_k, W_q, v, out;

 private:
  // Lists and index buffers that loss() refills each step: reused, so that a
  // training step of this model makes no heap allocation at all once warm
  // (everything else comes from the storage pool). Not thread-safe: one
  // model, one training loop.
  struct Scratch {
    std::vector<Var> hs, hc;
    Ids src_tm, dec_in, targets;
  };
  mutable Scratch scratch_;
};

}  // namespace s2s::bench
