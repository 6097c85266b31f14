// Ensembles at decode time (seq2seq/decoding/ensemble.hpp): one model decodes
// exactly as it does alone, two copies of one model decode exactly as that
// model, the average of log-probabilities picks what a hand computation says,
// and models of different architectures decode together.
#include "seq2seq/decoding/ensemble.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/decoding/greedy.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

struct Data {
  Splits data;
  Vocab src, tgt;
  Data() {
    TaskConfig tc;
    tc.seed = 11;
    tc.n_train = 60;
    tc.n_valid = 10;
    tc.n_test = 12;
    tc.min_len = 2;
    tc.max_len = 7;
    data = make_task("reverse", tc);
    std::tie(src, tgt) = build_vocabs(data.train);
  }
  ModelConfig config(uint64_t seed) const {
    ModelConfig c;
    c.src_vocab = src.size();
    c.tgt_vocab = tgt.size();
    c.embed = 8;
    c.hidden = 12;
    c.attn.max_src_len = 16;
    c.seed = seed;
    return c;
  }
  Batch batch(size_t first, size_t n) const {
    std::vector<const Example*> ex;
    for (size_t r = first; r < first + n; ++r) ex.push_back(&data.train[r]);
    return make_batch(ex, src, tgt);
  }
};

// Several architectures: an ensemble must not care which.
std::vector<ModelConfig> configs(const Data& d) {
  std::vector<ModelConfig> out;
  ModelConfig c = d.config(3);
  out.push_back(c);  // gru, general attention
  c.cell = CellKind::lstm;
  c.attn.score = "location_aware";
  c.attn.placement = Placement::both;
  c.reverse_source = true;
  out.push_back(c);
  c = d.config(4);
  c.cell = CellKind::rnn;
  c.attention = false;  // the bottleneck
  c.feed_summary = true;
  out.push_back(c);
  c = d.config(5);
  c.attn.self_attention = true;
  c.bidirectional = true;
  c.layers = 2;
  out.push_back(c);
  return out;
}

bool same_bits(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return false;
  if (a.numel() == 0) return true;  // no weights (a bottleneck model): data() may be null
  return std::memcmp(a.data(), b.data(), static_cast<size_t>(a.numel()) * sizeof(real)) == 0;
}

// Every field of every hypothesis, bit for bit.
void check_identical(const std::vector<Hypothesis>& a, const std::vector<Hypothesis>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("row " << i);
    CHECK(a[i].tokens == b[i].tokens);
    CHECK(a[i].log_prob == b[i].log_prob);  // exact, not approximate
    CHECK(a[i].score == b[i].score);
    CHECK(a[i].finished == b[i].finished);
    CHECK(same_bits(a[i].weights, b[i].weights));
  }
}

}  // namespace

TEST_CASE("ensemble: one model decodes exactly as the model alone (greedy, beam, evaluate)") {
  Data d;
  const Batch b = d.batch(0, 6);
  for (const ModelConfig& c : configs(d)) {
    Seq2Seq m(c);
    m.eval();
    INFO(m.describe());
    const Ensemble one{&m};
    // greedy_decode(model) is the course's exercise; the ensemble's loop is separate code.
    check_identical(greedy_decode(one, b, 12), greedy_decode(m, b, 12));
    // Beam 1 is greedy: the shared beam search with an ensemble of one, against the
    // exercise, bit for bit on one-sentence batches (beam search decodes row by row, and
    // a batch's size may change the last bits of the fast engine's sums).
    for (size_t row = 0; row < 6; ++row)
      check_identical(beam_search(one, d.batch(row, 1), {1, 12, 0.0}),
                      greedy_decode(m, d.batch(row, 1), 12));
    check_identical(beam_search(one, b, {3, 12, 0.6}), beam_search(m, b, {3, 12, 0.6}));
    const EvalResult alone = evaluate(m, d.data.test, d.src, d.tgt);
    const EvalResult as_one = evaluate(one, d.data.test, d.src, d.tgt);
    CHECK(alone.loss == as_one.loss);
    check_identical(alone.outputs, as_one.outputs);
  }
}

