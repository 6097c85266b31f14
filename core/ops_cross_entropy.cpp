// Fused softmax + negative log-likelihood over logits, with an ignore index
// (padding). Fusing avoids exp overflow and gives the famous clean gradient.
#include <algorithm>

#include "core/error.hpp"
#include "core/fast_math.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"
#include "core/thread_pool.hpp"

namespace s2s {

// L = (1/C) Σ_{n: t_n ≠ ignore} -log softmax(z_n)[t_n],   C = #counted targets
// dz_n += dL * (softmax(z_n) - onehot(t_n)) / C   for counted n, 0 for ignored
Var cross_entropy(const Var& logits, const Ids& targets, int64_t ignore_index) {
  S2S_CHECK(logits.rank() == 2, "cross_entropy: logits must be (N,V), got {}",
            shape_str(logits.shape()));
  const int64_t N = logits.size(0), V = logits.size(1);
  S2S_CHECK(static_cast<int64_t>(targets.size()) == N,
            "cross_entropy: {} targets for logits of shape {} (need one per row)", targets.size(),
            shape_str(logits.shape()));
  int64_t count = 0;
  for (int64_t n = 0; n < N; ++n) {
    if (targets[n] == ignore_index) continue;
    S2S_CHECK(targets[n] >= 0 && targets[n] < V,
              "cross_entropy: target {} at row {} is outside [0, {}) (ignore_index is {})",
              targets[n], n, V, ignore_index);
    ++count;
  }
  Tensor logp = log_softmax(logits.value(), 1);
  double loss = 0;
  for (int64_t n = 0; n < N; ++n)
    if (targets[n] != ignore_index) loss -= logp[n * V + targets[n]];
  // All targets ignored: loss 0 with zero gradient (an all-padding batch).
  if (count > 0) loss /= static_cast<double>(count);
  return Var::make("cross_entropy", Tensor::scalar(static_cast<real>(loss)), {logits},
                   [logp = std::move(logp), targets = SavedIds(targets.begin(), targets.end()),
                    ignore_index, count, V](Node& self) {
                     bool fresh;  // a new gradient buffer: written (=), not added to
                     Tensor* g = self.input_grad(0, fresh);
                     if (!g) return;
                     const real scale =
                         count > 0 ? self.grad[0] / static_cast<real>(count) : real(0);
                     // Rows are independent: the (B·T,V) logits of a large
                     // vocabulary are split across the pool's threads.
                     const int64_t N = static_cast<int64_t>(targets.size());
                     for_each_row(N, V, [&](int64_t n) {
                       real* dz = g->data() + n * V;
                       const int64_t t = targets[static_cast<size_t>(n)];
                       if (t == ignore_index || count == 0) {  // no gradient from this row
                         if (fresh) std::fill(dz, dz + V, real(0));
                         return;
                       }
                       const real* lp = logp.data() + n * V;
                       if (fresh)
                         for (int64_t v = 0; v < V; ++v) dz[v] = scale * fast::exp_of(lp[v]);
                       else
                         for (int64_t v = 0; v < V; ++v) dz[v] += scale * fast::exp_of(lp[v]);
                       dz[t] -= scale;
                     });
                   });
}

}  // namespace s2s
