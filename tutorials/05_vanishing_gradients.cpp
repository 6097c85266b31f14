// 05_vanishing_gradients — how much gradient reaches a state t steps before the loss.
//
// Backpropagation through time multiplies by one Jacobian per step. For the
// tanh RNN h_t = tanh(W_ih x_t + W_hh h_{t-1} + b):
//   ∂L/∂h_{t-1} = W_hhᵀ diag(1 - h_t²) ∂L/∂h_t
// so ‖∂L/∂h_{T-d}‖ behaves like a product of d such factors: it shrinks
// geometrically when they are "smaller than 1" (梯度消失, vanishing) and grows
// when they are "larger than 1" (梯度爆炸, exploding). We measure it on freshly
// initialised networks (the standard demonstration: no training needed):
//   1. tanh RNN, GRU, LSTM: the norm against the distance d from the loss;
//   2. a large W_hh: the norm grows with d, and clipping caps the update;
//   3. a seq2seq model with and without attention: with attention the decoder
//      reads every encoder state directly, a path of length 1 to each of them.
#include <cmath>
#include <string>
#include <vector>

#include "common.hpp"
#include "core/tensor_math.hpp"
#include "nn/clip_grad.hpp"
#include "nn/sequence_rnn.hpp"
#include "seq2seq/model/seq2seq.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;
using tutorial::Cmp;

namespace {

constexpr int64_t B = 32, E = 32, H = 64;

// Mean over the batch of the per-row gradient norm ‖g[b,:]‖ of a (B,H) gradient.
double mean_row_norm(const Tensor& g) {
  const int64_t rows = g.size(0), cols = g.size(1);
  double total = 0;
  for (int64_t b = 0; b < rows; ++b) {
    double sq = 0;
    for (int64_t j = 0; j < cols; ++j) sq += double(g[b * cols + j]) * g[b * cols + j];
    total += std::sqrt(sq);
  }
  return total / static_cast<double>(rows);
}

struct RnnSetup {
  std::string label;
  CellKind kind;
  real forget_bias = 0;  // LSTM only: added to the forget gate's bias
  real whh_scale = 1;    // multiplies every recurrent matrix W_hh after initialisation
};

// Runs a fresh RNN over random inputs x (B,S,E) ~ N(0,1), puts the loss on the
// last step only, L = Σ_b r·h_n[b] with a fixed random r, and returns
// norms[d] = mean_b ‖∂L/∂h_{S-d}‖ for d = 0..S-1. The RNN's parameters keep
// their gradients, for the clipping demo.
std::vector<double> grad_by_distance(const SequenceRNN& rnn, int64_t S, Rng& rng) {
  Var x(Tensor::normal({B, S, E}, rng));
  SequenceOutput out = rnn.forward(x, std::vector<int64_t>(B, S));
  for (Var& h : out.step_states) h.retain_grad();  // keep ∂L/∂h_t of these intermediates
  Var r(Tensor::normal({H}, rng));
  Var loss = sum(out.step_states.back() * r);  // (B,H)·(H) summed: one scalar
  loss.backward();
  std::vector<double> norms(S);
  for (int64_t d = 0; d < S; ++d) norms[d] = mean_row_norm(out.step_states[S - 1 - d].grad());
  return norms;
}

std::unique_ptr<SequenceRNN> make_rnn(const RnnSetup& s, Rng& rng) {
  SequenceRNNOptions o;
  o.kind = s.kind;
  o.lstm_forget_bias = s.forget_bias;
  auto rnn = std::make_unique<SequenceRNN>(E, H, rng, o);
  if (s.whh_scale != 1)
    for (auto& [name, p] : rnn->named_parameters())
      if (name.find("weight_hh") != std::string::npos) p.value() = p.value() * s.whh_scale;
  return rnn;
}

// A batch of random "copy" sentences of length S over 10 symbols.
struct CopyBatch {
  std::vector<Example> examples;
  Vocab src_vocab, tgt_vocab;
  Batch batch;
};
CopyBatch copy_batch(int64_t S, Rng& rng) {
  CopyBatch c;
  c.examples.resize(B);
  for (Example& e : c.examples) {
    for (int64_t i = 0; i < S; ++i) e.src.push_back(std::string(1, char('a' + rng.below(10))));
    e.tgt = e.src;
  }
  std::tie(c.src_vocab, c.tgt_vocab) = build_vocabs(c.examples);
  std::vector<const Example*> rows;
  for (const Example& e : c.examples) rows.push_back(&e);
  c.batch = make_batch(rows, c.src_vocab, c.tgt_vocab);
  return c;
}

// The teacher-forced decoder loss of a fresh seq2seq model (what Seq2Seq::forward
// computes), written out so that we can hold on to the encoder's step states:
// returns mean_b ‖∂L/∂h_i‖ for every encoder position i = 1..S.
std::vector<double> encoder_grads(bool attention, const CopyBatch& c, uint64_t seed) {
  ModelConfig mc;
  mc.cell = CellKind::gru;
  mc.src_vocab = c.src_vocab.size();
  mc.tgt_vocab = c.tgt_vocab.size();
  mc.embed = E;
  mc.hidden = H;
  mc.attention = attention;
  mc.seed = seed;
  Seq2Seq model(mc);
  const Batch& b = c.batch;
  EncoderOutput enc = model.encode(b);
  for (Var& h : enc.step_states) h.retain_grad();
  DecoderState state = model.decoder->start(enc);
  std::vector<Var> logits;  // per step (B,V)
  Ids y(static_cast<size_t>(b.B));
  for (int64_t t = 0; t < b.T; ++t) {
    for (int64_t i = 0; i < b.B; ++i) y[i] = b.tgt_in[i * b.T + t];  // gold previous token
    logits.push_back(model.decoder->step(y, state, enc).logits);
  }
  Var loss = cross_entropy(reshape(stack(logits, 1), {b.B * b.T, -1}), b.tgt_out, kPad);
  loss.backward();
  std::vector<double> norms;
  for (const Var& h : enc.step_states) norms.push_back(mean_row_norm(h.grad()));
  return norms;
}

// The lesson's state, built section by section: the measured gradient norms of each
// setup, the clipping demo and the encoder gradients with and without attention.
// Each public member function is one section of the lesson.
class Gradients {
 public:
  Gradients(const tutorial::Args& args, tutorial::Lesson& L)
      : args(args), L(L), S(args.quick ? 30 : 50), seeds(args.quick ? 2 : 5), rng(args.seed) {}
  void introduce() const;
  void measure_setups();
  void distance_table() const;
  void decay_claims();
  void exploding_and_clipping();
  void attention_shortcut();
  void figures() const;

