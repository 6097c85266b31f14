// Regularisation and capacity settings of the model (issue 25): embedding and
// decoder dropout, stacked decoder layers. Dropout acts in training only, with
// masks from the caller's seeded Rng; evaluation and decoding never drop; every
// setting is saved in a checkpoint's metadata, and a checkpoint without them
// (saved before they existed) loads as the model it holds.
#include <doctest/doctest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "nn/label_smoothing.hpp"
#include "nn/weight_decay.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/decoder_stack.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

struct Fixture {
  Splits data;
  Vocab src, tgt;
  Batch batch;
  Fixture() {
    TaskConfig tc;
    tc.seed = 4;
    tc.n_train = 60;
    tc.n_valid = 4;
    tc.n_test = 4;
    tc.min_len = 2;
    tc.max_len = 7;
    data = make_task("reverse", tc);
    std::tie(src, tgt) = build_vocabs(data.train);
    batch = make_batch({&data.train[0], &data.train[1], &data.train[2]}, src, tgt);
  }
  ModelConfig config(bool attention) const {
    ModelConfig c;
    c.src_vocab = src.size();
    c.tgt_vocab = tgt.size();
    c.embed = 6;
    c.hidden = 8;
    c.attention = attention;
    c.attn.max_src_len = 12;
    c.seed = 3;
    return c;
  }
};

// Every decoder kind the settings touch: bottleneck (with and without s_0 fed),
// attention at the output, at the input, with input feeding; GRU and LSTM.
std::vector<ModelConfig> kinds(const Fixture& f) {
  std::vector<ModelConfig> out;
  ModelConfig c = f.config(false);
  out.push_back(c);
  c.feed_summary = true;
  c.cell = CellKind::lstm;
  out.push_back(c);
  for (Placement p : {Placement::output, Placement::input, Placement::input_feeding}) {
    c = f.config(true);
    c.attn.placement = p;
    c.cell = p == Placement::input ? CellKind::lstm : CellKind::gru;
    out.push_back(c);
  }
  return out;
}

double loss_of(Seq2Seq& m, const Batch& b, uint64_t seed) {
  Rng rng(seed);
  NoGradGuard ng;
  return m.forward(b, 1, &rng).loss.item();
}

}  // namespace

TEST_CASE("regularisation: dropout acts in training only, from the seeded Rng") {
  Fixture f;
  for (ModelConfig c : kinds(f)) {
    const ModelConfig plain = c;
    c.embed_dropout = real(0.3);
    c.decoder_dropout = real(0.4);
    Seq2Seq m(c), p(plain);  // the same seed: the same parameters (dropout has none)
    CAPTURE(m.describe());
    // Training: a rerun with the same seed gives the same loss, another seed another one,
    // and the masks change the loss of the model without dropout.
    m.train();
    const double a = loss_of(m, f.batch, 11), b = loss_of(m, f.batch, 11);
    const double other = loss_of(m, f.batch, 12);
    CHECK(a == b);
    CHECK(a != other);
    p.train();
    const double undropped = loss_of(p, f.batch, 11);
    CHECK(a != undropped);
    // Evaluation: exactly the model without dropout, whatever the Rng.
    m.eval();
    p.eval();
    CHECK(loss_of(m, f.batch, 11) == loss_of(p, f.batch, 11));
    CHECK(loss_of(m, f.batch, 11) == loss_of(m, f.batch, 99));
    // Decoding, even from a model left in training mode, draws no mask.
    m.train();
    std::vector<Hypothesis> h1 = beam_search(m, f.batch, {3, 12, 0.6});
    std::vector<Hypothesis> h2 = beam_search(p, f.batch, {3, 12, 0.6});
    REQUIRE(h1.size() == h2.size());
    for (size_t i = 0; i < h1.size(); ++i) CHECK(h1[i].tokens == h2[i].tokens);
  }
}

TEST_CASE("regularisation: dropout in training without an Rng is an error, not silence") {
  Fixture f;
  ModelConfig c = f.config(true);
  c.decoder_dropout = real(0.2);
  Seq2Seq m(c);
  m.train();
  CHECK_THROWS_WITH_AS(m.forward(f.batch), doctest::Contains("needs an Rng"), Error);
  m.eval();
  CHECK_NOTHROW(m.forward(f.batch));
}

