#include "nn/loss.hpp"

#include "core/error.hpp"

namespace s2s {

Var cross_entropy_loss(const Var& logits, const Ids& targets, int64_t ignore_index) {
  S2S_CHECK(logits.rank() == 2 || logits.rank() == 3,
            "cross_entropy_loss: logits must be (N,V) or (B,T,V), got {}",
            shape_str(logits.shape()));
  if (logits.rank() == 2) return cross_entropy(logits, targets, ignore_index);
  const int64_t V = logits.size(2);
  return cross_entropy(reshape(logits, {-1, V}), targets, ignore_index);
}

Var nll_loss(const Var& log_probs, const Ids& targets, int64_t ignore_index) {
  S2S_CHECK(log_probs.rank() == 2, "nll_loss: log_probs must be (N,V), got {}",
            shape_str(log_probs.shape()));
  const int64_t N = log_probs.size(0), V = log_probs.size(1);
  S2S_CHECK(static_cast<int64_t>(targets.size()) == N,
            "nll_loss: {} targets for log_probs of shape {} (need one per row)", targets.size(),
            shape_str(log_probs.shape()));
  int64_t count = 0;
  for (int64_t n = 0; n < N; ++n) {
    if (targets[n] == ignore_index) continue;
    S2S_CHECK(targets[n] >= 0 && targets[n] < V,
              "nll_loss: target {} at row {} is outside [0, {}) (ignore_index is {})", targets[n],
              n, V, ignore_index);
    ++count;
  }
  // W picks each counted row's target entry with weight 1/C; ignored rows get 0,
  // so they receive no gradient. All rows ignored: W = 0 and the loss is 0.
  Tensor W({N, V});
  for (int64_t n = 0; n < N; ++n)
    if (targets[n] != ignore_index) W[n * V + targets[n]] = real(1) / static_cast<real>(count);
  return -sum(log_probs * Var(std::move(W)));
}

}  // namespace s2s
