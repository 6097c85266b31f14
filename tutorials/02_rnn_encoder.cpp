// 02_rnn_encoder — an RNN reads a whole sequence into its last state.
//
// Task: sequences over {a, b, c} of varying length; the label says whether
// there are more a's than b's (ties are never generated; c is a distractor).
// The answer depends on every token, so the encoder's (编码器) final state
// must carry a running count. Only that state feeds the classifier: this is
// exactly the "fixed-size summary" that a seq2seq decoder starts from, and
// whose limits motivate attention later in the course.
#include <algorithm>
#include <numeric>

#include "common.hpp"
#include "core/tensor_math.hpp"
#include "nn/adam.hpp"
#include "nn/clip_grad.hpp"
#include "nn/embedding.hpp"
#include "nn/linear.hpp"
#include "nn/loss.hpp"
#include "nn/sequence_rnn.hpp"

using namespace s2s;

namespace {

constexpr int64_t kPad = 0, kA = 1, kB = 2, kC = 3, kVocab = 4;
const char* kLetters = "_abc";

struct LabeledBatch {
  Ids tokens;  // (B,S) row-major, padded with kPad
  std::vector<int64_t> lengths;
  Ids labels;  // 1 when #a > #b
  int64_t B, S;
};

// Random sequences with lengths in [min_len, max_len] and #a != #b.
LabeledBatch make_batch(int64_t B, int64_t min_len, int64_t max_len, Rng& rng) {
  LabeledBatch batch{{}, {}, {}, B, max_len};
  batch.tokens.assign(B * max_len, kPad);
  for (int64_t b = 0; b < B; ++b) {
    int64_t len, balance;
    do {
      len = min_len + static_cast<int64_t>(rng.below(max_len - min_len + 1));
      balance = 0;
      for (int64_t s = 0; s < len; ++s) {
        int64_t tok = 1 + static_cast<int64_t>(rng.below(3));
        batch.tokens[b * max_len + s] = tok;
        balance += tok == kA ? 1 : tok == kB ? -1 : 0;
      }
    } while (balance == 0);
    std::fill(batch.tokens.begin() + b * max_len + len, batch.tokens.begin() + (b + 1) * max_len,
              kPad);
    batch.lengths.push_back(len);
    batch.labels.push_back(balance > 0 ? 1 : 0);
  }
  return batch;
}

// The whole model: embed, encode, classify from the last state only.
struct Classifier : Module {
  Classifier(int64_t E, int64_t H, Rng& rng)
      : embed(kVocab, E, rng, kPad),
        encoder(E, H, rng, {CellKind::gru, 1, false, 0, 0}),
        head(H, 2, rng) {
    register_module("embed", embed);
    register_module("encoder", encoder);
    register_module("head", head);
  }
  // Returns logits (B,2) and the encoder run (for its per-step states).
  std::pair<Var, SequenceOutput> forward(const LabeledBatch& b) const {
    Var x = embed.forward(b.tokens, {b.B, b.S});         // (B,S,E)
    SequenceOutput enc = encoder.forward(x, b.lengths);  // final[0].h: (B,H)
    return {head(enc.final[0].h), std::move(enc)};
  }
  Embedding embed;
  SequenceRNN encoder;
  Linear head;
};

double accuracy(const Classifier& model, const LabeledBatch& b) {
  NoGradGuard no_grad;
  auto pred = argmax(model.forward(b).first.value(), 1);
  int64_t right = 0;
  for (int64_t i = 0; i < b.B; ++i) right += pred[i] == b.labels[i];
  return static_cast<double>(right) / static_cast<double>(b.B);
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "02_rnn_encoder",
                                   "an RNN encoder summarises a sequence in its last state");
  tutorial::Lesson L(args);
  Rng rng(args.seed);
  const int64_t steps = args.quick ? 150 : 600, max_len = args.quick ? 12 : 20;

