// Two fused ops for attention's inner loop (speed; each equals a composition
// of core ops, see the comments and tests/attention_fused_ops_test.cpp).
//
// Why: a decoder step of additive attention composed from core ops makes
// reshape + add (broadcast) + tanh + matmul + reshape for the scores, three
// (B,S,A) temporaries with their gradients, and the weighted sum Σ_s a_s v_s
// runs as B tiny batched matrix products of one row each. For the small
// batches of seq2seq training that bookkeeping costs more than the math.
// Here each is one pass forward and one pass backward, with the inner loops
// over the contiguous last axis so the compiler vectorizes them.
// tests/gradcheck/attention_fused_gradcheck.cpp gradient-checks both.
#include "core/error.hpp"
#include "core/fast/fast.hpp"
#include "core/fast/fast_math.hpp"
#include "core/fast/thread_pool.hpp"

namespace s2s {

// Forward, with kp (B,S,A) the projected keys, qp (B,A) the projected query
// and v (A):
//   t[b,s,a] = tanh(kp[b,s,a] + qp[b,a])          (B,S,A), kept for backward
//   e[b,s]   = Σ_a v[a] t[b,s,a]                   (B,S)
// Composed: reshape(matmul(tanh(kp + reshape(qp, {B,1,A})), reshape(v, {A,1})), {B,S}).
// Backward, from de (B,S), with tanh' = 1 - t²:
//   g[b,s,a]  = de[b,s] v[a] (1 - t[b,s,a]²)       (∂e/∂kp through the tanh)
//   dkp       += g
//   dqp[b,a]  += Σ_s g[b,s,a]                     (qp was broadcast over S)
//   dv[a]     += Σ_{b,s} de[b,s] t[b,s,a]
Var additive_scores(const Var& kp, const Var& qp, const Var& v) {
  require_fast_engine("additive_scores");
  S2S_CHECK(kp.defined() && qp.defined() && v.defined(),
            "additive_scores: an input Var is undefined (default-constructed)");
  S2S_CHECK(kp.rank() == 3, "additive_scores: kp must be (B,S,A), got {}", shape_str(kp.shape()));
  const int64_t B = kp.size(0), S = kp.size(1), A = kp.size(2);
  S2S_CHECK(qp.shape() == (Shape{B, A}),
            "additive_scores: qp must be (B,A) = ({},{}) for kp {}, got {}", B, A,
            shape_str(kp.shape()), shape_str(qp.shape()));
  S2S_CHECK(v.shape() == (Shape{A}), "additive_scores: v must be (A) = ({}) for kp {}, got {}", A,
            shape_str(kp.shape()), shape_str(v.shape()));
  Tensor t = Tensor::uninitialized({B, S, A});  // written in full below
  Tensor e = Tensor::uninitialized({B, S});
  const real* vv = v.value().data();
  for_each_row(B, S * A, [&](int64_t b) {
    const real* q = qp.value().data() + b * A;
    for (int64_t s = 0; s < S; ++s) {
      const real* k = kp.value().data() + (b * S + s) * A;
      real* tt = t.data() + (b * S + s) * A;
      // The same tanh as the core tanh op (fast for float), so results match.
      for (int64_t a = 0; a < A; ++a) tt[a] = fast::tanh_of(k[a] + q[a]);
      e[b * S + s] = fast::dot(vv, tt, A);
    }
  });
  return Var::make("additive_scores", std::move(e), {kp, qp, v},
                   [t = std::move(t), B, S, A](Node& self) {
                     Tensor* dkp = self.input_grad(0);
                     Tensor* dqp = self.input_grad(1);
                     Tensor* dv = self.input_grad(2);
                     const real* vv = self.input(2).data();
                     const real* de = self.grad.data();
                     // dv sums over b and s: each row b first sums its own part
                     // (rows may run on different threads), then the rows' parts
                     // are added in order of b, so the result does not depend on
                     // the thread count.
                     Tensor dv_rows = dv ? Tensor({B, A}) : Tensor();
                     for_each_row(B, S * A, [&](int64_t b) {
                       for (int64_t s = 0; s < S; ++s) {
                         const real d = de[b * S + s];
                         const real* tt = t.data() + (b * S + s) * A;
                         // One simple loop per gradient (few pointers each: they vectorize).
                         if (dkp) {
                           real* dk = dkp->data() + (b * S + s) * A;
                           for (int64_t a = 0; a < A; ++a) dk[a] += d * vv[a] * (1 - tt[a] * tt[a]);
                         }
                         if (dqp) {
                           real* dq = dqp->data() + b * A;
                           for (int64_t a = 0; a < A; ++a) dq[a] += d * vv[a] * (1 - tt[a] * tt[a]);
                         }
                         if (dv) {
                           real* dvb = dv_rows.data() + b * A;
                           for (int64_t a = 0; a < A; ++a) dvb[a] += d * tt[a];
                         }
                       }
                     });
                     if (dv)
                       for (int64_t b = 0; b < B; ++b)
                         for (int64_t a = 0; a < A; ++a) (*dv)[a] += dv_rows[b * A + a];
                   });
}

// Forward, with weights a (B,S) and values (B,S,H):
//   ctx[b,:] = Σ_s a[b,s] values[b,s,:]            (B,H)
// Composed: reshape(matmul(reshape(a, {B,1,S}), values), {B,H}).
// Backward, from dctx (B,H):
//   da[b,s]          += dctx[b,:] · values[b,s,:]
//   dvalues[b,s,:]   += a[b,s] dctx[b,:]
Var fused_weighted_sum(const Var& weights, const Var& values) {
  require_fast_engine("fused_weighted_sum");
  S2S_CHECK(weights.defined() && values.defined(),
            "fused_weighted_sum: an input Var is undefined (default-constructed)");
  S2S_CHECK(values.rank() == 3, "fused_weighted_sum: values must be (B,S,H), got {}",
            shape_str(values.shape()));
  const int64_t B = values.size(0), S = values.size(1), H = values.size(2);
  S2S_CHECK(weights.shape() == (Shape{B, S}),
            "fused_weighted_sum: weights must be (B,S) = ({},{}) for values {}, got {}", B, S,
            shape_str(values.shape()), shape_str(weights.shape()));
  Tensor ctx({B, H});  // zeros
  for_each_row(B, S * H, [&](int64_t b) {
    real* c = ctx.data() + b * H;
    for (int64_t s = 0; s < S; ++s) {
      const real w = weights.value()[b * S + s];
      const real* val = values.value().data() + (b * S + s) * H;
      for (int64_t h = 0; h < H; ++h) c[h] += w * val[h];
    }
  });
  return Var::make("fused_weighted_sum", std::move(ctx), {weights, values}, [B, S, H](Node& self) {
    Tensor* da = self.input_grad(0);
    Tensor* dvalues = self.input_grad(1);
    const Tensor &a = self.input(0), &values = self.input(1);
    for_each_row(B, S * H, [&](int64_t b) {  // rows b are independent
      const real* dc = self.grad.data() + b * H;
      for (int64_t s = 0; s < S; ++s) {
        const int64_t bs = b * S + s;
        if (da) (*da)[bs] += fast::dot(dc, values.data() + bs * H, H);
        if (dvalues) {
          real* dval = dvalues->data() + bs * H;
          const real w = a[bs];
          for (int64_t h = 0; h < H; ++h) dval[h] += w * dc[h];
        }
      }
    });
  });
}

}  // namespace s2s
