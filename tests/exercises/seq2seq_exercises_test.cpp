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
using V = const std::vector<Var>&;

namespace {
// The output layer shared by the two decoder tests: V = 4 logits from H = 1.
void set_out(Module& m) {
  set_param(m, "out.weight", Tensor::from({4, 1}, {1, -1, 0.5, 2}));
  set_param(m, "out.bias", Tensor::from({4}, {0, 0.1, 0.2, 0.3}));
}
}  // namespace

TEST_CASE("bottleneck-decoder-step two steps and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("bottleneck-decoder-step", [] {
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
    const Tensor s0 = Tensor::from({2, 1}, {0.6, -0.2});  // B = 2: the encoder's last states
    EncoderOutput enc;
    enc.final.h = Var(s0);
    DecoderState s = dec.start(enc);
    const char* how =
        "  s_t[b] = tanh(0.5 emb(y) - 0.4 s_0[b] + 0.1 + 0.3 s_{t-1}[b] - 0.05), emb(y) = y / 10;\n"
        "  logits[b] = (1, -1, 0.5, 2) s_t[b] + (0, 0.1, 0.2, 0.3)\n"
        "  step 1, y = (2, 1): s_1 = (tanh(0.09), tanh(0.12)) = (0.089758, 0.11943)\n"
        "  step 2, y = (3, 0): s_2 = (-0.013072, 0.16432)\n";
    StepOutput o1 = dec.step(Ids{2, 1}, s, enc);
    check_values({"s_1", {"batch", "unit"}, how}, s.rnn.h.value(), {2, 1},
                 {0.08975778474716012, 0.11942729853438591});
    check_values(
        {"logits_1", {"batch", "token"}, how}, o1.logits.value(), {2, 4},
        {0.08975778474716012, 0.010242215252839887, 0.24487889237358007, 0.4795155694943202,
         0.11942729853438591, -0.019427298534385906, 0.259713649267193, 0.5388545970687718});
    expect(s.t == 1, "s.t counts the steps: 1 after the first");
    expect(!o1.weights.defined(), "the bottleneck decoder has no attention weights");
    StepOutput o2 = dec.step(Ids{3, 0}, s, enc);
    check_values({"s_2", {"batch", "unit"}, how}, s.rnn.h.value(), {2, 1},
                 {-0.013071919944336936, 0.16432468946675483});
    check_values(
        {"logits_2", {"batch", "token"}, how}, o2.logits.value(), {2, 4},
        {-0.013071919944336936, 0.11307191994433693, 0.19346404002783155, 0.27385616011132613,
         0.16432468946675483, -0.06432468946675482, 0.2821623447333774, 0.6286493789335097});
    expect(s.t == 2, "s.t counts the steps: 2 after the second");
    check_gradients("BottleneckDecoder::step (two steps)",
                    [&](V x) {
                      EncoderOutput e;
                      e.final.h = x[0];
                      DecoderState st = dec.start(e);
                      dec.step(Ids{2, 1}, st, e);
                      return dec.step(Ids{3, 0}, st, e).logits;
                    },
                    {s0});
  });
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

Batch two_sentences() {  // B = 2, S = 3
  Batch b;
  b.B = 2, b.S = 3;
  b.src = {3, 4, 3, 4, 3, kPad};
  b.src_len = {3, 2};
  b.src_mask = Tensor::from({2, 3}, {1, 1, 1, 1, 1, 0});
  return b;
}
}  // namespace

TEST_CASE("greedy-decode tokens, log-probabilities and <eos>") {
  EngineGuard fast(Engine::fast);  // the encoder runs its fused ops: no cell exercise needed
  grade("greedy-decode", [] {
    ModelConfig cfg;  // the table decoder answers; H = 4
    cfg.src_vocab = 5, cfg.tgt_vocab = 5, cfg.embed = 4, cfg.hidden = 4, cfg.attention = false;
    Seq2Seq model(cfg);
    model.decoder = std::make_unique<TableDecoder>();
    const Batch b = two_sentences();
    const char* how =
        "  row 0: <sos> -> 3 -> 4 -> <eos>; row 1: <sos> -> 4 -> <eos> (argmax of each table "
        "row);\n"
        "  log p = sum_t log softmax(table row)[chosen], <eos> included:\n"
        "  row 0: (2 - lse(0,0,0.5,2,1)) + (1.5 - lse(0,0,0.2,0.1,1.5)) + (3 - "
        "lse(0,0,3,0.5,0.2))\n"
        "         = -1.5142703137; row 1: -1.3443264777\n";
    std::vector<Hypothesis> h = greedy_decode(model, b, 10);
    expect(h.size() == 2, "one hypothesis per row of the batch (2)");
    if (h.size() != 2) return;
    expect(h[0].tokens == std::vector<int64_t>{3, 4},
           "tokens [batch 0] must be 3 4 (<eos> not added)");
    expect(h[1].tokens == std::vector<int64_t>{4}, "tokens [batch 1] must be 4 (<eos> not added)");
    expect(h[0].finished && h[1].finished, "both rows reach <eos>: finished");
    check_values({"log_prob", {"batch"}, how}, Tensor::from({2}, {h[0].log_prob, h[1].log_prob}),
                 {2}, {-1.514270313747717, -1.344326477744678});
    check_values({"score", {"batch"}, "  score = log_prob\n"},
                 Tensor::from({2}, {h[0].score, h[1].score}), {2},
                 {-1.514270313747717, -1.344326477744678});
    // max_len 1: one token, not finished
    std::vector<Hypothesis> one = greedy_decode(model, b, 1);
    expect(one.size() == 2 && one[0].tokens == std::vector<int64_t>{3} && !one[0].finished,
           "with max_len 1, row 0 is the one token 3, not finished");
    if (one.size() == 2)
      check_values({"log_prob (max_len 1)", {"batch"}, "  row 0: 2 - lse(0,0,0.5,2,1)\n"},
                   Tensor::from({1}, {one[0].log_prob}), {1}, {-0.6214793959985196});
  });
}