  L.heading("The task", "任务");
  L.say(
      "Read a string of a, b and c; answer: are there more a's than b's? No single position\n"
      "decides it, so the encoder must count as it reads, and hand over only its last state h_n.",
      "读入由 a、b、c 组成的字符串，回答：a 是否比 b 多？没有哪一个位置能单独决定答案，\n"
      "所以编码器必须边读边计数，最后只交出它的最终状态 h_n。");
  LabeledBatch show = make_batch(4, 4, 10, rng);
  for (int64_t b = 0; b < show.B; ++b) {
    std::string s;
    for (int64_t t = 0; t < show.lengths[b]; ++t) s += kLetters[show.tokens[b * show.S + t]];
    fmt::print("  {} -> {}\n",
               tutorial::pad(L.zh() ? "「" + s + "」" : s, 14, tutorial::Align::left),
               show.labels[b] ? L.tr("more a", "a 更多") : L.tr("more b", "b 更多"));
  }

  L.heading("Training a GRU encoder", "训练 GRU 编码器");
  L.say(
      "Embedding (E=8) -> GRU (H=16) over the padded batch (padded steps keep the state) ->\n"
      "Linear on the final state -> cross-entropy. Adam, lr 0.01, batches of 32.",
      "嵌入向量 (E=8) -> GRU (H=16) 读入填充后的批次（填充位置保持状态不变）->\n"
      "对最终状态做线性变换 -> 交叉熵。优化器 Adam，学习率 0.01，批大小 32。");
  Classifier model(8, 16, rng);
  Adam opt(model.parameters(), real(0.01));
  for (int64_t step = 1; step <= steps; ++step) {
    LabeledBatch b = make_batch(32, 2, max_len, rng);
    Var loss = cross_entropy_loss(model.forward(b).first, b.labels);
    opt.zero_grad();
    loss.backward();
    clip_grad_norm(opt.params(), 5);
    opt.step();
    if (step % (steps / 5) == 0)
      L.say(fmt::format("  step {:4d}  loss {:.3f}", step, loss.item()),
            fmt::format("  第 {:4d} 步  损失 {:.3f}", step, loss.item()));
  }

  L.heading("Does the last state know the answer?", "最终状态知道答案吗？");
  LabeledBatch test = make_batch(1000, 2, max_len, rng);
  const double acc = accuracy(model, test);
  L.say(fmt::format("  test accuracy on 1000 new sequences: {:.1f}%  (chance: 50%)", 100 * acc),
        fmt::format("  在 1000 个新序列上的测试准确率：{:.1f}%（随机猜测：50%）", 100 * acc));
  // 90% leaves room for other platforms (distribution: docs/claims-history.md).
  L.claim("test_accuracy", acc, tutorial::Cmp::ge, 0.90,
          fmt::format("the final state alone classifies {:.1f}% of new sequences correctly",
                      100 * acc),
          fmt::format("仅凭最终状态就能正确分类 {:.1f}% 的新序列", 100 * acc),
          tutorial::Lesson::Shown::percent);

  L.heading("How far back does the gradient reach?", "梯度能传回多远？");
  L.say(
      "We backpropagate one example's loss and print ||dL/dh_t|| for every step t. In a plain\n"
      "RNN these norms shrink geometrically going back (vanishing gradients); the GRU's\n"
      "update gate z lets some of it pass through unchanged.",
      "对一个样本的损失做反向传播，打印每一步的 ||dL/dh_t||。在普通 RNN 中，这些范数\n"
      "越往前越呈几何级数衰减（梯度消失）；GRU 的更新门 z 让一部分梯度原样通过。");
  LabeledBatch one = make_batch(1, max_len, max_len, rng);
  auto [logits, enc] = model.forward(one);
  for (auto& h : enc.step_states) h.retain_grad();
  cross_entropy_loss(logits, one.labels).backward();
  std::string line;
  for (auto& h : enc.step_states) line += fmt::format("{:.1e} ", norm(h.grad()));
  fmt::print("  ||dL/dh_t||, t = 1..{}: {}\n", one.S, line);
  return L.finish();
}
