// Encoder-decoder models end to end: every decoder variant runs, padding never
// changes a sentence's result, beam size 1 is greedy, save/load is exact.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/decoding/greedy.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

struct Fixture {
  Splits data;
  Vocab src, tgt;
  Fixture(const std::string& task = "reverse", int n = 200) {
    TaskConfig tc;
    tc.seed = 3;
    tc.n_train = n;
    tc.n_valid = 20;
    tc.n_test = 20;
    tc.min_len = 2;
    tc.max_len = 8;
    data = make_task(task, tc);
    std::tie(src, tgt) = build_vocabs(data.train);
  }
  ModelConfig config(bool attention = true) const {
    ModelConfig c;
    c.src_vocab = src.size();
    c.tgt_vocab = tgt.size();
    c.embed = 8;
    c.hidden = 12;
    c.attention = attention;
    c.attn.max_src_len = 16;
    return c;
  }
  Batch batch(std::vector<size_t> rows) const {
    std::vector<const Example*> ex;
    for (size_t r : rows) ex.push_back(&data.train[r]);
    return make_batch(ex, src, tgt);
  }
};

// All (variant, score, placement) combinations the decoder supports.
std::vector<ModelConfig> all_variants(const Fixture& f) {
  std::vector<ModelConfig> out;
  for (CellKind cell : {CellKind::rnn, CellKind::gru, CellKind::lstm}) {
    ModelConfig c = f.config(false);
    c.cell = cell;
    out.push_back(c);
    c.feed_summary = true;
    c.reverse_source = true;
    out.push_back(c);
  }
  for (const std::string& score : score_names()) {
    ModelConfig c = f.config();
    c.attn.score = score;
    out.push_back(c);
  }
  for (Placement p :
       {Placement::input, Placement::output, Placement::both, Placement::input_feeding}) {
    ModelConfig c = f.config();
    c.cell = CellKind::lstm;
    c.attn.placement = p;
    out.push_back(c);
  }
  for (AttentionVariant v :
       {AttentionVariant::local_m, AttentionVariant::local_p, AttentionVariant::key_value}) {
    ModelConfig c = f.config();
    c.attn.variant = v;
    c.attn.score = "additive";
    out.push_back(c);
  }
  ModelConfig c = f.config();
  c.attn.self_attention = true;
  c.bidirectional = true;
  c.layers = 2;
  out.push_back(c);
  return out;
}

}  // namespace

