// The GRU cell's elementwise part as one op (a speed path for nn/gru_cell).
//
// Composed from core ops, one GRU step after its two projections makes 17
// graph nodes (6 slices, 2 sigmoids, a tanh, 4 products, 4 sums), each
// allocating its output and, in backward, its input gradients. For the small
// batches of seq2seq training that bookkeeping costs more than the math:
//   h' = gru_hidden(xi, hh, h)
// tests/nn_gru_fused_test.cpp checks it equals the composed cell (values and
// gradients) and tests/gradcheck/gru_fused_gradcheck.cpp gradient-checks it.
#include "core/error.hpp"
#include "core/fast/fast.hpp"
#include "core/fast/fast_math.hpp"
#include "core/fast/grad_handover.hpp"
#include "core/fast/thread_pool.hpp"

namespace s2s {

// With xi = [x_r x_z x_n] = x W_ihᵀ + b_ih and hh = [h_r h_z h_n] = h W_hhᵀ + b_hh (B,3H):
//   r = σ(x_r + h_r)    z = σ(x_z + h_z)    n = tanh(x_n + r ⊙ h_n)
//   h' = (1 - z) ⊙ n + z ⊙ h                                          (B,H)
// Backward, from dh':
//   a_n = dh' ⊙ (1-z) ⊙ (1-n²)           (the gradient at n's pre-activation)
//   a_r = a_n ⊙ h_n ⊙ r(1-r)             a_z = dh' ⊙ (h - n) ⊙ z(1-z)
//   dxi += [a_r a_z a_n]    dhh += [a_r a_z a_n ⊙ r]    dh += dh' ⊙ z
Var gru_hidden(const Var& xi, const Var& hh, const Var& h) {
  require_fast_engine("gru_hidden");
  S2S_CHECK(xi.defined() && hh.defined() && h.defined(), "gru_hidden: an input Var is undefined");
  S2S_CHECK(h.rank() == 2, "gru_hidden: hidden state must be (B,H), got {}", shape_str(h.shape()));
  const int64_t B = h.size(0), H = h.size(1);
  for (const Var* p : {&xi, &hh})
    S2S_CHECK(p->shape() == (Shape{B, 3 * H}),
              "gru_hidden: {} must be (B,3H) = ({},{}) for hidden state {}, got {}",
              p == &xi ? "input projection xi" : "hidden projection hh", B, 3 * H,
              shape_str(h.shape()), shape_str(p->shape()));
  Tensor rzn = Tensor::uninitialized({B, 3 * H});  // r, z, n per row, kept for backward
  Tensor h_new = Tensor::uninitialized({B, H});
  for_each_row(B, 3 * H, [&](int64_t b) {  // rows are independent
    const real* x = xi.value().data() + b * 3 * H;
    const real* y = hh.value().data() + b * 3 * H;
    const real* hb = h.value().data() + b * H;
    real* a = rzn.data() + b * 3 * H;
    real* out = h_new.data() + b * H;
    // One simple loop per block, so each vectorizes.
    for (int64_t j = 0; j < 2 * H; ++j) a[j] = fast::sigmoid_of(x[j] + y[j]);  // r, z
    for (int64_t j = 0; j < H; ++j)
      a[2 * H + j] = fast::tanh_of(x[2 * H + j] + a[j] * y[2 * H + j]);  // n
    for (int64_t j = 0; j < H; ++j) out[j] = (1 - a[H + j]) * a[2 * H + j] + a[H + j] * hb[j];
  });
  return Var::make(
      "gru_hidden", std::move(h_new), {xi, hh, h}, [rzn = std::move(rzn), B, H](Node& self) {
        const real* dh_new = self.grad.data();
        Tensor* dhh = self.input_grad(1);
        Tensor* dh = self.input_grad(2);
        // [a_r a_z a_n] per row: dxi's contribution as it stands (handed over
        // below), and dhh's with the n block scaled by r.
        Tensor da = Tensor::uninitialized({B, 3 * H});
        for_each_row(B, 3 * H, [&](int64_t b) {
          const real *r = rzn.data() + b * 3 * H, *z = r + H, *n = r + 2 * H;
          const real* h_n = self.input(1).data() + b * 3 * H + 2 * H;
          const real* hb = self.input(2).data() + b * H;
          const real* g = dh_new + b * H;
          real* d = da.data() + b * 3 * H;
          for (int64_t j = 0; j < H; ++j) d[2 * H + j] = g[j] * (1 - z[j]) * (1 - n[j] * n[j]);
          for (int64_t j = 0; j < H; ++j) d[j] = d[2 * H + j] * h_n[j] * r[j] * (1 - r[j]);
          for (int64_t j = 0; j < H; ++j) d[H + j] = g[j] * (hb[j] - n[j]) * z[j] * (1 - z[j]);
          if (dhh) {
            real* o = dhh->data() + b * 3 * H;
            for (int64_t j = 0; j < 2 * H; ++j) o[j] += d[j];
            for (int64_t j = 0; j < H; ++j) o[2 * H + j] += d[2 * H + j] * r[j];
          }
          if (dh) {
            real* o = dh->data() + b * H;
            for (int64_t j = 0; j < H; ++j) o[j] += g[j] * z[j];
          }
        });
        fast::add_input_grad(self, 0, std::move(da));  // dxi += da (handed over if first)
      });
}

}  // namespace s2s