TEST_CASE("regularisation: bad settings are refused with their name") {
  Fixture f;
  ModelConfig c = f.config(true);
  c.embed_dropout = 1;
  CHECK_THROWS_WITH_AS(Seq2Seq{c}, doctest::Contains("embed_dropout must be in [0, 1)"), Error);
  c = f.config(false);
  c.decoder_dropout = real(-0.1);
  CHECK_THROWS_WITH_AS(Seq2Seq{c}, doctest::Contains("decoder_dropout must be in [0, 1)"), Error);
  c = f.config(true);
  c.decoder_layers = 0;
  CHECK_THROWS_WITH_AS(Seq2Seq{c}, doctest::Contains("decoder_layers must be >= 1"), Error);
}

TEST_CASE("regularisation: decoder layers stack cells H -> H under the first, named upper.N") {
  Fixture f;
  for (ModelConfig c : kinds(f)) {
    const ModelConfig one = c;
    c.decoder_layers = 3;
    Seq2Seq m(c), m1(one);
    CAPTURE(m.describe());
    const auto names = m.named_parameters(), names1 = m1.named_parameters();
    // The one-layer model's parameters are all there, with the same values (the upper
    // cells are made last), and two more cells.
    int64_t extra = 0;
    for (const auto& [name, p] : names) {
      bool found = false;
      for (const auto& [n1, p1] : names1) {
        if (n1 != name) continue;
        found = true;
        CHECK(allclose(p.value(), p1.value(), 0, 0));
      }
      if (!found) {
        CHECK(name.rfind("decoder.upper.", 0) == 0);
        ++extra;
      }
    }
    CHECK(extra == 2 * 4);  // two cells: weight_ih, weight_hh, bias_ih, bias_hh
    // Every layer starts from s_0 and moves at each step; the top one is s.rnn.
    m.eval();
    EncoderOutput enc = m.encode(f.batch);
    DecoderState s = m.decoder->start(enc);
    REQUIRE(s.lower.size() == 2);
    for (const RecurrentState& l : s.lower) CHECK(allclose(l.h.value(), enc.final.h.value(), 0, 0));
    Ids y(static_cast<size_t>(f.batch.B), kSos);
    StepOutput o = m.decoder->step(y, s, enc);
    CHECK(o.logits.size(1) == c.tgt_vocab);
    CHECK_FALSE(allclose(s.lower[0].h.value(), s.lower[1].h.value(), 0, 1e-9));
    CHECK_FALSE(allclose(s.lower[1].h.value(), s.rnn.h.value(), 0, 1e-9));
    // Beam search reorders every layer's state with the rest.
    CHECK_NOTHROW(beam_search(m, f.batch, {4, 10, 0.6}));
  }
}

TEST_CASE("regularisation: the settings are saved in the metadata; older checkpoints load") {
  Fixture f;
  ModelConfig c = f.config(true);
  c.embed_dropout = real(0.25);
  c.decoder_dropout = real(0.125);
  c.decoder_layers = 2;
  Metadata m = config_to_metadata(c);
  ModelConfig back = config_from_metadata(m);
  CHECK(back.embed_dropout == c.embed_dropout);
  CHECK(back.decoder_dropout == c.decoder_dropout);
  CHECK(back.decoder_layers == 2);
  for (const char* key : {"embed_dropout", "decoder_dropout", "decoder_layers"}) m.erase(key);
  back = config_from_metadata(m);  // a checkpoint from before issue 25
  CHECK(back.embed_dropout == 0);
  CHECK(back.decoder_dropout == 0);
  CHECK(back.decoder_layers == 1);
  m = config_to_metadata(c);
  m["decoder_dropout"] = "nan";
  CHECK_THROWS_WITH_AS(config_from_metadata(m),
                       doctest::Contains("'decoder_dropout' must be a number in [0, 1)"), Error);
}