 private:
  void clipping_demo(SequenceRNN& rnn);
  double ratio(size_t k, int64_t far, int64_t near) const { return norms[k][far] / norms[k][near]; }

  const tutorial::Args& args;
  tutorial::Lesson& L;
  const int64_t S;  // sequence length
  const int seeds;  // fresh networks averaged per setup
  // The setups: the three cells; the LSTM twice, because at initialisation its forget
  // gate f = σ(b_f + ...) is about σ(0) = 0.5 and the cell path c_t = f c_{t-1} + ...
  // then halves per step too; b_f = 1 (a common default) keeps f ≈ 0.73. Last, a tanh
  // RNN whose W_hh is 3× too large.
  const std::vector<RnnSetup> setups = {{"tanh RNN", CellKind::rnn},
                                        {"GRU", CellKind::gru},
                                        {"LSTM b_f=0", CellKind::lstm, 0},
                                        {"LSTM b_f=1", CellKind::lstm, 1},
                                        {"RNN 3xW_hh", CellKind::rnn, 0, 3}};
  std::vector<std::vector<double>> norms;  // [setup][d]: mean ‖∂L/∂h_{S-d}‖
  Rng rng;
  real clip_before = 0, clip_after = 0, cosine = 0;
  const real max_norm = 1;
  std::vector<double> bottleneck, attention;  // encoder gradient norms by position
};

void Gradients::introduce() const {
  L.heading("Backpropagation through time", "随时间反向传播");
  L.say(
      "The lecture lists two problems of long paths: forgetting (遗忘; 04 measures it as\n"
      "accuracy falling with length) and hard training, vanishing or exploding gradients. Here\n"
      "forgetting is measured from the other side: how little gradient reaches early steps.",
      "讲义列出长路径的两个问题：遗忘（04 用准确率随长度下降来测量它）和训练困难，即梯度消失\n"
      "或梯度爆炸。这里从另一面测量遗忘：传回早先各步的梯度有多小。");
  L.say(
      std::string("Each step back multiplies the gradient by a Jacobian; for the tanh RNN\n"
                  "  dL/dh_{t-1} = W_hh^T diag(1 - h_t^2) dL/dh_t.\n") +
          fmt::format(
              "We run fresh networks (E={}, H={}) over S={} random inputs, put the loss on the\n"
              "last state only, and read ||dL/dh_t|| at every distance d = S - t from it\n"
              "(mean over a batch of {} and {} random initialisations).",
              E, H, S, B, seeds),
      std::string("每向后一步，梯度就乘以一个雅可比矩阵；对 tanh RNN：\n"
                  "  dL/dh_{t-1} = W_hh^T diag(1 - h_t^2) dL/dh_t。\n") +
          fmt::format("我们用刚初始化的网络（E={}，H={}）处理 S={} 个随机输入，损失只放在最后一个"
                      "状态上，\n然后读出每个距离 d = S - t 处的 ||dL/dh_t||（对 {} 个样本的批次和 "
                      "{} 次随机初始化取平均）。",
                      E, H, S, B, seeds));
}

void Gradients::measure_setups() {
  norms.assign(setups.size(), std::vector<double>(S, 0));
  for (size_t k = 0; k < setups.size(); ++k)
    for (int seed = 0; seed < seeds; ++seed) {
      auto rnn = make_rnn(setups[k], rng);
      std::vector<double> n = grad_by_distance(*rnn, S, rng);
      for (int64_t d = 0; d < S; ++d) norms[k][d] += n[d] / seeds;
      if (setups[k].whh_scale != 1 && seed == 0) clipping_demo(*rnn);
    }
}

// Clipping demo on the exploding network's parameter gradients.
void Gradients::clipping_demo(SequenceRNN& rnn) {
  std::vector<Var> params = rnn.parameters();
  std::vector<Tensor> before;
  for (const Var& p : params) before.push_back(p.grad());
  clip_before = clip_grad_norm(params, max_norm);  // returns the norm before clipping
  double sq = 0, dot = 0, sq_before = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& g = params[i].grad();
    sq += norm(g) * norm(g);
    sq_before += norm(before[i]) * norm(before[i]);
    dot += sum_all(g * before[i]);
  }
  clip_after = static_cast<real>(std::sqrt(sq));
  cosine = static_cast<real>(dot / std::sqrt(sq * sq_before));
}