TEST_CASE("ensemble: two copies of one model decode exactly as the model alone") {
  Data d;
  const Batch b = d.batch(6, 6);
  for (const ModelConfig& c : configs(d)) {
    Seq2Seq m(c);
    m.eval();
    INFO(m.describe());
    const Ensemble two{&m, &m};  // (x + x) / 2 = x in floating point
    check_identical(greedy_decode(two, b, 12), greedy_decode(m, b, 12));
    for (int64_t k : {2, 4})
      check_identical(beam_search(two, b, {k, 12, 0.6}), beam_search(m, b, {k, 12, 0.6}));
    // Two models built from the same seed: separate objects, the same numbers.
    Seq2Seq twin(c);
    twin.eval();
    check_identical(beam_search(Ensemble{&m, &twin}, b, {3, 12, 0.6}),
                    beam_search(m, b, {3, 12, 0.6}));
    EvalOptions beam3;
    beam3.beam_size = 3;
    const EvalResult alone = evaluate(m, d.data.test, d.src, d.tgt, beam3);
    const EvalResult both = evaluate(two, d.data.test, d.src, d.tgt, beam3);
    CHECK(alone.loss == both.loss);
    CHECK(alone.exact == both.exact);
    check_identical(alone.outputs, both.outputs);
  }
}

namespace {

// A decoder that ignores the source and its input: at step t every row gets the
// log-probabilities of row t of a hand-written table (the last row from then on).
// V = 6: <pad> <sos> <eos> and the tokens 3, 4, 5.
struct FixedDecoder : Decoder {
  std::vector<std::vector<double>> probs;  // per step: p(v) for v = 0..5, summing to 1
  explicit FixedDecoder(std::vector<std::vector<double>> p) : probs(std::move(p)) {}
  DecoderState start(const EncoderOutput& enc) const override {
    DecoderState s;
    s.rnn.h = Var(Tensor::zeros({enc.final.h.size(0), 1}));  // (B,1): rows to reorder
    return s;
  }
  StepOutput step(const Ids& y, DecoderState& s, const EncoderOutput&) const override {
    const int64_t B = static_cast<int64_t>(y.size());
    const auto& p = probs[static_cast<size_t>(std::min<int64_t>(s.t, std::ssize(probs) - 1))];
    Tensor logits({B, 6});  // logits = log p, so log_softmax(logits) = log p
    for (int64_t b = 0; b < B; ++b)
      for (int64_t v = 0; v < 6; ++v) logits[b * 6 + v] = static_cast<real>(std::log(p[v]));
    ++s.t;
    return {Var(logits), Var()};
  }
  bool has_attention() const override { return false; }
};

std::unique_ptr<Seq2Seq> fixed_model(std::vector<std::vector<double>> probs) {
  ModelConfig c;
  c.src_vocab = 6, c.tgt_vocab = 6, c.embed = 4, c.hidden = 4, c.attention = false;
  auto m = std::make_unique<Seq2Seq>(c);
  m->decoder = std::make_unique<FixedDecoder>(std::move(probs));
  return m;
}

Batch one_source() {  // B = 1, S = 2: the fixed decoders ignore it
  Batch b;
  b.B = 1, b.S = 2;
  b.src = {3, 4};
  b.src_len = {2};
  b.src_mask = Tensor::from({1, 2}, {1, 1});
  return b;
}

}  // namespace

TEST_CASE("ensemble: the average of log-probabilities picks the token the models agree on") {
  // Step 0, p(3), p(4), p(5) (the specials get 1e-6 each, <eos> included):
  //   model A: 0.90  0.09  0.01   → alone it says 3
  //   model B: 0.02  0.50  0.48   → alone it says 4
  // mean of log p:  3: (ln 0.90 + ln 0.02)/2 = -2.0087
  //                 4: (ln 0.09 + ln 0.50)/2 = -1.5506   ← the ensemble's choice
  //                 5: (ln 0.01 + ln 0.48)/2 = -2.6696
  // (the mean of the probabilities would pick 3: 0.46 against 0.295: B's veto of 3
  // counts only in the logs). Step 1: both models say <eos> with p = 0.8.
  const double e = 1e-6;
  auto row = [&](double p3, double p4, double p5) {
    return std::vector<double>{e, e, e, p3 - e, p4 - e, p5 - e};
  };
  const std::vector<double> stop = {e, e, 0.8 - 2 * e, 0.1, 0.05, 0.05};
  auto a = fixed_model({row(0.90, 0.09, 0.01), stop});
  auto bm = fixed_model({row(0.02, 0.50, 0.48), stop});
  const Batch b = one_source();
  CHECK(greedy_decode(*a, b, 5)[0].tokens == std::vector<int64_t>{3});
  CHECK(greedy_decode(*bm, b, 5)[0].tokens == std::vector<int64_t>{4});
  const double expected = (std::log(0.09 - e) + std::log(0.50 - e)) / 2 + std::log(0.8 - 2 * e);
  for (const Ensemble& both : {Ensemble{a.get(), bm.get()}, Ensemble{bm.get(), a.get()}}) {
    const Hypothesis g = greedy_decode(both, b, 5)[0];
    CHECK(g.tokens == std::vector<int64_t>{4});
    CHECK(g.finished);
    CHECK(g.log_prob == doctest::Approx(expected).epsilon(1e-6));
    for (int64_t k : {1, 2, 3}) {
      INFO("beam " << k);
      const Hypothesis h = beam_search(both, b, {k, 5, 0.0})[0];
      CHECK(h.tokens == std::vector<int64_t>{4});
      CHECK(h.log_prob == doctest::Approx(expected).epsilon(1e-6));
    }
  }
  // One step shows the averaged row itself.
  const Ensemble both{a.get(), bm.get()};
  EnsembleState s = ensemble_start(both, ensemble_encode(both, b));
  const EnsembleStep step = ensemble_step(both, Ids{kSos}, s);
  CHECK(step.logp[3] == doctest::Approx((std::log(0.90 - e) + std::log(0.02 - e)) / 2));
  CHECK(step.logp[4] == doctest::Approx(-1.5506).epsilon(1e-4));
  CHECK(step.logp[5] == doctest::Approx((std::log(0.01 - e) + std::log(0.48 - e)) / 2));
  CHECK(step.weights.empty());  // neither model has attention
}

