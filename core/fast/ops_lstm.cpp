// The LSTM cell's elementwise part as two ops (a speed path for nn/lstm_cell).
//
// Composed from core ops, one LSTM step after the gate pre-activations makes
// about a dozen graph nodes (4 slices, 3 sigmoids, 2 tanhs, 3 products, a sum),
// each allocating its output and, in backward, its input gradients. For the
// small batches of seq2seq training that bookkeeping costs more than the math.
// Here the step is two ops, one per output of the cell, so that h' and c' are
// separate nodes (no [h' c'] output to cut into halves, forward and backward):
//   c' = lstm_cell_update(pre, c)      h' = lstm_hidden(pre, c')
// tests/nn_lstm_fused_test.cpp checks they equal the composed cell (values and
// gradients) and tests/gradcheck/lstm_fused_gradcheck.cpp gradient-checks them.
#include <algorithm>

#include "core/error.hpp"
#include "core/fast/fast.hpp"
#include "core/fast/fast_math.hpp"
#include "core/fast/thread_pool.hpp"

namespace s2s {

namespace {
// Checks pre (B,4H) against a cell state (B,H) and returns B and H.
struct BH {
  int64_t B, H;
};
BH lstm_shapes(const Var& pre, const Var& cell, const char* op) {
  S2S_CHECK(pre.defined() && cell.defined(), "{}: an input Var is undefined", op);
  S2S_CHECK(cell.rank() == 2, "{}: cell state must be (B,H), got {}", op, shape_str(cell.shape()));
  const int64_t B = cell.size(0), H = cell.size(1);
  S2S_CHECK(pre.shape() == (Shape{B, 4 * H}),
            "{}: gate pre-activations must be (B,4H) = ({},{}) for cell state {}, got {}", op, B,
            4 * H, shape_str(cell.shape()), shape_str(pre.shape()));
  return {B, H};
}
}  // namespace

// With pre = [a_i a_f a_g a_o] (B,4H), gates i = σ(a_i), f = σ(a_f), g = tanh(a_g):
//   c' = f ⊙ c + i ⊙ g                                  (B,H)
// Backward, from dc':
//   da_i += dc' ⊙ g ⊙ i(1-i)    da_f += dc' ⊙ c ⊙ f(1-f)    da_g += dc' ⊙ i ⊙ (1-g²)
//   dc   += dc' ⊙ f             (a_o does not enter c')
Var lstm_cell_update(const Var& pre, const Var& c) {
  require_fast_engine("lstm_cell_update");
  const BH z = lstm_shapes(pre, c, "lstm_cell_update");
  const int64_t B = z.B, H = z.H;
  Tensor ifg = Tensor::uninitialized({B, 3 * H});  // i, f, g after their nonlinearities
  Tensor c_new = Tensor::uninitialized({B, H});
  for_each_row(B, 4 * H, [&](int64_t b) {  // rows are independent
    const real* a = pre.value().data() + b * 4 * H;
    const real* cb = c.value().data() + b * H;
    real* act = ifg.data() + b * 3 * H;
    real* cn = c_new.data() + b * H;
    // One simple loop per block, so each vectorizes: σ on [i f], tanh on g.
    for (int64_t j = 0; j < 2 * H; ++j) act[j] = fast::sigmoid_of(a[j]);
    for (int64_t j = 2 * H; j < 3 * H; ++j) act[j] = fast::tanh_of(a[j]);
    for (int64_t j = 0; j < H; ++j) cn[j] = act[H + j] * cb[j] + act[j] * act[2 * H + j];
  });
  return Var::make("lstm_cell_update", std::move(c_new), {pre, c},
                   [ifg = std::move(ifg), B, H](Node& self) {
                     Tensor* dpre = self.input_grad(0);
                     Tensor* dc = self.input_grad(1);
                     for_each_row(B, 4 * H, [&](int64_t b) {
                       const real* i = ifg.data() + b * 3 * H;
                       const real *f = i + H, *g = i + 2 * H;
                       const real* cb = self.input(1).data() + b * H;
                       const real* dcn = self.grad.data() + b * H;
                       if (dpre) {  // one loop per gate block (few pointers: they vectorize)
                         real* d = dpre->data() + b * 4 * H;
                         for (int64_t j = 0; j < H; ++j) d[j] += dcn[j] * g[j] * i[j] * (1 - i[j]);
                         for (int64_t j = 0; j < H; ++j)
                           d[H + j] += dcn[j] * cb[j] * f[j] * (1 - f[j]);
                         for (int64_t j = 0; j < H; ++j)
                           d[2 * H + j] += dcn[j] * i[j] * (1 - g[j] * g[j]);
                       }
                       if (dc) {
                         real* d = dc->data() + b * H;
                         for (int64_t j = 0; j < H; ++j) d[j] += dcn[j] * f[j];
                       }
                     });
                   });
}

// With o = σ(a_o) the output gate (the last H columns of pre) and the new cell c':
//   h' = o ⊙ tanh(c')                                   (B,H)
// Backward, from dh', with t = tanh(c'):
//   da_o += dh' ⊙ t ⊙ o(1-o)      dc' += dh' ⊙ o ⊙ (1-t²)
Var lstm_hidden(const Var& pre, const Var& c_new) {
  require_fast_engine("lstm_hidden");
  const BH z = lstm_shapes(pre, c_new, "lstm_hidden");
  const int64_t B = z.B, H = z.H;
  Tensor ot = Tensor::uninitialized({B, 2 * H});  // [o, tanh(c')] per row, kept for backward
  Tensor h = Tensor::uninitialized({B, H});
  for_each_row(B, 2 * H, [&](int64_t b) {
    const real* a_o = pre.value().data() + b * 4 * H + 3 * H;
    const real* cn = c_new.value().data() + b * H;
    real* o = ot.data() + b * 2 * H;
    real* t = o + H;
    real* hb = h.data() + b * H;
    for (int64_t j = 0; j < H; ++j) o[j] = fast::sigmoid_of(a_o[j]);
    for (int64_t j = 0; j < H; ++j) t[j] = fast::tanh_of(cn[j]);
    for (int64_t j = 0; j < H; ++j) hb[j] = o[j] * t[j];
  });
  return Var::make("lstm_hidden", std::move(h), {pre, c_new},
                   [ot = std::move(ot), B, H](Node& self) {
                     Tensor* dpre = self.input_grad(0);
                     Tensor* dc = self.input_grad(1);
                     for_each_row(B, 2 * H, [&](int64_t b) {
                       const real* o = ot.data() + b * 2 * H;
                       const real* t = o + H;
                       const real* dh = self.grad.data() + b * H;
                       if (dpre) {
                         real* d = dpre->data() + b * 4 * H + 3 * H;
                         for (int64_t j = 0; j < H; ++j) d[j] += dh[j] * t[j] * o[j] * (1 - o[j]);
                       }
                       if (dc) {
                         real* d = dc->data() + b * H;
                         for (int64_t j = 0; j < H; ++j) d[j] += dh[j] * o[j] * (1 - t[j] * t[j]);
                       }
                     });
                   });
}

}  // namespace s2s
