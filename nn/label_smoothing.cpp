#include "nn/label_smoothing.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

// L = (1/C) Σ_{n counted} [ -(1-ε) log p_n,t_n - (ε/V) Σ_v log p_n,v ],  p_n = softmax(z_n)
// dz_n += dL · (p_n - q_n) / C   for counted n, 0 for ignored rows
//   (∂(-Σ_v q_v log p_v)/∂z = p Σ_v q_v - q = p - q, since Σ_v q_v = 1)
Var smoothed_cross_entropy(const Var& logits, const Ids& targets, real epsilon,
                           int64_t ignore_index) {
  S2S_CHECK(logits.rank() == 2, "smoothed_cross_entropy: logits must be (N,V), got {}",
            shape_str(logits.shape()));
  S2S_CHECK(std::isfinite(epsilon) && epsilon >= 0 && epsilon < 1,
            "smoothed_cross_entropy: epsilon must be in [0, 1), got {}", epsilon);
  const int64_t N = logits.size(0), V = logits.size(1);
  S2S_CHECK(static_cast<int64_t>(targets.size()) == N,
            "smoothed_cross_entropy: {} targets for logits of shape {} (need one per row)",
            targets.size(), shape_str(logits.shape()));
  int64_t count = 0;
  for (int64_t n = 0; n < N; ++n) {
    if (targets[n] == ignore_index) continue;
    S2S_CHECK(targets[n] >= 0 && targets[n] < V,
              "smoothed_cross_entropy: target {} at row {} is outside [0, {}) (ignore_index is "
              "{})",
              targets[n], n, V, ignore_index);
    ++count;
  }
  const double on = 1 - static_cast<double>(epsilon);                           // 1 - ε
  const double spread = static_cast<double>(epsilon) / static_cast<double>(V);  // ε / V
  Tensor logp = log_softmax(logits.value(), 1);                                 // (N,V)
  double loss = 0;
  for (int64_t n = 0; n < N; ++n) {
    if (targets[n] == ignore_index) continue;
    const real* row = logp.data() + n * V;
    double all = 0;  // Σ_v log p_n,v
    for (int64_t v = 0; v < V; ++v) all += row[v];
    loss -= on * row[targets[n]] + spread * all;
  }
  if (count > 0) loss /= static_cast<double>(count);  // all ignored: 0, no gradient
  return Var::make("smoothed_cross_entropy", Tensor::scalar(static_cast<real>(loss)), {logits},
                   [logp = std::move(logp), targets = SavedIds(targets.begin(), targets.end()),
                    ignore_index, count, V, on, spread](Node& self) {
                     // dL/dz_n,v = (softmax(z_n)_v − q_n,v) / C, with C the rows counted
                     if (Tensor* dlogits = self.input_grad(0)) {
                       const real scale =
                           count == 0 ? real(0) : self.grad[0] / static_cast<real>(count);
                       for (size_t n = 0, rows = targets.size(); n < rows; ++n) {
                         if (targets[n] == ignore_index) continue;  // an ignored row gets nothing
                         const real* lp = logp.data() + n * V;
                         real* dz = dlogits->data() + n * V;
                         for (int64_t v = 0; v < V; ++v) {
                           const double q = spread + (v == targets[n] ? on : 0);  // q_n,v
                           dz[v] +=
                               scale * static_cast<real>(std::exp(static_cast<double>(lp[v])) - q);
                         }
                       }
                     }
                   });
}

}  // namespace s2s
