#include "seq2seq/decoding/beam_search.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/decoding/ensemble.hpp"
#include "seq2seq/decoding/greedy.hpp"

namespace s2s {

namespace {

struct Beam {
  std::vector<int64_t> tokens;
  double log_prob = 0;
  std::vector<Tensor> weights;  // per step (1,S)
  int64_t node = -1;            // its last node in the trace (BeamOptions::trace)
};

double normalised(double log_prob, size_t length, double alpha) {
  return alpha == 0 ? log_prob
                    : log_prob / std::pow(static_cast<double>(std::max<size_t>(length, 1)), alpha);
}

// The encoder output of row b alone, repeated k times (one per hypothesis).
EncoderOutput repeat_row(const EncoderOutput& enc, int64_t b, int64_t k) {
  Ids rows(static_cast<size_t>(k), b);
  EncoderOutput r;
  r.outputs = take_rows(enc.outputs, rows);
  r.mask = take_rows(Var(enc.mask), rows).value();
  r.lengths.assign(static_cast<size_t>(k), enc.lengths[b]);
  r.final.h = take_rows(enc.final.h, rows);
  r.final.c = take_rows(enc.final.c, rows);
  return r;
}

// Marks the trace's statuses once the search is over: a node that nobody
// extended and that did not finish was pruned; the returned path is `best`.
void finish_tree(BeamTree& tree, int64_t best) {
  std::vector<char> extended(tree.size(), 0);
  for (const BeamNode& n : tree)
    if (n.parent >= 0) extended[static_cast<size_t>(n.parent)] = 1;
  for (size_t i = 0; i < tree.size(); ++i)
    if (tree[i].status != BeamNode::Status::finished)
      tree[i].status = extended[i] ? BeamNode::Status::kept : BeamNode::Status::pruned;
  for (int64_t i = best; i >= 0; i = tree[static_cast<size_t>(i)].parent)
    tree[static_cast<size_t>(i)].best = true;
}

// One row of the batch. `all` holds each model's encoder output for the whole batch.
Hypothesis search_one(const Ensemble& models, const std::vector<EncoderOutput>& all, int64_t row,
                      const BeamOptions& o, BeamTree* tree) {
  const int64_t k = o.beam_size;
  // The encoder outputs of row `row` alone, repeated n times (one per hypothesis).
  auto repeat = [&](int64_t n) {
    std::vector<EncoderOutput> enc;
    for (const EncoderOutput& e : all) enc.push_back(repeat_row(e, row, n));
    return enc;
  };
  EnsembleState s = ensemble_start(models, repeat(1));
  std::vector<Beam> live(1);
  std::vector<Beam> done;
  for (int64_t t = 0; t < o.max_len && !live.empty(); ++t) {
    const int64_t n = static_cast<int64_t>(live.size());
    Ids y(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) y[i] = live[i].tokens.empty() ? kSos : live[i].tokens.back();
    if (s.enc.front().outputs.size(0) != n) s.enc = repeat(n);
    EnsembleStep out = ensemble_step(models, y, s);
    const Tensor& logp = out.logp;  // (n,V): one model's log_softmax, or the ensemble's mean
    const int64_t V = logp.size(1);
    // All n·V extensions; keep the k best by total log-probability.
    std::vector<std::pair<double, int64_t>> cand;
    cand.reserve(static_cast<size_t>(n * V));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t v = 0; v < V; ++v)
        cand.emplace_back(live[i].log_prob + logp[i * V + v], i * V + v);
    const int64_t keep = std::min<int64_t>(k, static_cast<int64_t>(cand.size()));
    std::partial_sort(cand.begin(), cand.begin() + keep, cand.end(), [](auto& a, auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    std::vector<Beam> next;
    Ids parents;
    for (int64_t c = 0; c < keep; ++c) {
      const int64_t parent = cand[c].second / V, token = cand[c].second % V;
      Beam b = live[parent];
      b.log_prob = cand[c].first;
      if (!out.weights.empty()) b.weights.push_back(out.weights.slice(0, parent, parent + 1));
      if (tree) {
        BeamNode nd;
        nd.parent = b.node;
        nd.step = t;
        nd.token = token;
        nd.log_prob = b.log_prob;
        // As the search ranks it: the length counts this token (<eos> included).
        nd.score = normalised(b.log_prob, b.tokens.size() + 1, o.length_alpha);
        nd.status = token == kEos ? BeamNode::Status::finished : BeamNode::Status::kept;
        b.node = static_cast<int64_t>(tree->size());
        tree->push_back(nd);
      }
      if (token == kEos) {
        done.push_back(std::move(b));
      } else {
        b.tokens.push_back(token);
        next.push_back(std::move(b));
        parents.push_back(parent);
      }
    }
    if (static_cast<int64_t>(done.size()) >= k) break;
    live = std::move(next);
    if (!live.empty()) ensemble_reorder(s, parents);
  }
  // Unfinished hypotheses compete only when nothing finished.
  bool finished = !done.empty();
  std::vector<Beam>& pool = finished ? done : live;
  S2S_CHECK(!pool.empty(), "beam_search: no hypothesis survived (max_len {})", o.max_len);
  auto score = [&](const Beam& b) {
    return normalised(b.log_prob, b.tokens.size() + finished, o.length_alpha);
  };
  const Beam& best = *std::max_element(
      pool.begin(), pool.end(), [&](const Beam& a, const Beam& b) { return score(a) < score(b); });
  Hypothesis h;
  h.tokens = best.tokens;
  h.log_prob = best.log_prob;
  h.score = score(best);
  h.finished = finished;
  if (!best.weights.empty())
    h.weights = collect_weights(best.weights, 0, all.front().lengths[row],
                                models[attention_source(models)]->config().reverse_source);
  if (tree) finish_tree(*tree, best.node);
  return h;
}

}  // namespace

std::vector<Hypothesis> beam_search(const Ensemble& models, const Batch& b,
                                    const BeamOptions& o) {
  S2S_CHECK(o.beam_size >= 1, "beam_search: beam_size must be >= 1, got {}", o.beam_size);
  S2S_CHECK(o.max_len > 0, "beam_search: max_len must be > 0, got {}", o.max_len);
  check_ensemble(models);
  NoGradGuard no_grad;
  const std::vector<EncoderOutput> enc = ensemble_encode(models, b);
  std::vector<Hypothesis> out;
  if (o.trace) o.trace->assign(static_cast<size_t>(b.B), {});
  for (int64_t row = 0; row < b.B; ++row)
    out.push_back(search_one(models, enc, row, o, o.trace ? &(*o.trace)[row] : nullptr));
  return out;
}

std::vector<Hypothesis> beam_search(const Seq2Seq& model, const Batch& b, const BeamOptions& o) {
  return beam_search(Ensemble{&model}, b, o);
}

}  // namespace s2s
