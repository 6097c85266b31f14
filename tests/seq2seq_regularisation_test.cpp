// Regularisation and capacity settings of the model (issue 25): embedding and
// decoder dropout, stacked decoder layers. Dropout acts in training only, with
// masks from the caller's seeded Rng; evaluation and decoding never drop; every
// setting is saved in a checkpoint's metadata, and a checkpoint without them
// (saved before they existed) loads as the model it holds.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/decoder_stack.hpp"
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
