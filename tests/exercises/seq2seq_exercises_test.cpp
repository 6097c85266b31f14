// Graders for the model, decoding and metric exercises (seq2seq/): tiny models
// with weights set by hand, a decoder whose next-token scores come from a fixed
// table, and BLEU of sentences worked out by hand.
// 模型、解码与评价指标练习的评分:手设权重的小模型、下一词分数取自固定表格的解码器、手算的 BLEU。
#include <cmath>
#include <map>

#include "core/engine.hpp"
#include "core/tensor_math.hpp"
#include "exercise_util.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/decoding/greedy.hpp"
#include "seq2seq/metrics/bleu.hpp"
#include "seq2seq/model/seq2seq.hpp"

using namespace s2s;
using namespace s2s::exercise;

namespace {
// The output layer shared by the two decoder tests: V = 4 logits from H = 1.
void set_out(Module& m) {
  set_param(m, "out.weight", Tensor::from({4, 1}, {1, -1, 0.5, 2}));
  set_param(m, "out.bias", Tensor::from({4}, {0, 0.1, 0.2, 0.3}));
}
}  // namespace

TEST_CASE("bottleneck-decoder-step two steps") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  BottleneckConfig c;
  c.cell = CellKind::rnn;
  c.vocab = 4, c.embed = 1, c.hidden = 1, c.feed_summary = true;  // cell input [emb; s_0]
  BottleneckDecoder dec(c, rng);
  set_param(dec, "embedding.weight", Tensor::from({4, 1}, {0, 0.1, 0.2, 0.3}));
  set_param(dec, "cell.weight_ih", Tensor::from({1, 2}, {0.5, -0.4}));
  set_param(dec, "cell.bias_ih", Tensor::from({1}, {0.1}));
  set_param(dec, "cell.weight_hh", Tensor::from({1, 1}, {0.3}));
  set_param(dec, "cell.bias_hh", Tensor::from({1}, {-0.05}));
  set_out(dec);
  EncoderOutput enc;
  enc.final.h = Var(Tensor::from({1, 1}, {0.6}));  // s_0: the encoder's last state
  DecoderState s = dec.start(enc);
  // step 1, y_prev = 2: s_1 = tanh(0.5·0.2 - 0.4·0.6 + 0.1 + 0.3·0.6 - 0.05) = tanh(0.09)
  StepOutput o1 = dec.step(Ids{2}, s, enc);
  check_values(s.rnn.h.value(), {0.08975778474716012});
  check_values(o1.logits.value(), {0.08975778474716012, 0.010242215252839887, 0.24487889237358007,
                                   0.4795155694943202});
  CHECK(s.t == 1);
  CHECK_FALSE(o1.weights.defined());
  // step 2, y_prev = 3: s_2 = tanh(0.5·0.3 - 0.4·0.6 + 0.1 + 0.3 s_1 - 0.05)
  StepOutput o2 = dec.step(Ids{3}, s, enc);
  check_values(s.rnn.h.value(), {-0.013071919944336936});
  check_values(o2.logits.value(), {-0.013071919944336936, 0.11307191994433693, 0.19346404002783155,
                                   0.27385616011132613});
  CHECK(s.t == 2);
}

namespace {
// A decoder that ignores the source: row b's next-token logits depend only on
// the previous token, from a table (V = 5: <pad> <sos> <eos> 3 4).
struct TableDecoder : Decoder {
  std::vector<std::map<int64_t, std::vector<real>>> table{
      {{kSos, {0, 0, 0.5, 2.0, 1.0}}, {3, {0, 0, 0.2, 0.1, 1.5}}, {4, {0, 0, 3.0, 0.5, 0.2}}},
      {{kSos, {0, 0, 0.1, 0.3, 1.2}}, {4, {0, 0, 2.0, 0.2, 0.4}}}};
  DecoderState start(const EncoderOutput& enc) const override {
    DecoderState s;
    s.rnn.h = Var(Tensor::zeros({enc.final.h.size(0), 1}));
    return s;
  }
  StepOutput step(const Ids& y, DecoderState& s, const EncoderOutput&) const override {
    const int64_t B = static_cast<int64_t>(y.size());
    Tensor logits = Tensor::full({B, 5}, -50);  // a finished row may ask anything
    for (int64_t b = 0; b < B; ++b) {
      auto it = table[b].find(y[b]);
      if (it != table[b].end())
        for (int64_t v = 0; v < 5; ++v) logits[b * 5 + v] = it->second[v];
    }
    ++s.t;
    return {Var(logits), Var()};
  }
  bool has_attention() const override { return false; }
};

Batch two_sentences() {
  Batch b;
  b.B = 2, b.S = 2;
  b.src = {3, 4, 3, kPad};
  b.src_len = {2, 1};
  b.src_mask = Tensor::from({2, 2}, {1, 1, 1, 0});
  return b;
}
}  // namespace

