#include "seq2seq/decoding/ensemble.hpp"

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/decoding/greedy.hpp"

namespace s2s {

void check_ensemble(const Ensemble& models) {
  S2S_CHECK(!models.empty(), "ensemble: no models");
  for (const Seq2Seq* m : models) S2S_CHECK(m != nullptr, "ensemble: a null model");
  const int64_t V = models.front()->config().tgt_vocab;
  for (size_t m = 1; m < models.size(); ++m)
    S2S_CHECK(models[m]->config().tgt_vocab == V,
              "ensemble: model {} has a target vocabulary of {} tokens, model 1 of {}: the "
              "log-probabilities of different vocabularies cannot be averaged",
              m + 1, models[m]->config().tgt_vocab, V);
}

int64_t attention_source(const Ensemble& models) {
  for (size_t m = 0; m < models.size(); ++m)
    if (models[m]->decoder->has_attention()) return static_cast<int64_t>(m);
  return -1;
}

std::vector<EncoderOutput> ensemble_encode(const Ensemble& models, const Batch& b) {
  std::vector<EncoderOutput> enc;
  enc.reserve(models.size());
  for (const Seq2Seq* m : models) enc.push_back(m->encode(b));
  return enc;
}

EnsembleState ensemble_start(const Ensemble& models, std::vector<EncoderOutput> enc) {
  EnsembleState s;
  s.enc = std::move(enc);
  s.dec.reserve(models.size());
  for (size_t m = 0; m < models.size(); ++m) s.dec.push_back(models[m]->decoder->start(s.enc[m]));
  return s;
}

EnsembleStep ensemble_step(const Ensemble& models, const Ids& y, EnsembleState& s) {
  EnsembleStep out;
  const int64_t shown = attention_source(models);
  for (size_t m = 0; m < models.size(); ++m) {
    StepOutput o = models[m]->decoder->step(y, s.dec[m], s.enc[m]);
    Tensor logp_m = log_softmax(o.logits.value(), 1);  // (B,V)
    if (static_cast<int64_t>(m) == shown && o.weights.defined()) out.weights = o.weights.value();
    if (m == 0) {
      out.logp = std::move(logp_m);  // one model: its own numbers, untouched
      continue;
    }
    real* acc = out.logp.data();
    const real* add = logp_m.data();
    for (int64_t i = 0; i < out.logp.numel(); ++i) acc[i] += add[i];
  }
  // The mean: Σ_m log p_m / M. Division (not a product with 1/M) keeps two copies
  // of one model exact: (x + x) / 2 = x.
  if (models.size() > 1) {
    const real M = static_cast<real>(models.size());
    real* acc = out.logp.data();
    for (int64_t i = 0; i < out.logp.numel(); ++i) acc[i] /= M;
  }
  return out;
}

void ensemble_reorder(EnsembleState& s, const Ids& rows) {
  for (DecoderState& d : s.dec) reorder_state(d, rows);
}

std::vector<Hypothesis> greedy_decode(const Ensemble& models, const Batch& b, int64_t max_len) {
  S2S_CHECK(max_len > 0, "greedy_decode: max_len must be > 0, got {}", max_len);
  check_ensemble(models);
  NoGradGuard no_grad;
  EnsembleState s = ensemble_start(models, ensemble_encode(models, b));
  std::vector<Hypothesis> out(static_cast<size_t>(b.B));
  std::vector<std::vector<Tensor>> per_step(out.size());  // each row's a_t, for the heatmap
  Ids prev(out.size(), kSos);
  int64_t open = b.B;  // rows that have not produced <eos> yet
  for (int64_t t = 0; t < max_len && open > 0; ++t) {
    const EnsembleStep step = ensemble_step(models, prev, s);  // step.logp (B,V): mean log p
    const auto pick = argmax(step.logp, 1);
    const int64_t V = step.logp.size(1);
    for (int64_t r = 0; r < b.B; ++r) {
      prev[r] = pick[r];  // a finished row still feeds a token; its output is complete
      Hypothesis& row = out[r];
      if (row.finished) continue;
      row.log_prob += step.logp[r * V + pick[r]];
      if (!step.weights.empty()) per_step[r].push_back(step.weights.slice(0, r, r + 1));
      row.finished = pick[r] == kEos;
      if (row.finished)
        --open;
      else
        row.tokens.push_back(pick[r]);
    }
  }
  const int64_t shown = attention_source(models);
  for (int64_t r = 0; r < b.B; ++r) {
    out[r].score = out[r].log_prob;  // greedy: no length normalisation
    if (!per_step[r].empty())
      out[r].weights =
          collect_weights(per_step[r], 0, b.src_len[r], models[shown]->config().reverse_source);
  }
  return out;
}

}  // namespace s2s
