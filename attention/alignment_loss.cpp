#include "attention/alignment_loss.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

Var alignment_loss(const Var& weights, const Tensor& gold) {
  S2S_CHECK(weights.rank() == 3 && gold.shape() == weights.shape(),
            "alignment_loss: weights must be (B,T,S) and gold the same shape, got weights {} and "
            "gold {}",
            shape_str(weights.shape()), shape_str(gold.shape()));
  const int64_t S = gold.size(2), rows = gold.numel() / std::max<int64_t>(S, 1);
  // ĝ: each linked row normalised to sum 1; unlinked rows stay 0.
  Tensor g_hat = gold;
  int64_t linked = 0;
  for (int64_t r = 0; r < rows; ++r) {
    real total = 0;
    for (int64_t s = 0; s < S; ++s) {
      const real g = gold[r * S + s];
      S2S_CHECK(g >= 0, "alignment_loss: gold must be >= 0, got {} in row {}", g, r);
      S2S_CHECK(g == 0 || weights.value()[r * S + s] > 0,
                "alignment_loss: gold links row {} position {} but its weight is 0 (padding?)", r,
                s);
      total += g;
    }
    if (total == 0) continue;
    ++linked;
    for (int64_t s = 0; s < S; ++s) g_hat[r * S + s] /= total;
  }
  if (linked == 0) return Var(Tensor::scalar(0));
  // log a only where ĝ > 0: elsewhere a is replaced by 1 (log 1 = 0) so that a
  // weight of exactly 0 on padding never produces 0 · log 0 = NaN.
  Tensor unused = map(g_hat, [](real g) { return g == 0 ? real(1) : real(0); });
  Var log_a = log(masked_fill(weights, unused, 1));
  return sum(log_a * Var(g_hat)) * (real(-1) / static_cast<real>(linked));
}

}  // namespace s2s
