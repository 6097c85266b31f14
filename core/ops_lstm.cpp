// The LSTM cell's elementwise part as one op (a speed path for nn/lstm_cell).
//
// Composed from core ops, one LSTM step after the gate pre-activations makes
// about a dozen graph nodes (4 slices, 3 sigmoids, 2 tanhs, 3 products, a sum),
// each allocating its output and, in backward, its input gradients. For the
// small batches of seq2seq training that bookkeeping costs more than the math.
// This op does the same math in one pass forward and one pass backward.
// tests/nn_lstm_fused_test.cpp checks it equals the composed cell (values and
// gradients) and tests/gradcheck/lstm_fused_gradcheck.cpp gradient-checks it.
#include <algorithm>

#include "core/error.hpp"
#include "core/fast_math.hpp"
#include "core/ops.hpp"
#include "core/thread_pool.hpp"

namespace s2s {

#define X(i) (self.inputs[i]->value)

// Forward, with pre = [a_i a_f a_g a_o] (B,4H) and the old cell c (B,H):
//   i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)
//   c' = f ⊙ c + i ⊙ g      h' = o ⊙ tanh(c')       output [h' c'] (B,2H)
// Backward, from dh' and dc' (the two halves of the output gradient):
//   dc'_total = dc' + dh' ⊙ o ⊙ (1 - tanh²(c'))     (c' feeds h' too)
//   da_i = dc'_total ⊙ g ⊙ i(1-i)      da_f = dc'_total ⊙ c ⊙ f(1-f)
//   da_g = dc'_total ⊙ i ⊙ (1-g²)      da_o = dh' ⊙ tanh(c') ⊙ o(1-o)
//   dc  += dc'_total ⊙ f
Var lstm_pointwise(const Var& pre, const Var& c) {
  S2S_CHECK(c.rank() == 2, "lstm_pointwise: cell state must be (B,H), got {}",
            shape_str(c.shape()));
  const int64_t B = c.size(0), H = c.size(1);
  S2S_CHECK(pre.shape() == (Shape{B, 4 * H}),
            "lstm_pointwise: gate pre-activations must be (B,4H) = ({},{}) for cell state {}, "
            "got {}",
            B, 4 * H, shape_str(c.shape()), shape_str(pre.shape()));
  Tensor act = Tensor::uninitialized(
      {B, 4 * H});  // i, f, g, o after their nonlinearities, kept for backward
  Tensor tc = Tensor::uninitialized({B, H});       // tanh(c'), kept for backward
  Tensor out = Tensor::uninitialized({B, 2 * H});  // [h' c']
  for_each_row(B, 6 * H, [&](int64_t b) {          // rows are independent
    const real* a = pre.value().data() + b * 4 * H;
    const real* cb = c.value().data() + b * H;
    real* ac = act.data() + b * 4 * H;
    real* t = tc.data() + b * H;
    real* h_out = out.data() + b * 2 * H;
    real* c_out = h_out + H;
    // One simple loop per block, so each vectorizes: σ on [i f], tanh on g, σ on o.
    for (int64_t j = 0; j < 2 * H; ++j) ac[j] = fast::sigmoid_of(a[j]);
    for (int64_t j = 2 * H; j < 3 * H; ++j) ac[j] = fast::tanh_of(a[j]);
    for (int64_t j = 3 * H; j < 4 * H; ++j) ac[j] = fast::sigmoid_of(a[j]);
    for (int64_t j = 0; j < H; ++j) c_out[j] = ac[H + j] * cb[j] + ac[j] * ac[2 * H + j];
    for (int64_t j = 0; j < H; ++j) t[j] = fast::tanh_of(c_out[j]);
    for (int64_t j = 0; j < H; ++j) h_out[j] = ac[3 * H + j] * t[j];
  });
  return Var::make("lstm_pointwise", std::move(out), {pre, c},
                   [act = std::move(act), tc = std::move(tc), B, H](Node& self) {
                     Tensor* dpre = self.input_grad(0);
                     Tensor* dc = self.input_grad(1);
                     for_each_row(B, 6 * H, [&](int64_t b) {
                       const real* i = act.data() + b * 4 * H;
                       const real *f = i + H, *g = i + 2 * H, *o = i + 3 * H;
                       const real* t = tc.data() + b * H;
                       const real* cb = X(1).data() + b * H;
                       const real* dh = self.grad.data() + b * 2 * H;
                       const real* dcn = dh + H;
                       // dc'_total, recomputed in each loop (cheaper than a buffer)
                       auto dct = [&](int64_t j) {
                         return dcn[j] + dh[j] * o[j] * (1 - t[j] * t[j]);
                       };
                       if (dpre) {
                         real* d = dpre->data() + b * 4 * H;
                         // One loop per gate block (few pointers each: they vectorize).
                         for (int64_t j = 0; j < H; ++j) d[j] += dct(j) * g[j] * i[j] * (1 - i[j]);
                         for (int64_t j = 0; j < H; ++j)
                           d[H + j] += dct(j) * cb[j] * f[j] * (1 - f[j]);
                         for (int64_t j = 0; j < H; ++j)
                           d[2 * H + j] += dct(j) * i[j] * (1 - g[j] * g[j]);
                         for (int64_t j = 0; j < H; ++j)
                           d[3 * H + j] += dh[j] * t[j] * o[j] * (1 - o[j]);
                       }
                       if (dc) {
                         real* d = dc->data() + b * H;
                         for (int64_t j = 0; j < H; ++j) d[j] += dct(j) * f[j];
                       }
                     });
                   });
}

}  // namespace s2s