TEST_CASE("greedy-decode tokens, log-probabilities and <eos>") {
  EngineGuard fast(Engine::fast);  // the encoder runs its fused ops: no cell exercise needed
  ModelConfig cfg;                 // the table decoder answers
  cfg.src_vocab = 5, cfg.tgt_vocab = 5, cfg.embed = 4, cfg.hidden = 4, cfg.attention = false;
  Seq2Seq model(cfg);
  model.decoder = std::make_unique<TableDecoder>();
  const Batch b = two_sentences();
  // row 0: <sos> -> 3 -> 4 -> <eos>; row 1: <sos> -> 4 -> <eos>
  std::vector<Hypothesis> h = greedy_decode(model, b, 10);
  REQUIRE(h.size() == 2);
  CHECK(h[0].tokens == std::vector<int64_t>{3, 4});
  CHECK(h[1].tokens == std::vector<int64_t>{4});
  CHECK(h[0].finished);
  CHECK(h[1].finished);
  // log p = Σ_t log softmax(table row)[chosen], <eos> included
  CHECK(h[0].log_prob == doctest::Approx(-1.514270313747717).epsilon(1e-9));
  CHECK(h[1].log_prob == doctest::Approx(-1.344326477744678).epsilon(1e-9));
  CHECK(h[0].score == doctest::Approx(h[0].log_prob));
  // max_len 1: one token, not finished
  std::vector<Hypothesis> one = greedy_decode(model, b, 1);
  CHECK(one[0].tokens == std::vector<int64_t>{3});
  CHECK_FALSE(one[0].finished);
  CHECK(one[0].log_prob == doctest::Approx(-0.6214793959985196).epsilon(1e-9));
}

TEST_CASE("context-input one decoder step, placement input") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  AttentionDecoderConfig c;
  c.cell = CellKind::rnn;
  c.vocab = 4, c.embed = 1, c.hidden = 1, c.enc_size = 1;
  c.attn.score = "dot";
  c.attn.placement = Placement::input;  // the cell reads [emb(y_{t-1}); c_t]
  AttentionDecoder dec(c, rng);
  set_param(dec, "embedding.weight", Tensor::from({4, 1}, {0, 0.1, 0.2, 0.3}));
  set_param(dec, "cell.weight_ih", Tensor::from({1, 2}, {0.5, -0.4}));
  set_param(dec, "cell.bias_ih", Tensor::from({1}, {0.1}));
  set_param(dec, "cell.weight_hh", Tensor::from({1, 1}, {0.3}));
  set_param(dec, "cell.bias_hh", Tensor::from({1}, {-0.05}));
  set_param(dec, "combine.weight", Tensor::from({1, 2}, {0.7, -0.6}));
  set_param(dec, "combine.bias", Tensor::from({1}, {0.05}));
  set_out(dec);
  EncoderOutput enc;
  enc.outputs = Var(Tensor::from({1, 2, 1}, {0.5, -1}));  // h_1, h_2
  enc.mask = Tensor::ones({1, 2});
  enc.lengths = {2};
  enc.final.h = Var(Tensor::from({1, 1}, {0.4}));  // s_0
  DecoderState s = dec.start(enc);
  StepOutput o = dec.step(Ids{3}, s, enc);
  // s_0 asks: a = softmax(0.4·0.5, 0.4·(-1)); c = a_1·0.5 - a_2
  check_values(o.weights.value(), {0.6456563062257954, 0.3543436937742045});
  // s_1 = tanh(0.5·0.3 - 0.4 c + 0.1 + 0.3·0.4 - 0.05); h̃ = tanh(0.7 c - 0.6 s_1 + 0.05)
  check_values(s.rnn.h.value(), {0.3208606305414921});
  check_values(o.logits.value(), {-0.16310728552249973, 0.26310728552249973, 0.11844635723875015,
                                  -0.02621457104499947});
}

namespace {
using Sentences = std::vector<std::vector<std::string>>;
}

TEST_CASE("bleu hand-worked sentences") {
  // identical: every p_n = 1, BP = 1
  BleuScore same = corpus_bleu(Sentences{{"the", "cat", "sat", "on", "the", "mat"}},
                               Sentences{{"the", "cat", "sat", "on", "the", "mat"}});
  CHECK(same.bleu == doctest::Approx(1.0));
  CHECK(same.brevity_penalty == doctest::Approx(1.0));
  // clipping: "the" counts once, p_1 = 1/4; c = r so BP = 1
  BleuScore clipped = corpus_bleu(Sentences{{"the", "the", "the", "the"}},
                                  Sentences{{"the", "cat", "is", "here"}}, 1);
  CHECK(clipped.precisions[0] == doctest::Approx(0.25));
  CHECK(clipped.bleu == doctest::Approx(0.25));
  // brevity: c = 2 < r = 4, p_1 = p_2 = 1, BP = e^{1 - 4/2}
  BleuScore short_hyp =
      corpus_bleu(Sentences{{"the", "cat"}}, Sentences{{"the", "cat", "sat", "on"}}, 2);
  CHECK(short_hyp.brevity_penalty == doctest::Approx(std::exp(-1.0)));
  CHECK(short_hyp.bleu == doctest::Approx(std::exp(-1.0)));
  // two sentences, N = 2: p_1 = (2 + 3)/(3 + 3), p_2 = (0 + 2)/(2 + 2), c = r = 6
  BleuScore corpus = corpus_bleu(Sentences{{"a", "b", "c"}, {"x", "y", "z"}},
                                 Sentences{{"a", "q", "c"}, {"x", "y", "z"}}, 2);
  CHECK(corpus.precisions[0] == doctest::Approx(5.0 / 6));
  CHECK(corpus.precisions[1] == doctest::Approx(0.5));
  CHECK(corpus.bleu == doctest::Approx(std::sqrt(5.0 / 6 * 0.5)));
  // a zero precision makes BLEU 0; an empty hypothesis has BP 0
  BleuScore zero = corpus_bleu(Sentences{{"a", "b", "c"}}, Sentences{{"a", "x", "c"}}, 2);
  CHECK(zero.precisions[0] == doctest::Approx(2.0 / 3));
  CHECK(zero.bleu == 0);
  CHECK(corpus_bleu(Sentences{{}}, Sentences{{"a"}}, 1).brevity_penalty == 0);
}