TEST_CASE("label smoothing: the loss is -Σ q log p with q = (1-ε) onehot + ε/V, padding ignored") {
  // Hand-computed: logits (2,3) with row 1 ignored; row 0 = (0, ln 2, 0) gives
  // p = (1/4, 1/2, 1/4). With target 1 and ε = 0.3, q = (0.1, 0.8, 0.1):
  //   L = -(0.1 ln 1/4 + 0.8 ln 1/2 + 0.1 ln 1/4) = 0.2 ln 4 + 0.8 ln 2 = 1.2 ln 2.
  Tensor z({2, 3});
  z[1] = static_cast<real>(std::log(2.0));
  z[3] = 5, z[4] = -1, z[5] = 2;  // the ignored row: any values
  Var logits(z, true);
  Var loss = smoothed_cross_entropy(logits, {1, 7}, real(0.3), 7);
  CHECK(loss.item() == doctest::Approx(1.2 * std::log(2.0)).epsilon(1e-6));
  loss.backward();
  // dz_0 = p - q = (0.15, -0.3, 0.15); the ignored row gets nothing.
  const Tensor& g = logits.grad();
  CHECK(g[0] == doctest::Approx(0.15).epsilon(1e-5));
  CHECK(g[1] == doctest::Approx(-0.3).epsilon(1e-5));
  CHECK(g[2] == doctest::Approx(0.15).epsilon(1e-5));
  for (int i = 3; i < 6; ++i) CHECK(g[i] == 0);
  // ε = 0 is the plain cross-entropy.
  Rng rng(3);
  Tensor r = Tensor::normal({4, 5}, rng);
  const Ids t{0, 4, 2, 1};
  CHECK(smoothed_cross_entropy(Var(r), t, 0, 1).item() ==
        doctest::Approx(cross_entropy(Var(r), t, 1).item()).epsilon(1e-6));
  CHECK_THROWS_WITH_AS(smoothed_cross_entropy(Var(r), t, 1, 1),
                       doctest::Contains("epsilon must be in [0, 1)"), Error);
}

TEST_CASE("label smoothing: in the model, ε = 0 is today's loss and ε > 0 the smoothed one") {
  Fixture f;
  ModelConfig c = f.config(true);
  Seq2Seq m(c);
  NoGradGuard ng;
  const double plain = m.forward(f.batch).loss.item();
  CHECK(m.forward(f.batch, 1, nullptr, 0).loss.item() == plain);
  // The model's logits through the op give the model's smoothed loss.
  ForwardOutput o = m.forward(f.batch, 1, nullptr, real(0.1));
  CHECK(o.loss.item() != plain);
  CHECK(o.tokens > 0);
}

TEST_CASE("weight decay: decoupled, θ ← (1 - lr·λ) θ before Adam's own update") {
  Var w(Tensor::full({2, 2}, real(2)), true), b(Tensor::full({3}, real(-1)), true);
  decay_weights({w, b}, real(0.1), real(0.5));  // keep 1 - 0.05 = 0.95
  for (int i = 0; i < 4; ++i) CHECK(w.value()[i] == doctest::Approx(1.9).epsilon(1e-6));
  for (int i = 0; i < 3; ++i) CHECK(b.value()[i] == doctest::Approx(-0.95).epsilon(1e-6));
  decay_weights({w}, real(0.1), 0);  // λ = 0: nothing moves
  CHECK(w.value()[0] == doctest::Approx(1.9).epsilon(1e-6));
  CHECK_THROWS_WITH_AS(decay_weights({w}, 2, 1), doctest::Contains("lr * lambda < 1"), Error);
  CHECK_THROWS_WITH_AS(decay_weights({w}, 1, -1), doctest::Contains("lambda >= 0"), Error);

  // In training: one update with λ differs from the same update without by -lr·λ·θ_0
  // (the gradient and Adam's moments do not see the decay).
  Fixture f;
  Splits one = f.data;
  one.valid.resize(2);
  TrainConfig tc;
  tc.progress = false;
  tc.max_steps = 1;
  tc.epochs = 1;
  tc.batch_size = 4;
  tc.lr = real(0.01);
  auto trained = [&](real lambda) {
    Seq2Seq m(f.config(true));
    TrainConfig c = tc;
    c.weight_decay = lambda;
    train(m, one, f.src, f.tgt, c);
    return m.parameters();
  };
  const std::vector<Var> start = Seq2Seq(f.config(true)).parameters();
  const std::vector<Var> plain = trained(0), decayed = trained(real(2));
  REQUIRE(plain.size() == decayed.size());
  for (size_t i = 0; i < plain.size(); ++i) {
    const Tensor& p0 = start[i].value();
    for (int64_t j = 0; j < p0.numel(); ++j)
      CHECK(decayed[i].value()[j] - plain[i].value()[j] ==
            doctest::Approx(-0.01 * 2 * p0[j]).epsilon(1e-3).scale(1e-3));
  }
}