TEST_CASE("context-input one decoder step, placement input") {
  EngineGuard reference(Engine::reference);
  grade("context-input", [] {
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
    // B = 2, S = 3 (row 1 has 2 real tokens), H = 1
    const Tensor outputs = Tensor::from({2, 3, 1}, {0.5, -1, 2, 1, 0.25, 0});
    const Tensor s0 = Tensor::from({2, 1}, {0.4, -0.3});
    auto encoder = [&](const Var& h, const Var& final) {
      EncoderOutput enc;
      enc.outputs = h;
      enc.mask = Tensor::from({2, 3}, {1, 1, 1, 1, 1, 0});
      enc.lengths = {3, 2};
      enc.final.h = final;
      return enc;
    };
    const EncoderOutput enc = encoder(Var(outputs), Var(s0));
    DecoderState s = dec.start(enc);
    StepOutput o = dec.step(Ids{3, 1}, s, enc);
    const char* how =
        "  s_0 asks: a[b] = softmax over real tokens of s_0[b] h[b,i]; c[b] = sum_i a[b,i] h[b,i]\n"
        "  s_1[b] = tanh(0.5 emb(y[b]) - 0.4 c[b] + 0.1 + 0.3 s_0[b] - 0.05), y = (3, 1)\n"
        "  h~[b] = tanh(0.7 c[b] - 0.6 s_1[b] + 0.05); logits = (1, -1, 0.5, 2) h~ + (0, .1, .2, "
        ".3)\n"
        "  a[0] = softmax(0.2, -0.4, 0.8) = (0.29665, 0.16281, 0.54054); a[1] = (0.44399, 0.55601, "
        "0)\n";
    check_values({"a", {"batch", "position"}, how}, o.weights.value(), {2, 3},
                 {0.29665400068085546, 0.16280716746749874, 0.5405388318516456, 0.4439861094553801,
                  0.5560138905446199, 0.0});
    check_values({"s_1", {"batch", "unit"}, how}, s.rnn.h.value(), {2, 1},
                 {-0.10623660044955163, -0.21956195685649801});
    check_values(
        {"logits", {"batch", "token"}, how}, o.logits.value(), {2, 4},
        {0.6964432143378992, -0.5964432143378993, 0.5482216071689496, 1.6928864286757985,
         0.5297732455183328, -0.42977324551833285, 0.4648866227591664, 1.3595464910366657});
    check_gradients("AttentionDecoder::step (placement input)",
                    [&](V x) {
                      const EncoderOutput e = encoder(x[0], x[1]);
                      DecoderState st = dec.start(e);
                      return dec.step(Ids{3, 1}, st, e).logits;
                    },
                    {outputs, s0});
  });
}

namespace {
using Sentences = std::vector<std::vector<std::string>>;
}

TEST_CASE("bleu hand-worked sentences") {
  grade("bleu", [] {
    // identical: every p_n = 1, BP = 1
    BleuScore same = corpus_bleu(Sentences{{"the", "cat", "sat", "on", "the", "mat"}},
                                 Sentences{{"the", "cat", "sat", "on", "the", "mat"}});
    check_scalar("same.bleu", same.bleu, 1.0);
    check_scalar("same.brevity_penalty", same.brevity_penalty, 1.0);
    // clipping: "the" counts once, p_1 = 1/4; c = r so BP = 1
    BleuScore clipped = corpus_bleu(Sentences{{"the", "the", "the", "the"}},
                                    Sentences{{"the", "cat", "is", "here"}}, 1);
    check_scalar("clipped.precisions[0]", clipped.precisions[0], 0.25);
    check_scalar("clipped.bleu", clipped.bleu, 0.25);
    // brevity: c = 2 < r = 4, p_1 = p_2 = 1, BP = e^{1 - 4/2}
    BleuScore short_hyp =
        corpus_bleu(Sentences{{"the", "cat"}}, Sentences{{"the", "cat", "sat", "on"}}, 2);
    check_scalar("short_hyp.brevity_penalty", short_hyp.brevity_penalty, std::exp(-1.0));
    check_scalar("short_hyp.bleu", short_hyp.bleu, std::exp(-1.0));
    // two sentences, N = 2: p_1 = (2 + 3)/(3 + 3), p_2 = (0 + 2)/(2 + 2), c = r = 6
    BleuScore corpus = corpus_bleu(Sentences{{"a", "b", "c"}, {"x", "y", "z"}},
                                   Sentences{{"a", "q", "c"}, {"x", "y", "z"}}, 2);
    check_scalar("corpus.precisions[0]", corpus.precisions[0], 5.0 / 6);
    check_scalar("corpus.precisions[1]", corpus.precisions[1], 0.5);
    check_scalar("corpus.bleu", corpus.bleu, std::sqrt(5.0 / 6 * 0.5));
    // a zero precision makes BLEU 0; an empty hypothesis has BP 0
    BleuScore zero = corpus_bleu(Sentences{{"a", "b", "c"}}, Sentences{{"a", "x", "c"}}, 2);
    check_scalar("zero.precisions[0]", zero.precisions[0], 2.0 / 3);
    check_scalar("zero.bleu", zero.bleu, 0);
    BleuScore empty = corpus_bleu(Sentences{{}}, Sentences{{"a"}}, 1);
    check_scalar("empty.brevity_penalty", empty.brevity_penalty, 0);
  });
}