void Gradients::distance_table() const {
  const std::vector<int64_t> shown = {0, 1, 2, 5, 10, 15, 20, 25, 29, 40, 49};
  L.heading("Gradient norm against distance from the loss", "梯度范数与到损失的距离");
  L.say("Each column divided by its value at d = 0 (the state the loss reads).",
        "每一列都除以它在 d = 0（损失直接读取的状态）处的值。");
  {
    std::vector<tutorial::Align> align(setups.size() + 1, tutorial::Align::right);
    tutorial::Table table(align);
    std::vector<std::string> head = {"d"};
    for (const auto& s : setups) head.push_back(s.label);
    table.row(head);
    for (int64_t d : shown) {
      if (d >= S) continue;
      std::vector<std::string> row = {std::to_string(d)};
      for (size_t k = 0; k < setups.size(); ++k)
        row.push_back(fmt::format("{:.2e}", norms[k][d] / norms[k][0]));
      table.row(row);
    }
    table.print();
  }
}

void Gradients::decay_claims() {
  const double rnn_20 = ratio(0, 20, 1), lstm_20 = ratio(3, 20, 1), big_20 = ratio(4, 20, 1);
  fmt::print(
      "  {} ||dL/dh||(d=20) / ||dL/dh||(d=1){} tanh RNN {:.2e}{} GRU {:.2e}{} LSTM b_f=0 {:.2e}{}\n"
      "    LSTM b_f=1 {:.2e}{} RNN 3xW_hh {:.2f}\n",
      L.tr("ratio", "比值"), L.tr(":", "："), rnn_20, L.tr(",", "，"), ratio(1, 20, 1),
      L.tr(",", "，"), ratio(2, 20, 1), L.tr(",", "，"), lstm_20, L.tr(",", "，"), big_20);
  // 1e-2 is the lecture's "100x smaller". Thresholds: the distributions by claim id are in
  // docs/claims-history.md.
  L.claim("rnn_ratio_d20", rnn_20, Cmp::lt, 1e-2,
          fmt::format("tanh RNN: the gradient at distance 20 is {:.1e} of the one at distance 1, "
                      "{:.0f} times smaller",
                      rnn_20, 1 / rnn_20),
          fmt::format("tanh RNN：距离 20 处的梯度只有距离 1 处的 {:.1e}，小了 {:.0f} 倍", rnn_20,
                      1 / rnn_20));
  L.claim(
      "lstm_over_rnn_d20", lstm_20 / rnn_20, Cmp::ge, 100,
      fmt::format("the LSTM (b_f=1) decays far less: its ratio is {:.0f} times the tanh RNN's",
                  lstm_20 / rnn_20),
      fmt::format("LSTM（b_f=1）衰减得少得多：它的比值是 tanh RNN 的 {:.0f} 倍", lstm_20 / rnn_20));
  L.say(
      "Why: the LSTM's cell path c_t = f_t * c_{t-1} + i_t * g_t is additive, so dc_t/dc_{t-1}\n"
      "= diag(f_t): a product of forget gates, not of W_hh and tanh'. Training can push f to 1\n"
      "(remember) exactly where a long dependency needs it. GRU: h_t = (1-z) n + z h_{t-1}, alike.",
      "原因：LSTM 的细胞路径 c_t = f_t * c_{t-1} + i_t * g_t 是加法形式，所以 dc_t/dc_{t-1}\n"
      "= diag(f_t)：是遗忘门的乘积，而不是 W_hh 与 tanh' 的乘积。训练可以在需要长距离依赖的\n"
      "地方把 f 推向 1（记住）。GRU：h_t = (1-z) n + z h_{t-1}，道理相同。");
}

