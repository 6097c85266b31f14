#include "seq2seq/train/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/decoding/greedy.hpp"
#include "seq2seq/metrics/accuracy.hpp"
#include "seq2seq/metrics/alignment.hpp"
#include "seq2seq/metrics/bleu.hpp"

namespace s2s {

EvalResult evaluate(const Seq2Seq& model, const std::vector<Example>& examples,
                    const Vocab& src_vocab, const Vocab& tgt_vocab, const EvalOptions& o) {
  return evaluate(Ensemble{&model}, examples, src_vocab, tgt_vocab, o);
}

EvalResult evaluate(const Ensemble& models, const std::vector<Example>& examples,
                    const Vocab& src_vocab, const Vocab& tgt_vocab, const EvalOptions& o) {
  check_ensemble(models);
  S2S_CHECK(!examples.empty(), "evaluate: no examples to evaluate");
  S2S_CHECK(o.batch_size > 0, "evaluate: batch_size must be > 0, got {}", o.batch_size);
  NoGradGuard no_grad;
  EvalResult r;
  std::vector<std::vector<int64_t>> hyp_ids, ref_ids, first_ids;  // ref_ids: the closest
  std::vector<Links> pred_links, gold_links;
  double nll = 0;
  int64_t tokens = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto out_of_time = [&] {
    return o.max_seconds > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >
               o.max_seconds;
  };
  for (size_t start = 0; start < examples.size(); start += static_cast<size_t>(o.batch_size)) {
    if (start > 0 && out_of_time()) break;
    std::vector<const Example*> chunk;
    for (size_t i = start; i < std::min(examples.size(), start + o.batch_size); ++i)
      chunk.push_back(&examples[i]);
    Batch b = make_batch(chunk, src_vocab, tgt_vocab);
    // The loss counts every reference (one pair per target when some have several), and
    // with an ensemble it is Σ_m loss_m / M; every model counts the same target tokens.
    std::vector<Example> pairs;
    for (const Example* e : chunk)
      for (const auto& t : e->other_tgts) pairs.push_back(Example{e->src, t, {}, {}});
    std::vector<const Example*> all = chunk;
    for (const Example& e : pairs) all.push_back(&e);
    const Batch scored = pairs.empty() ? b : make_batch(all, src_vocab, tgt_vocab);
    double loss = 0;
    int64_t batch_tokens = 0;
    for (const Seq2Seq* m : models) {
      ForwardOutput f = m->forward(scored);
      loss += f.loss.item();
      batch_tokens = f.tokens;
    }
    nll += loss / static_cast<double>(models.size()) * static_cast<double>(batch_tokens);
    tokens += batch_tokens;
    int64_t max_len = o.max_len > 0 ? o.max_len : 2 * b.T + 5;
    std::vector<Hypothesis> hyps =
        o.beam_size > 1  ? beam_search(models, b, {o.beam_size, max_len, o.length_alpha})
        : models.size() == 1 ? greedy_decode(*models.front(), b, max_len)  // the exercise's
                             : greedy_decode(models, b, max_len);
    for (size_t i = 0; i < chunk.size(); ++i) {
      hyp_ids.push_back(hyps[i].tokens);
      first_ids.push_back(tgt_vocab.encode(chunk[i]->tgt));
      ref_ids.push_back(first_ids.back());
      if (!chunk[i]->other_tgts.empty()) {
        ++r.several_refs;
        int64_t best = edit_distance(hyps[i].tokens, ref_ids.back());
        for (const auto& t : chunk[i]->other_tgts) {
          std::vector<int64_t> ids = tgt_vocab.encode(t);
          const int64_t d = edit_distance(hyps[i].tokens, ids);
          if (d < best) best = d, ref_ids.back() = std::move(ids);
        }
      }
      if (!hyps[i].weights.empty() && !chunk[i]->align.empty()) {
        // Only the target tokens (not <eos>) are aligned.
        int64_t steps =
            std::min<int64_t>(hyps[i].weights.size(0), static_cast<int64_t>(hyps[i].tokens.size()));
        pred_links.push_back(alignment_from_attention(hyps[i].weights.slice(0, 0, steps)));
        gold_links.push_back(chunk[i]->align);
      }
      r.outputs.push_back(std::move(hyps[i]));
    }
  }
  r.evaluated = static_cast<int64_t>(hyp_ids.size());
  r.loss = tokens ? nll / static_cast<double>(tokens) : 0;
  r.perplexity = std::exp(r.loss);
  // Token accuracy and exact match include <eos>: stopping at the right place counts.
  auto with_eos = [](std::vector<std::vector<int64_t>> v) {
    for (auto& s : v) s.push_back(kEos);
    return v;
  };
  r.token_acc = token_accuracy(with_eos(hyp_ids), with_eos(ref_ids));
  r.exact = exact_match(hyp_ids, ref_ids);
  r.bleu = corpus_bleu(hyp_ids, ref_ids).bleu;
  r.error_rate = token_error_rate(hyp_ids, ref_ids);
  r.exact_first = exact_match(hyp_ids, first_ids);
  r.error_rate_first = token_error_rate(hyp_ids, first_ids);
  if (!pred_links.empty()) r.aer = corpus_aer(pred_links, gold_links);

  // Per source-length bucket.
  std::vector<int> edges = o.bucket_edges;
  int lo = 1;
  for (size_t k = 0; k <= edges.size(); ++k) {
    const int hi = k < edges.size() ? edges[k] : 1 << 30;
    std::vector<std::vector<int64_t>> h, ref;
    for (size_t i = 0; i < hyp_ids.size(); ++i) {
      const int len = static_cast<int>(examples[i].src.size());
      if (len >= lo && len <= hi) h.push_back(hyp_ids[i]), ref.push_back(ref_ids[i]);
    }
    if (!h.empty()) {
      BucketScores bs;
      bs.label = k < edges.size() ? fmt::format("{}-{}", lo, hi) : fmt::format("{}+", lo);
      bs.count = static_cast<int64_t>(h.size());
      bs.exact = exact_match(h, ref);
      bs.token_acc = token_accuracy(with_eos(h), with_eos(ref));
      bs.bleu = corpus_bleu(h, ref).bleu;
      bs.error_rate = token_error_rate(h, ref);
      r.buckets.push_back(bs);
    }
    lo = hi + 1;
  }
  return r;
}

std::string bucket_table(const EvalResult& r, const std::string& error_name) {
  std::string s =
      fmt::format("  {:>8} {:>6} {:>8} {:>9} {:>6}", "src len", "n", "exact", "token acc", "BLEU");
  s += error_name.empty() ? "\n" : fmt::format(" {:>7}\n", error_name);
  for (const auto& b : r.buckets) {
    s += fmt::format("  {:>8} {:>6} {:>7.1f}% {:>8.1f}% {:>6.3f}", b.label, b.count, 100 * b.exact,
                     100 * b.token_acc, b.bleu);
    s += error_name.empty() ? "\n" : fmt::format(" {:>6.1f}%\n", 100 * b.error_rate);
  }
  return s;
}

}  // namespace s2s