TEST_CASE("average_last: the model kept is the mean of the K validations ending at the best") {
  Fixture f;
  TrainConfig tc;
  tc.progress = false;
  tc.epochs = 5;
  tc.batch_size = 8;
  tc.patience = 5;
  tc.average_last = 3;
  Seq2Seq m(f.config(true));
  std::vector<std::vector<Tensor>> at;  // the parameters at each validation (one per epoch)
  tc.on_validation = [&](const EpochLog&) {
    std::vector<Tensor> p;
    for (const Var& v : m.parameters()) p.push_back(v.value());
    at.push_back(p);
  };
  int saved = 0;
  std::string saved_count;
  tc.on_best = [&](const Metadata& meta) {
    ++saved;
    if (meta.count("averaged")) saved_count = meta.at("averaged");
  };
  TrainResult r = train(m, f.data, f.src, f.tgt, tc);
  REQUIRE(at.size() == 5);
  const size_t best = static_cast<size_t>(r.best_epoch) - 1;
  const size_t first = best >= 2 ? best - 2 : 0;
  CHECK(r.averaged == static_cast<int>(best - first + 1));
  if (r.averaged > 1) {
    CHECK(saved_count == std::to_string(r.averaged));  // the folder gets the average
    const auto params = m.parameters();
    for (size_t i = 0; i < params.size(); ++i) {
      Tensor mean = Tensor::zeros(params[i].value().shape());
      for (size_t k = first; k <= best; ++k) mean = mean + at[k][i];
      mean = mean * (real(1) / static_cast<real>(r.averaged));
      CHECK(allclose(params[i].value(), mean, 1e-5, 1e-6));
    }
    // Its validation is the average's own.
    EvalResult v = evaluate(m, f.data.valid, f.src, f.tgt, {});
    CHECK(r.averaged_valid_loss == doctest::Approx(v.loss).epsilon(1e-5));
  }
  // average_last 1 keeps the best validation's parameters, exactly.
  Seq2Seq m1(f.config(true));
  tc.average_last = 1;
  at.clear();
  tc.on_validation = [&](const EpochLog&) {
    std::vector<Tensor> p;
    for (const Var& v : m1.parameters()) p.push_back(v.value());
    at.push_back(p);
  };
  TrainResult r1 = train(m1, f.data, f.src, f.tgt, tc);
  CHECK(r1.averaged == 0);
  const auto params = m1.parameters();
  for (size_t i = 0; i < params.size(); ++i)
    CHECK(allclose(params[i].value(), at[static_cast<size_t>(r1.best_epoch) - 1][i], 0, 0));
}

TEST_CASE("select_by: the model kept is the validation with the lowest loss, or the highest exact") {
  TaskConfig task;
  task.seed = 5;
  task.n_train = 200;
  task.n_valid = 40;  // exact match in steps of 2.5%
  task.n_test = 4;
  task.min_len = 2;
  task.max_len = 5;
  Splits data = make_task("copy", task);
  auto [src, tgt] = build_vocabs(data.train);
  for (SelectBy by : {SelectBy::loss, SelectBy::exact}) {
    CAPTURE(static_cast<int>(by));
    ModelConfig c;
    c.src_vocab = src.size();
    c.tgt_vocab = tgt.size();
    c.embed = 8;
    c.hidden = 16;
    c.attn.max_src_len = 8;
    c.seed = 3;
    Seq2Seq m(c);
    TrainConfig tc;
    tc.progress = false;
    tc.epochs = 8;
    tc.batch_size = 16;
    tc.lr = real(1e-2);
    tc.patience = 100;  // every epoch runs: the choice is over all of them
    tc.select_by = by;
    std::vector<EpochLog> logs;
    std::vector<std::vector<Tensor>> at;
    tc.on_validation = [&](const EpochLog& log) {
      logs.push_back(log);
      std::vector<Tensor> p;
      for (const Var& v : m.parameters()) p.push_back(v.value());
      at.push_back(p);
    };
    TrainResult r = train(m, data, src, tgt, tc);
    REQUIRE(logs.size() == 8);
    // The first validation with the best value wins (a tie keeps the earlier model).
    size_t by_loss = 0, by_exact = 0;
    for (size_t i = 1; i < logs.size(); ++i) {
      if (logs[i].valid_loss < logs[by_loss].valid_loss) by_loss = i;
      if (logs[i].valid_exact > logs[by_exact].valid_exact) by_exact = i;
    }
    REQUIRE(by_loss != by_exact);  // this run tells the two rules apart
    const size_t want = by == SelectBy::exact ? by_exact : by_loss;
    CHECK(r.best_epoch == static_cast<int>(want) + 1);
    const auto params = m.parameters();
    for (size_t i = 0; i < params.size(); ++i)
      CHECK(allclose(params[i].value(), at[want][i], 0, 0));
  }
}