TEST_CASE("seq2seq: every decoder variant trains a step with finite loss and valid weights") {
  Fixture f;
  Batch b = f.batch({0, 1, 2, 3});
  for (const ModelConfig& c : all_variants(f)) {
    Seq2Seq m(c);
    INFO(m.describe());
    ForwardOutput out = m.forward(b);
    CHECK(std::isfinite(out.loss.item()));
    CHECK(out.loss.item() > 0);
    out.loss.backward();
    real gnorm = 0;
    for (const Var& p : m.parameters()) gnorm += norm(p.grad());
    CHECK(gnorm > 0);
    CHECK(out.weights.size() == (c.attention ? static_cast<size_t>(b.T) : 0u));
    for (const Var& w : out.weights) {
      for (int64_t i = 0; i < b.B; ++i) {
        double s = 0;
        for (int64_t j = 0; j < b.S; ++j) {
          real a = w.value()[i * b.S + j];
          CHECK(a >= 0);
          if (j >= b.src_len[i]) CHECK(a == 0);  // exactly zero on padding
          s += a;
        }
        CHECK(s == doctest::Approx(1).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE("seq2seq: padding a batch never changes a sentence's result") {
  Fixture f;
  // Find a short and a longer example so the short one gets padded.
  size_t shortest = 0, longest = 0;
  for (size_t i = 0; i < f.data.train.size(); ++i) {
    if (f.data.train[i].src.size() < f.data.train[shortest].src.size()) shortest = i;
    if (f.data.train[i].src.size() > f.data.train[longest].src.size()) longest = i;
  }
  REQUIRE(f.data.train[shortest].src.size() < f.data.train[longest].src.size());
  for (const ModelConfig& c : all_variants(f)) {
    Seq2Seq m(c);
    m.eval();
    INFO(m.describe());
    auto alone = greedy_decode(m, f.batch({shortest}), 12);
    auto padded = greedy_decode(m, f.batch({longest, shortest}), 12);
    CHECK(alone[0].tokens == padded[1].tokens);
    CHECK(alone[0].log_prob == doctest::Approx(padded[1].log_prob).epsilon(1e-4));
    if (!alone[0].weights.empty()) CHECK(allclose(alone[0].weights, padded[1].weights, 1e-4, 1e-5));
  }
}

TEST_CASE("seq2seq: beam size 1 equals greedy decoding") {
  Fixture f;
  for (const ModelConfig& c : all_variants(f)) {
    Seq2Seq m(c);
    m.eval();
    INFO(m.describe());
    Batch b = f.batch({0, 1, 2, 3, 4});
    auto greedy = greedy_decode(m, b, 10);
    auto beam = beam_search(m, b, {1, 10, 0.6});
    for (size_t i = 0; i < greedy.size(); ++i) {
      CHECK(greedy[i].tokens == beam[i].tokens);
      CHECK(greedy[i].log_prob == doctest::Approx(beam[i].log_prob).epsilon(1e-4));
    }
  }
}

TEST_CASE(
    "seq2seq: training learns the reverse task; beam search is at least as likely as greedy") {
  Fixture f("reverse", 600);
  ModelConfig c = f.config();
  c.hidden = 32;
  c.embed = 16;
  Seq2Seq m(c);
  TrainConfig tc;
  tc.epochs = 6;
  tc.progress = false;
  tc.lr = real(0.01);
  TrainResult r = train(m, f.data, f.src, f.tgt, tc);
  CHECK(r.epochs.back().train_loss < r.epochs.front().train_loss);
  EvalResult ev = evaluate(m, f.data.test, f.src, f.tgt);
  MESSAGE("reverse task after 6 epochs: exact " << ev.exact << ", token acc " << ev.token_acc);
  CHECK(ev.token_acc > 0.5);
  // Beam search's bookkeeping (reordering states as hypotheses move) is right
  // when the log-probability it reports equals a teacher-forced re-scoring.
  for (int i = 0; i < 3; ++i) {
    Batch b = make_batch({&f.data.test[i]}, f.src, f.tgt);
    Hypothesis h = beam_search(m, b, {4, 20, 0.0}).front();
    REQUIRE(h.finished);
    Example e = f.data.test[i];
    e.tgt = f.tgt.decode(h.tokens);
    ForwardOutput fo = m.forward(make_batch({&e}, f.src, f.tgt));
    CHECK(-fo.loss.item() * static_cast<double>(fo.tokens) ==
          doctest::Approx(h.log_prob).epsilon(1e-4));
  }
}

TEST_CASE("seq2seq: train -> save -> load -> translate gives identical outputs") {
  Fixture f;
  ModelConfig c = f.config();
  c.cell = CellKind::lstm;
  c.bidirectional = true;
  c.attn.score = "additive";
  c.attn.placement = Placement::input_feeding;
  Seq2Seq m(c);
  TrainConfig tc;
  tc.epochs = 1;
  tc.progress = false;
  train(m, f.data, f.src, f.tgt, tc);
  auto dir = std::filesystem::temp_directory_path() / "s2s_test_model";
  std::filesystem::remove_all(dir);
  save_model(dir.string(), m, f.src, f.tgt);
  LoadedModel lm = load_model(dir.string());
  CHECK(lm.model->describe() == m.describe());
  Batch b = f.batch({5, 6, 7});
  auto before = beam_search(m, b, {3, 12, 0.6});
  auto after = beam_search(*lm.model, b, {3, 12, 0.6});
  for (size_t i = 0; i < before.size(); ++i) {
    CHECK(before[i].tokens == after[i].tokens);
    CHECK(before[i].log_prob == after[i].log_prob);  // bit-exact parameters
  }
  // Errors: missing folder, and a model file with a missing config key.
  CHECK_THROWS_WITH_AS(load_model((dir / "nope").string()), doctest::Contains("is not a folder"),
                       Error);
  save_module((dir / "model.safetensors").string(), m, {{"cell", "gru"}});
  CHECK_THROWS_WITH_AS(load_model(dir.string()), doctest::Contains("metadata has no"), Error);
  std::filesystem::remove_all(dir);
}

TEST_CASE("seq2seq: clear errors for bad configurations and inputs") {
  Fixture f;
  ModelConfig c = f.config();
  c.attn.score = "telepathy";
  CHECK_THROWS_WITH_AS(Seq2Seq{c}, doctest::Contains("telepathy"), Error);
  CHECK_THROWS_WITH_AS(variant_from_name("sideways"),
                       doctest::Contains("unknown attention variant 'sideways'"), Error);
  CHECK_THROWS_WITH_AS(placement_from_name("middle"),
                       doctest::Contains("unknown context placement"), Error);
  c = f.config();
  c.src_vocab = 2;
  CHECK_THROWS_WITH_AS(Seq2Seq{c}, doctest::Contains("vocabularies must have more"), Error);
  Seq2Seq m(f.config());
  Batch b = f.batch({0});
  b.src[0] = 10000;  // a token id outside the vocabulary
  CHECK_THROWS_WITH_AS(m.forward(b), doctest::Contains("token id 10000"), Error);
  CHECK_THROWS_WITH_AS(greedy_decode(m, f.batch({0}), 0), doctest::Contains("max_len must be > 0"),
                       Error);
  CHECK_THROWS_WITH_AS(beam_search(m, f.batch({0}), {0, 5, 0}),
                       doctest::Contains("beam_size must be >= 1"), Error);
}

TEST_CASE("evaluate: several references: any of them counts, the error rate uses the closest") {
  // Built around the model's own outputs o (untrained: any outputs do), so that each
  // distance is known: d(o, o) = 0, d(o, x o) = 1, d(o, x x o) = 2.
  Fixture f;
  Seq2Seq m(f.config());
  std::vector<Example> ex(f.data.test.begin(), f.data.test.begin() + 4);
  std::vector<const Example*> ptr;
  for (const Example& e : ex) ptr.push_back(&e);
  NoGradGuard no_grad;
  const std::vector<Hypothesis> hyps = greedy_decode(m, make_batch(ptr, f.src, f.tgt), 12);
  std::vector<std::vector<std::string>> o;
  for (const Hypothesis& h : hyps) {
    o.emplace_back();
    for (int64_t id : h.tokens) o.back().push_back(f.tgt.words()[static_cast<size_t>(id)]);
  }
  const std::string x = f.tgt.words()[4];
  auto pre = [&](int n, std::vector<std::string> s) {
    s.insert(s.begin(), static_cast<size_t>(n), x);
    return s;
  };
  ex[0].tgt = pre(1, o[0]), ex[0].other_tgts = {o[0]};          // right by its 2nd reference
  ex[1].tgt = o[1], ex[1].other_tgts = {pre(1, o[1])};          // right by its 1st
  ex[2].tgt = pre(2, o[2]), ex[2].other_tgts = {pre(1, o[2])};  // wrong; closest is the 2nd
  ex[3].tgt = pre(1, o[3]), ex[3].other_tgts = {};              // wrong; one reference
  EvalOptions eo;
  eo.max_len = 12;
  const EvalResult r = evaluate(m, ex, f.src, f.tgt, eo);
  const auto len = [&](size_t i) { return static_cast<double>(o[i].size()); };
  CHECK(r.several_refs == 3);
  CHECK(r.exact == doctest::Approx(2.0 / 4));
  CHECK(r.exact_first == doctest::Approx(1.0 / 4));
  CHECK(r.error_rate ==
        doctest::Approx((0 + 0 + 1 + 1) / (len(0) + len(1) + len(2) + 1 + len(3) + 1)));
  CHECK(r.error_rate_first ==
        doctest::Approx((1 + 0 + 2 + 1) / (len(0) + 1 + len(1) + len(2) + 2 + len(3) + 1)));
  // The loss is over every reference: that of the same pairs one by one.
  const EvalResult flat = evaluate(m, one_pair_per_target(ex), f.src, f.tgt, eo);
  CHECK(flat.several_refs == 0);
  CHECK(r.loss == doctest::Approx(flat.loss).epsilon(1e-5));
}
