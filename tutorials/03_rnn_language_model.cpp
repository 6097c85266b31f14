// 03_rnn_language_model — an LSTM learns a tiny language and then speaks it.
//
// A language model gives P(w_1..w_n) = Π_t P(w_t | w_<t); an RNN carries w_<t
// in its state. We train on sentences from a small grammar with number
// agreement ("the cat sees a dog", "some dogs sleep"), measured by perplexity
// exp(mean -log P(w_t | w_<t)): a uniform guess over V words scores V.
// Then the model generates: each sampled word becomes its next input, exactly
// how a decoder (解码器) will produce translations later in the course.
#include <cmath>

#include "common.hpp"
#include "core/tensor_math.hpp"
#include "nn/adam.hpp"
#include "nn/clip_grad.hpp"
#include "nn/embedding.hpp"
#include "nn/linear.hpp"
#include "nn/loss.hpp"
#include "nn/sequence_rnn.hpp"

using namespace s2s;
using tutorial::Cmp;

namespace {

// --- The language -------------------------------------------------------------
//   S  -> NP(n) V_intrans(n) | NP(n) V_trans(n) NP(any)
//   NP(sg) -> (the | a) Adj* N_sg        NP(pl) -> (the | some) Adj* N_pl
const std::vector<std::string> kWords = {
    "<pad>", "<bos>", "<eos>", "the",   "a",    "some",   "big", "small", "red",    "cat",  "dog",
    "bird",  "cats",  "dogs",  "birds", "sees", "chases", "see", "chase", "sleeps", "sleep"};
constexpr int64_t kPadWord = 0, kBos = 1, kEos = 2;
const int64_t V = static_cast<int64_t>(kWords.size());
int64_t id(const std::string& w) {
  for (int64_t i = 0; i < V; ++i)
    if (kWords[i] == w) return i;
  return -1;
}
int64_t pick(const std::vector<std::string>& options, Rng& rng) {
  return id(options[rng.below(options.size())]);
}

void generate_np(Ids& out, bool plural, Rng& rng) {
  out.push_back(plural ? pick({"the", "some"}, rng) : pick({"the", "a"}, rng));
  for (int k = 0; k < 2 && rng.uniform() < 0.4; ++k)
    out.push_back(pick({"big", "small", "red"}, rng));
  out.push_back(plural ? pick({"cats", "dogs", "birds"}, rng) : pick({"cat", "dog", "bird"}, rng));
}

Ids generate_sentence(Rng& rng) {  // words only, no <bos>/<eos>
  Ids s;
  const bool plural = rng.uniform() < 0.5;
  generate_np(s, plural, rng);
  if (rng.uniform() < 0.3) {
    s.push_back(id(plural ? "sleep" : "sleeps"));
  } else {
    s.push_back(plural ? pick({"see", "chase"}, rng) : pick({"sees", "chases"}, rng));
    generate_np(s, rng.uniform() < 0.5, rng);
  }
  return s;
}

// The checker: true when `s` is a sentence of the grammar above.
bool grammatical(const Ids& s) {
  size_t i = 0;
  auto is = [&](std::initializer_list<const char*> ws) {
    if (i >= s.size()) return false;
    for (const char* w : ws)
      if (s[i] == id(w)) return true;
    return false;
  };
  // Parses an NP at i; sets plural; false if it is not one.
  auto np = [&](bool& plural) {
    bool sg_ok = is({"the", "a"}), pl_ok = is({"the", "some"});
    if (!sg_ok && !pl_ok) return false;
    ++i;
    while (is({"big", "small", "red"})) ++i;
    if (sg_ok && is({"cat", "dog", "bird"}))
      plural = false;
    else if (pl_ok && is({"cats", "dogs", "birds"}))
      plural = true;
    else
      return false;
    ++i;
    return true;
  };
  bool plural = false, object_plural = false;
  if (!np(plural)) return false;
  if (is({plural ? "sleep" : "sleeps"})) return ++i == s.size();
  if (!is({plural ? "see" : "sees", plural ? "chase" : "chases"})) return false;
  ++i;
  return np(object_plural) && i == s.size();
}

// log P(s) under the generator (s must be grammatical): every choice above
// multiplied out. exp(-Σ log P / #tokens) is the best perplexity any model can reach.
double generator_log_prob(const Ids& s) {
  size_t i = 0;
  auto np =
      [&] {  // number 1/2, determiner 1/2, k adjectives (0.6, 0.4·0.6, 0.4²), each 1/3, noun 1/3
        ++i;
        int k = 0;
        while (s[i] == id("big") || s[i] == id("small") || s[i] == id("red")) ++i, ++k;
        ++i;
        const double p_k = k == 0 ? 0.6 : k == 1 ? 0.4 * 0.6 : 0.4 * 0.4;
        return std::log(0.5 * 0.5 * p_k * std::pow(1.0 / 3, k) / 3);
      };
  double lp = np();
  if (s[i] == id("sleep") || s[i] == id("sleeps")) return lp + std::log(0.3);
  ++i;
  return lp + std::log(0.7 * 0.5) + np();
}

// Teacher-forcing batch: input <bos> w1..wn, target w1..wn <eos>, padded.
struct SentenceBatch {
  Ids inputs, targets;  // (B,S) row-major
  std::vector<int64_t> lengths;
  int64_t B, S;
};
SentenceBatch make_batch(const std::vector<Ids>& sentences) {
  SentenceBatch b{{}, {}, {}, static_cast<int64_t>(sentences.size()), 0};
  for (auto& s : sentences) b.S = std::max(b.S, static_cast<int64_t>(s.size()) + 1);
  b.inputs.assign(b.B * b.S, kPadWord);
  b.targets.assign(b.B * b.S, kPadWord);
  for (int64_t r = 0; r < b.B; ++r) {
    const Ids& s = sentences[r];
    const int64_t n = static_cast<int64_t>(s.size());
    b.inputs[r * b.S] = kBos;
    for (int64_t t = 0; t < n; ++t) {
      b.inputs[r * b.S + t + 1] = s[t];
      b.targets[r * b.S + t] = s[t];
    }
    b.targets[r * b.S + n] = kEos;
    b.lengths.push_back(n + 1);
  }
  return b;
}

struct LanguageModel : Module {
  LanguageModel(int64_t E, int64_t H, Rng& rng)
      : embed(V, E, rng, kPadWord),
        rnn(E, H, rng, {CellKind::lstm, 1, false, 0, 1}),
        head(H, V, rng) {
    register_module("embed", embed);
    register_module("rnn", rnn);
    register_module("head", head);
  }
  Var logits(const SentenceBatch& b) const {  // (B,S,V)
    return head(rnn.forward(embed.forward(b.inputs, {b.B, b.S}), b.lengths).outputs);
  }
  Embedding embed;
  SequenceRNN rnn;
  Linear head;
};

// Generation: one cell step at a time; the sampled word is the next input.
Ids sample(const LanguageModel& lm, Rng& rng, int64_t max_len = 15) {
  NoGradGuard no_grad;
  const RecurrentCell& cell = lm.rnn.cell(0);
  RecurrentState s = cell.zero_state(1);
  Ids out;
  int64_t token = kBos;
  while (static_cast<int64_t>(out.size()) < max_len) {
    s = cell.step(lm.embed.forward({token}, {1}), s);
    Tensor p = softmax(lm.head(s.h).value(), 1);  // (1,V)
    double u = rng.uniform(), acc = 0;
    token = V - 1;
    for (int64_t v = 0; v < V; ++v)
      if ((acc += p[v]) > u) {
        token = v;
        break;
      }
    if (token == kEos) break;
    out.push_back(token);
  }
  return out;
}

std::string words(const Ids& s) {
  std::string out;
  for (int64_t t : s) out += (out.empty() ? "" : " ") + kWords[t];
  return out;
}

// --- The lesson's sections ---------------------------------------------------------

void a_tiny_language(tutorial::Lesson& L, Rng& rng) {
  L.heading("A tiny language", "一个小小的语言");
  L.say(
      fmt::format("{} words, sentences like the ones below. Verbs agree with their subject\n"
                  "(the cat sees / the cats see), so the model must remember the subject's number.",
                  V),
      fmt::format(
          "共 {} 个词，句子如下。动词要与主语的单复数一致（「the cat sees」与「the cats see」），\n"
          "所以模型必须记住主语是单数还是复数。",
          V));
  for (int i = 0; i < 4; ++i)
    fmt::print("  {}\n",
               L.zh() ? L.quote(words(generate_sentence(rng))) : words(generate_sentence(rng)));
}

void train_by_teacher_forcing(tutorial::Lesson& L, LanguageModel& lm, Rng& rng, int64_t steps) {
  L.heading("Training by teacher forcing", "用教师强制训练");
  L.say(
      "Input <bos> w1 .. wn, target w1 .. wn <eos>: at every step the LSTM predicts the next\n"
      "word from the true previous words. Padding targets are ignored by the loss.",
      "输入 <bos> w1 .. wn，目标 w1 .. wn <eos>：每一步 LSTM 根据真实的前文预测下一个词。\n"
      "填充位置的目标不计入损失。");
  Adam opt(lm.parameters(), real(0.01));
  for (int64_t step = 1; step <= steps; ++step) {
    std::vector<Ids> sents;
    for (int i = 0; i < 32; ++i) sents.push_back(generate_sentence(rng));
    SentenceBatch b = make_batch(sents);
    Var loss = cross_entropy_loss(lm.logits(b), b.targets, kPadWord);
    opt.zero_grad();
    loss.backward();
    clip_grad_norm(opt.params(), 5);
    opt.step();
    if (step % (steps / 5) == 0)
      L.say(fmt::format("  step {:4d}  loss {:.3f}", step, loss.item()),
            fmt::format("  第 {:4d} 步  损失 {:.3f}", step, loss.item()));
  }
}

void perplexity(tutorial::Lesson& L, LanguageModel& lm, Rng& rng) {
  L.heading("Perplexity", "困惑度");
  std::vector<Ids> held_out;
  for (int i = 0; i < 500; ++i) held_out.push_back(generate_sentence(rng));
  double ppl, total_lp = 0, tokens = 0;
  for (auto& sent : held_out) {
    total_lp += generator_log_prob(sent);
    tokens += static_cast<double>(sent.size() + 1);  // the words and <eos>
  }
  const double best = std::exp(-total_lp / tokens);
  {
    NoGradGuard no_grad;
    SentenceBatch b = make_batch(held_out);
    ppl = std::exp(cross_entropy_loss(lm.logits(b), b.targets, kPadWord).item());
  }
  L.say(
      "Perplexity exp(mean -log P(w_t | w_<t)) is the number of words the model is 'choosing\n"
      "between' on average. The generator's own probabilities give the lowest possible value.",
      "困惑度 exp(平均 -log P(w_t | w_<t)) 表示模型平均在多少个词之间“犹豫”。\n"
      "生成器自身的概率给出可能达到的最低值。");
  L.say(fmt::format("  held-out perplexity {:.2f}   (best possible {:.2f}, uniform guess {})", ppl,
                    best, V),
        fmt::format("  留出集困惑度 {:.2f}（可能的最低值 {:.2f}，均匀猜测 {}）", ppl, best, V));
  // The floor is about 3.5: V/4 = 5.25 and 1.15 fail only a model that did not learn the
  // grammar (distributions: docs/claims-history.md).
  L.claim("perplexity", ppl, Cmp::lt, V / 4.0,
          fmt::format("perplexity {:.2f}, below a quarter of the V = {} words", ppl, V),
          fmt::format("困惑度为 {:.2f}，低于词表大小 V = {} 的四分之一", ppl, V));
  L.claim("perplexity_over_best", ppl / best, Cmp::lt, 1.15,
          fmt::format("and {:.3f} times the generator's own perplexity, {:.2f}", ppl / best, best),
          fmt::format("模型的困惑度是生成器自身困惑度 {:.2f} 的 {:.3f} 倍", best, ppl / best));
}

void the_model_speaks(tutorial::Lesson& L, LanguageModel& lm, Rng& rng) {
  L.heading("The model speaks", "模型开口说话");
  L.say(
      "Sampling: start from <bos>, draw a word from P(w | state), feed it back as the next\n"
      "input, stop at <eos>. Each sample is checked against the grammar.",
      "采样：从 <bos> 开始，按 P(w | 状态) 抽取一个词，再把它作为下一步的输入，直到 <eos>。\n"
      "每个样本都用语法检查器判断。");
  const int n_samples = 200;
  int good = 0;
  for (int i = 0; i < n_samples; ++i) {
    Ids s = sample(lm, rng);
    const bool ok = grammatical(s);
    good += ok;
    if (i < 8)
      fmt::print("  [{}] {}\n", L.zh() ? (ok ? "对" : "错") : (ok ? "ok" : "x "),
                 L.zh() ? L.quote(words(s)) : words(s));
  }
  const double frac = static_cast<double>(good) / n_samples;
  fmt::print("  {}: {}/{} ({:.0f}%)\n", L.tr("grammatical", "符合语法"), good, n_samples,
             100 * frac);
  L.claim("grammatical", frac, Cmp::ge, 0.8,
          fmt::format("{:.0f}% of the sampled sentences are grammatical", 100 * frac),
          fmt::format("采样句子中有 {:.0f}% 符合语法", 100 * frac),
          tutorial::Lesson::Shown::percent);
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "03_rnn_language_model",
                                   "an LSTM language model on a tiny grammar, then sampling");
  tutorial::Lesson L(args);
  Rng rng(args.seed);
  const int64_t steps = args.quick ? 250 : 1200;
  a_tiny_language(L, rng);
  LanguageModel lm(16, 48, rng);
  train_by_teacher_forcing(L, lm, rng, steps);
  perplexity(L, lm, rng);
  the_model_speaks(L, lm, rng);
  return L.finish();
}