TEST_CASE(
    "ensemble: models of different architectures decode together; log_prob is the mean "
    "of the models' own scores of the output") {
  Data d;
  const std::vector<ModelConfig> cs = configs(d);
  std::vector<std::unique_ptr<Seq2Seq>> owned;
  Ensemble models;
  // The bottleneck first: the weights must come from the first model with attention.
  for (size_t i : {2, 0, 1, 3}) {
    owned.push_back(std::make_unique<Seq2Seq>(cs[i]));
    owned.back()->eval();
    models.push_back(owned.back().get());
  }
  CHECK(attention_source(models) == 1);
  const Batch b = d.batch(0, 4);
  for (int64_t k : {1, 3}) {
    INFO("beam " << k);
    const std::vector<Hypothesis> hyps =
        k == 1 ? greedy_decode(models, b, 10) : beam_search(models, b, {k, 10, 0.6});
    for (int64_t row = 0; row < b.B; ++row) {
      const Hypothesis& h = hyps[row];
      // Each model scores the ensemble's output alone, fed the same tokens.
      std::vector<int64_t> path = h.tokens;
      if (h.finished) path.push_back(kEos);
      double mean = 0;
      for (const Seq2Seq* m : models) {
        NoGradGuard no_grad;
        const Batch one = d.batch(static_cast<size_t>(row), 1);
        EncoderOutput enc = m->encode(one);
        DecoderState s = m->decoder->start(enc);
        int64_t prev = kSos;
        for (int64_t tok : path) {
          Tensor lp = log_softmax(m->decoder->step(Ids{prev}, s, enc).logits.value(), 1);
          mean += lp[tok] / static_cast<double>(models.size());
          prev = tok;
        }
      }
      CHECK(h.log_prob == doctest::Approx(mean).epsilon(1e-4));
      // The first attention model's weights, one row per step over the real source.
      REQUIRE(h.weights.size(0) == static_cast<int64_t>(path.size()));
      CHECK(h.weights.size(1) == b.src_len[row]);
      for (int64_t t = 0; t < h.weights.size(0); ++t) {
        double sum = 0;
        for (int64_t j = 0; j < h.weights.size(1); ++j) sum += h.weights[t * h.weights.size(1) + j];
        CHECK(sum == doctest::Approx(1).epsilon(1e-4));
      }
    }
  }
}

TEST_CASE("ensemble: models whose target vocabularies differ are refused before decoding") {
  Data d;
  ModelConfig c = d.config(3);
  Seq2Seq a(c);
  c.tgt_vocab += 1;
  Seq2Seq other(c);
  const Batch b = d.batch(0, 2);
  CHECK_THROWS_WITH_AS(greedy_decode(Ensemble{&a, &other}, b, 5),
                       doctest::Contains("model 2 has a target vocabulary of"), Error);
  CHECK_THROWS_WITH_AS(beam_search(Ensemble{&a, &other}, b, {2, 5, 0.6}),
                       doctest::Contains("cannot be averaged"), Error);
  CHECK_THROWS_WITH_AS(beam_search(Ensemble{}, b, {2, 5, 0.6}), doctest::Contains("no models"),
                       Error);
}
