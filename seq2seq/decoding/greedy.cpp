#include "seq2seq/decoding/greedy.hpp"

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "seq2seq/data/vocab.hpp"

namespace s2s {

Tensor collect_weights(const std::vector<Tensor>& per_step, int64_t row, int64_t len,
                       bool reversed) {
  const int64_t steps = static_cast<int64_t>(per_step.size());
  Tensor w({steps, len});
  for (int64_t t = 0; t < steps; ++t) {
    const int64_t S = per_step[t].size(1);
    for (int64_t i = 0; i < len; ++i)
      w[t * len + i] = per_step[t][row * S + (reversed ? len - 1 - i : i)];
  }
  return w;
}

std::vector<Hypothesis> greedy_decode(const Seq2Seq& model, const Batch& b, int64_t max_len) {
  S2S_CHECK(max_len > 0, "greedy_decode: max_len must be > 0, got {}", max_len);
  NoGradGuard no_grad;
  // BEGIN EXERCISE greedy-decode
  EncoderOutput enc = model.encode(b);
  DecoderState s = model.decoder->start(enc);
  std::vector<Hypothesis> hyps(static_cast<size_t>(b.B));
  std::vector<std::vector<Tensor>> weights(static_cast<size_t>(b.B));
  Ids y(static_cast<size_t>(b.B), kSos);
  int64_t alive = b.B;
  for (int64_t t = 0; t < max_len && alive > 0; ++t) {
    StepOutput o = model.decoder->step(y, s, enc);
    Tensor logp = log_softmax(o.logits.value(), 1);  // (B,V)
    auto best = argmax(logp, 1);
    const int64_t V = logp.size(1);
    for (int64_t i = 0; i < b.B; ++i) {
      Hypothesis& h = hyps[i];
      y[i] = best[i];
      if (h.finished) continue;
      h.log_prob += logp[i * V + best[i]];
      if (o.weights.defined()) weights[i].push_back(o.weights.value().slice(0, i, i + 1));
      if (best[i] == kEos) {
        h.finished = true;
        --alive;
      } else {
        h.tokens.push_back(best[i]);
      }
    }
  }
  for (int64_t i = 0; i < b.B; ++i) {
    hyps[i].score = hyps[i].log_prob;
    if (!weights[i].empty())
      hyps[i].weights = collect_weights(weights[i], 0, b.src_len[i], model.config().reverse_source);
  }
  return hyps;
  // END EXERCISE
}

}  // namespace s2s