void Gradients::exploding_and_clipping() {
  const double big_20 = ratio(4, 20, 1);
  L.heading("Exploding gradients and clipping", "梯度爆炸与梯度裁剪");
  L.say(
      "Scale the tanh RNN's W_hh by 3: now the per-step factor is larger than 1 and the norm\n"
      "grows with distance (last column). One such batch can throw the weights far away;\n"
      "clip_grad_norm rescales all gradients together so that their global norm is <= max_norm.",
      "把 tanh RNN 的 W_hh 放大 3 倍：每一步的因子大于 1，梯度范数随距离增长（最后一列）。\n"
      "这样的一个批次就可能把权重推得很远；clip_grad_norm 把所有梯度一起缩放，使全局范数\n"
      "<= max_norm。");
  L.claim(
      "exploding_ratio_d20", big_20, Cmp::gt, 1.5,
      fmt::format("with W_hh x3 the norm grows: at distance 20 it is {:.1f} times the norm at "
                  "distance 1",
                  big_20),
      fmt::format("W_hh 放大 3 倍后，范数随距离增长：距离 20 处是距离 1 处的 {:.1f} 倍", big_20));
  L.say(fmt::format("  global gradient norm {:.2f} -> {:.4f} (max_norm {}), cosine(before, after) "
                    "= {:.6f}",
                    clip_before, clip_after, max_norm, cosine),
        fmt::format("  全局梯度范数 {:.2f} -> {:.4f}（max_norm {}），裁剪前后夹角余弦 = {:.6f}",
                    clip_before, clip_after, max_norm, cosine));
  L.invariant("clipping",
              clip_before > max_norm && clip_after <= max_norm * (1 + 1e-5) && cosine > 1 - 1e-5,
              "clipping returns norm <= max_norm and keeps the direction (cosine 1)",
              "裁剪后范数 <= max_norm，且方向不变（余弦为 1）");
}

