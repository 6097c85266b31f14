// Softmax + negative log-likelihood over logits as one op, with an ignore index
// (padding): log-softmax cannot overflow, and the gradient is the famous clean one.
#include <algorithm>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

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
                     // BEGIN EXERCISE cross-entropy-backward
                     if (Tensor* dz = self.input_grad(0)) {
                       Tensor d = exp(logp);  // softmax(z)  (N,V)
                       for (size_t n = 0; n < targets.size(); ++n) {
                         real* row = d.data() + n * V;
                         if (targets[n] == ignore_index)
                           std::fill(row, row + V, real(0));  // no gradient from this row
                         else
                           row[targets[n]] -= 1;  // softmax(z_n) - onehot(t_n)
                       }
                       // (count = 0: every target ignored, every row 0, no gradient)
                       if (count > 0) *dz += d * (self.grad[0] / static_cast<real>(count));
                     }
                     // END EXERCISE
                   });
}

}  // namespace s2s