void Gradients::attention_shortcut() {
  L.heading("A short path: attention", "一条捷径：注意力机制");
  L.say(
      fmt::format(
          "A fresh GRU sequence-to-sequence model copies {} random sentences of length {}; loss =\n"
          "the decoder's cross-entropy over all target steps. Without attention every gradient\n"
          "enters the encoder through d_0 = h_n; with attention each context vector\n"
          "c_t = sum_i a_t,i h_i sends gradient straight to every h_i.",
          B, S),
      fmt::format(
          "一个刚初始化的 GRU 序列到序列模型复制 {} 个长度为 {} 的随机句子；损失为解码器在\n"
          "所有目标步上的交叉熵。没有注意力时，所有梯度都只能经由 d_0 = h_n 进入编码器；\n"
          "有了注意力机制，每个上下文向量 c_t = sum_i a_t,i h_i 都把梯度直接送到每个 h_i。",
          B, S));
  bottleneck.assign(S, 0);
  attention.assign(S, 0);
  for (int seed = 0; seed < seeds; ++seed) {
    CopyBatch c = copy_batch(S, rng);
    const uint64_t init = args.seed + static_cast<uint64_t>(seed);
    std::vector<double> nb = encoder_grads(false, c, init), na = encoder_grads(true, c, init);
    for (int64_t i = 0; i < S; ++i) bottleneck[i] += nb[i] / seeds, attention[i] += na[i] / seeds;
  }
  {
    using tutorial::Align;
    tutorial::Table table({Align::right, Align::right, Align::right});
    table.row({L.tr("position i", "位置 i"), L.tr(tutorial::term::bottleneck_model),
               L.tr(tutorial::term::attention_model)});
    for (int64_t i : {int64_t(0), int64_t(1), int64_t(4), int64_t(9), S / 2, S - 5, S - 2, S - 1})
      table.row({std::to_string(i + 1), fmt::format("{:.2e}", bottleneck[i]),
                 fmt::format("{:.2e}", attention[i])});
    table.print();
  }
  const double gain = attention[0] / bottleneck[0];
  const double flat = attention[0] / attention[S - 1];
  // 10x is the lecture's claim.
  L.claim("attention_gain_h1", gain, Cmp::ge, 10,
          fmt::format("with attention the earliest encoder state gets {:.1e} times the gradient it "
                      "gets without",
                      gain),
          fmt::format("有注意力时，最早的编码器状态得到的梯度是无注意力时的 {:.1e} 倍", gain));
  L.claim("attention_flat", flat, Cmp::gt, 0.2,
          fmt::format("and it barely depends on the distance: ||dL/dh_1|| / ||dL/dh_n|| = {:.2f}",
                      flat),
          fmt::format("而且几乎与距离无关：||dL/dh_1|| / ||dL/dh_n|| = {:.2f}", flat));
}

// Figures (log y): the norm against distance, and against the encoder position.
void Gradients::figures() const {
  std::vector<Series> curves;
  for (size_t k = 0; k < setups.size(); ++k) {
    Series s{setups[k].label, {}, {}};
    for (int64_t d = 0; d < S; ++d)
      s.x.push_back(double(d)), s.y.push_back(norms[k][d] / norms[k][0]);
    curves.push_back(s);
  }
  const std::string svg1 = L.path("gradient_vs_distance.svg"),
                    svg2 = L.path("encoder_gradients.svg");
  LinePlotOptions o1;
  o1.title = L.tr("||dL/dh_t|| relative to d = 0 (fresh init)",
                  "||dL/dh_t|| 相对于 d = 0 的值（初始化时）");
  o1.x_label = L.tr("distance d from the loss", "到损失的距离 d");
  o1.y_label = L.tr("relative gradient norm", "相对梯度范数");
  o1.log_y = true;
  o1.log_note = L.tr(" (log)", "（对数坐标）");
  o1.font_family = L.font();
  write_file(svg1, line_plot_svg(curves, o1));
  std::vector<double> pos;
  for (int64_t i = 1; i <= S; ++i) pos.push_back(double(i));
  LinePlotOptions o2;
  o2.title = L.tr("||dL/dh_i|| of the encoder states (GRU, fresh init)",
                  "编码器各状态的 ||dL/dh_i||（GRU，初始化时）");
  o2.x_label = L.tr("encoder position i", "编码器位置 i");
  o2.y_label = L.tr(tutorial::term::gradient_norm);
  o2.log_y = true;
  o2.log_note = L.tr(" (log)", "（对数坐标）");
  o2.font_family = L.font();
  write_file(svg2, line_plot_svg({{L.tr(tutorial::term::bottleneck_model), pos, bottleneck},
                                  {L.tr(tutorial::term::attention_model), pos, attention}},
                                 o2));
  L.say(fmt::format("Figures: {}\n         {}", svg1, svg2),
        fmt::format("图：{}\n    {}", svg1, svg2));
  L.say("Next: 06_attention — the context vector, step by step.",
        "下一步：06_attention —— 一步一步看上下文向量。");
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "05_vanishing_gradients",
                                   "gradient norm vs distance: tanh RNN, GRU, LSTM, large W_hh, "
                                   "clipping, attention");
  tutorial::Lesson L(args);
  Gradients lesson(args, L);
  lesson.introduce();  // backpropagation through time
  lesson.measure_setups();
  lesson.distance_table();  // gradient norm against distance from the loss
  lesson.decay_claims();
  lesson.exploding_and_clipping();
  lesson.attention_shortcut();  // a short path: attention
  lesson.figures();
  return L.finish();
}
