// 06_attention — the lecture's attention decoder: a fresh context vector at every step.
//
// The lecture ("Attention – Key Idea" to "Simple Attention Variations"): instead of
// forcing the decoder to extract what it needs from the encoder's last state h_n,
// give it at every decoder step t a context vector c_t computed for that step
// (Bahdanau et al. 2015; placement `input` in seq2seq/model/placement.hpp):
//   e_t,i = score(d_{t-1}, h_i)              the score function compares the decoder
//                                            state with every encoder output h_i; here
//                                            Bahdanau's additive vᵀ tanh(W_q d + W_k h_i)
//   a_t   = softmax(e_t)                     attention weights: a_t,i >= 0, Σ_i a_t,i = 1
//   c_t   = Σ_i a_t,i h_i                    context vector: a weighted average of the h_i
//   d_t   = cell([emb(y_{t-1}); c_t], d_{t-1})   the context and the last token's
//                                            embedding go into the next decoder step
//   p(y_t) = softmax(W_out tanh(W_c [c_t; d_t]))
// d_t is the lecture's name for the decoder state (s_t in attention_decoder.hpp).
// The encoder is bidirectional, as in Bahdanau et al.: h_i = [forward h_i; backward h_i].
// --placement output gives Luong et al. 2015's variant (the cell runs first and d_t
// asks), --score general Luong's score; 07 and 08 compare scores and placements.
// With --score general (and placement input) the argmax of the weights often lands
// next to the aligned word, as a bidirectional h_i also carries its neighbours
// (docs/claims-history.md).
//
// We train on the toy English → Spanish task, check the rules of the weights on every
// test step, compute one real step through the library's own calls (the score function
// the registry built, masked_softmax, weighted_sum) and again by hand (a weighted
// average with several weights well above zero), look at a heatmap of a_t (the
// adjective–noun swap "the big dog" → "el perro grande" is a cell off the diagonal), and
// compare accuracy by sentence length with the bottleneck model of 04 trained on the
// same budget.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "attention/attention.hpp"
#include "common.hpp"
#include "core/tensor_math.hpp"
#include "model_lesson.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/plot/attention_heatmap.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/svg.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

// A gold adjective–noun swap: "the big dog" -> "el perro grande". Source i-2 is a
// determiner, target j (the noun) links source i and target j+1 (the adjective)
// links source i-1. Returns j, or -1 when the sentence has none.
int find_swap(const Example& e) {
  auto determiner = [&](int i) {
    const std::string& w = e.src[static_cast<size_t>(i)];
    return w == "the" || w == "a" || w == "an" || w == "some";
  };
  auto linked = [&](int s, int t) {
    for (auto [a, b] : e.align)
      if (a == s && b == t) return true;
    return false;
  };
  for (int j = 0; j + 1 < static_cast<int>(e.tgt.size()); ++j)
    for (int i = 2; i < static_cast<int>(e.src.size()); ++i)
      if (determiner(i - 2) && linked(i, j) && linked(i - 1, j + 1)) return j;
  return -1;
}

int64_t argmax_row(const Tensor& w, int64_t row) {  // w (T,S)
  const int64_t S = w.size(1);
  int64_t best = 0;
  for (int64_t i = 1; i < S; ++i)
    if (w[row * S + i] > w[row * S + best]) best = i;
  return best;
}

// The lecture's chain for one decoder step t, as one picture read left to right,
// one row per source token i:
//   e_t,i (a bar: the score, any sign) -> a_t,i = softmax(e_t)_i (a bar in [0, 1])
//   -> a_t,i·h_i (the first `shown` numbers of the vector, one cell each, red < 0 < blue)
// and under the last column their sum, c_t = Σ_i a_t,i·h_i.
struct StepFigure {
  std::vector<std::string> tokens;      // the source tokens i = 1..n
  std::vector<double> e, a;             // (n) scores and weights
  std::vector<std::vector<double>> ah;  // (n, shown) a_t,i·h_i, first numbers
  std::vector<double> c;                // (shown) c_t, first numbers
  int64_t t = 1, He = 0;                // the step (1-based) and the size of h_i
  std::string title, col_e, col_a, col_ah, sum_label, cell_note;
  std::string font = "sans-serif";
};

// Where the figure's parts go, and its scales.
struct StepLayout {
  size_t n = 0, k = 0;  // rows (source tokens), cells per vector
  static constexpr int row = 26, bar_w = 150, cell = 16;
  double x_tok = 8, x_e = 0, x_a = 0, x_h = 0, top = 64;  // column starts, first row
  double grid_w = 0, e_max = 1e-9, v_max = 1e-9;          // bar and colour scales
  double e_zero = 0, y_sum = 0, width = 0, height = 0;
  // Red (negative) - white (0) - blue (positive), the magnitude relative to v_max.
  std::string diverging(double v) const {
    const double u = std::clamp(std::abs(v) / v_max, 0.0, 1.0);
    auto mix = [&](int to) { return static_cast<int>(std::lround(255 + (to - 255) * u)); };
    return v < 0 ? fmt::format("#{:02x}{:02x}{:02x}", mix(178), mix(24), mix(43))
                 : fmt::format("#{:02x}{:02x}{:02x}", mix(33), mix(102), mix(172));
  }
};

StepLayout step_layout(const StepFigure& f) {
  StepLayout g;
  g.n = f.tokens.size();
  g.k = f.c.size();
  const int row = g.row, bar_w = g.bar_w, cell = g.cell;
  double tok_w = 20;
  for (const auto& tk : f.tokens) tok_w = std::max(tok_w, text_width_px(tk));
  // Each column is as wide as its bar or its (bold, so a little wider) header.
  auto col_w = [&](const std::string& header) {
    return std::max<double>(bar_w, 1.1 * text_width_px(header));
  };
  g.x_e = g.x_tok + tok_w + 16;
  g.x_a = g.x_e + col_w(f.col_e) + 30;
  g.x_h = g.x_a + col_w(f.col_a) + 30;
  g.grid_w = static_cast<double>(g.k) * cell;
  for (double v : f.e) g.e_max = std::max(g.e_max, std::abs(v));
  for (const auto& r : f.ah)
    for (double v : r) g.v_max = std::max(g.v_max, std::abs(v));
  for (double v : f.c) g.v_max = std::max(g.v_max, std::abs(v));
  g.width =
      std::max({g.x_h + g.grid_w + 16, text_width_px(f.title, 15) + 16,
                g.x_h + 1.1 * text_width_px(f.col_ah) + 8, g.x_h + text_width_px(f.cell_note) + 8});
  g.y_sum = g.top + static_cast<double>(g.n) * row + 14;
  g.height = g.y_sum + row + 54;
  g.e_zero = g.x_e + bar_w / 2.0;  // the scores' zero line
  return g;
}

// One row per source token: its score bar, its weight bar, its weighted vector's cells.
void step_figure_rows(std::string& s, const StepFigure& f, const StepLayout& g) {
  const size_t n = g.n, k = g.k;
  const int row = g.row, bar_w = g.bar_w, cell = g.cell;
  const double x_tok = g.x_tok, x_a = g.x_a, x_h = g.x_h, top = g.top, e_max = g.e_max,
               e_zero = g.e_zero;
  auto diverging = [&](double v) { return g.diverging(v); };
  for (size_t i = 0; i < n; ++i) {
    const double y = top + static_cast<double>(i) * row;
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", x_tok, y + 16,
                     xml_escape(f.tokens[i]));
    const double we = f.e[i] / e_max * (bar_w / 2.0 - 4);
    s += fmt::format(
        "<rect class=\"score\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"16\" "
        "fill=\"#7f7f7f\"><title>e_t,{} = {:.3f}</title></rect>\n",
        we < 0 ? e_zero + we : e_zero, y + 4, std::abs(we), i + 1, f.e[i]);
    s += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"{}\">{:.2f}"
        "</text>\n",
        we < 0 ? e_zero + 3 : e_zero - 3, y + 16, we < 0 ? "start" : "end", f.e[i]);
    const double wa = f.a[i] * (bar_w - 40);
    s += fmt::format(
        "<rect class=\"weight\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"16\" "
        "fill=\"{}\" stroke=\"#08306b\" stroke-width=\"0.5\"><title>a_t,{} = {:.4f}</title>"
        "</rect>\n",
        x_a, y + 4, wa, blue_scale(0.25 + 0.75 * f.a[i]), i + 1, f.a[i]);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\">{:.3f}</text>\n",
                     x_a + wa + 4, y + 16, f.a[i]);
    for (size_t j = 0; j < k; ++j)
      s += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"16\" fill=\"{}\" "
          "stroke=\"#dddddd\"><title>a_t,{}·h_{}[{}] = {:+.4f}</title></rect>\n",
          x_h + static_cast<double>(j) * cell, y + 4, cell, diverging(f.ah[i][j]), i + 1, i + 1, j,
          f.ah[i][j]);
  }
}

// The sum row c_t under the weighted vectors, and the colour key.
void step_figure_sum(std::string& s, const StepFigure& f, const StepLayout& g) {
  const size_t k = g.k;
  const int row = g.row, cell = g.cell;
  const double x_h = g.x_h, grid_w = g.grid_w, y_sum = g.y_sum, v_max = g.v_max;
  auto diverging = [&](double v) { return g.diverging(v); };
  // The sum: a rule under the weighted vectors, then c_t.
  s += fmt::format(
      "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
      "stroke=\"black\"/>\n",
      x_h, y_sum - 6, x_h + grid_w, y_sum - 6);
  s += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" font-weight=\"bold\">{}"
      "</text>\n",
      x_h - 6, y_sum + 16, xml_escape(f.sum_label));
  for (size_t j = 0; j < k; ++j)
    s += fmt::format(
        "<rect class=\"context\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"16\" "
        "fill=\"{}\" stroke=\"#333333\"><title>c_t[{}] = {:+.4f}</title></rect>\n",
        x_h + static_cast<double>(j) * cell, y_sum + 4, cell, diverging(f.c[j]), j, f.c[j]);
  // The colour key of the cells, with its unit.
  const double yk = y_sum + row + 14;
  s += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"12\" fill=\"{}\"/>"
      "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{:+.2f}</text>\n",
      x_h, yk, diverging(-v_max), x_h + 18, yk + 10, -v_max);
  s += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"12\" fill=\"white\" "
      "stroke=\"#dddddd\"/><text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">0</text>\n",
      x_h + 62, yk, x_h + 80, yk + 10);
  s += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"12\" fill=\"{}\"/>"
      "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{:+.2f}</text>\n",
      x_h + 100, yk, diverging(v_max), x_h + 118, yk + 10, v_max);
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{}</text>\n", x_h, yk + 28,
                   xml_escape(f.cell_note));
}

std::string step_figure_svg(const StepFigure& f) {
  const StepLayout g = step_layout(f);
  const size_t n = g.n;
  const int row = g.row;
  const double x_e = g.x_e, x_a = g.x_a, x_h = g.x_h, top = g.top, width = g.width,
               height = g.height, e_zero = g.e_zero;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
      "viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"{2}\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"8\" y=\"20\" font-size=\"15\">{3}</text>\n",
      width, height, xml_escape(f.font), xml_escape(f.title));
  auto header = [&](double x, const std::string& text) {
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-weight=\"bold\">{}</text>\n", x,
                     top - 14, xml_escape(text));
  };
  header(x_e, f.col_e);
  header(x_a, f.col_a);
  header(x_h, f.col_ah);
  // Arrows between the columns: score -> softmax -> weighted vectors.
  for (double x : {x_a - 24, x_h - 24})
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"16\">→</text>\n", x,
                     top + static_cast<double>(n) * row / 2);
  s += fmt::format(
      "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
      "stroke=\"#888888\"/>\n",
      e_zero, top - 4, top + static_cast<double>(n) * row);
  step_figure_rows(s, f, g);
  step_figure_sum(s, f, g);
  s += "</svg>\n";
  return s;
}

// --- The lesson's sections, in the lecture's order ------------------------------

using tutorial::Align;
using tutorial::Args;
using tutorial::Cmp;
using tutorial::Lesson;
namespace term = tutorial::term;

// The budget: --quick is CI's. The attention model is trained n_runs times (training
// seeds run_seed(seed, k)) and the claims on accuracy by length use the mean: one short
// run is noisy (docs/claims-history.md). Run 0 is the model we look inside. The
// bottleneck's token accuracy varies less, so it is trained once, and its BLEU, which
// varies a lot near zero, is compared only in absolute terms.
struct Budget {
  int max_len, n_train, epochs, n_runs;
};
Budget budget_for(const Args& args) {
  return {args.quick ? 9 : 15, args.quick ? 3000 : 8000, args.quick ? 6 : 8, args.quick ? 3 : 2};
}

// The toy English -> Spanish task and its vocabularies.
struct Task {
  TaskConfig tc;
  Splits data;
  Vocab sv, tv;
};

// The trained models: n_runs attention models (attns[0] is the one we look inside)
// and one bottleneck, on the same data, batches, epochs and learning rate.
struct Trained {
  std::vector<std::unique_ptr<Seq2Seq>> attns, bottlenecks;
  double valid_attn = 0, valid_bottleneck = 0;  // best validation loss: run 0, the bottleneck
  int64_t updates = 0;
};

// The key idea and the four equations of one decoder step.
void introduce(Lesson& L) {
  L.heading("Attention in sequence-to-sequence models: a context vector per step",
            "序列到序列模型中的注意力：每一步一个上下文向量");
  L.say(
      "The key idea: instead of forcing the decoder to extract what it needs from the\n"
      "encoder's last state h_n, give it a context vector c_t computed for the current step.\n"
      "At decoder step t:\n"
      "  1. the score function compares the decoder state d_{t-1} with every encoder output\n"
      "     h_i: e_t,i = score(d_{t-1}, h_i), how important h_i is for this step (here\n"
      "     Bahdanau's additive score v . tanh(W_q d_{t-1} + W_k h_i), --score);\n"
      "  2. a softmax turns the scores into attention weights a_t = softmax(e_t):\n"
      "     non-negative, summing to 1;\n"
      "  3. the context vector is the weighted average of the encoder outputs:\n"
      "     c_t = sum_i a_t,i h_i;\n"
      "  4. the context vector and the last token's embedding go into the next decoder\n"
      "     step: d_t = cell([emb(y_{t-1}); c_t], d_{t-1}).\n"
      "This is Bahdanau et al.'s decoder (--placement input). Luong et al. run the cell\n"
      "first and put c_t at the output (--placement output); tutorial 08 compares them.\n"
      "Notation, the lecture's: d_t decoder state, h_i encoder outputs (h_n the last), e_t,i\n"
      "scores, a_t,i weights, c_t context vector. The lecture's Chinese calls the score\n"
      "function 分数函数; the Chinese narration says 打分函数.",
      "核心思路：不再强迫解码器从编码器最后的状态 h_n 中提取所需的信息，而是为当前这一步\n"
      "专门计算一个上下文向量 c_t。在解码器的第 t 步：\n"
      "  1. 用打分函数比较解码器状态 d_{t-1} 与每个编码器输出 h_i：\n"
      "     e_t,i = score(d_{t-1}, h_i)，衡量 h_i 对这一步有多重要（这里用 Bahdanau 的\n"
      "     加性打分函数 v . tanh(W_q d_{t-1} + W_k h_i)，见 --score）；\n"
      "  2. 用 softmax 把分数变成注意力权重 a_t = softmax(e_t)：非负，和为 1；\n"
      "  3. 上下文向量是编码器输出的加权平均：c_t = sum_i a_t,i h_i；\n"
      "  4. 把上下文向量和上一个词元的嵌入向量一起输入解码器的下一步：\n"
      "     d_t = cell([emb(y_{t-1}); c_t], d_{t-1})。\n"
      "这就是 Bahdanau 等人的解码器（--placement input）。Luong 等人先运行循环单元，\n"
      "再在输出端加入 c_t（--placement output）；教程 08 比较这几种上下文位置。\n"
      "记号沿用讲义：d_t 为解码器状态，h_i 为编码器输出（h_n 为最后一个），e_t,i 为分数，\n"
      "a_t,i 为权重，c_t 为上下文向量。讲义中的“分数函数”，本教程统一称为打分函数。");
}

Task make_toy_task(Lesson& L, const Args& args, const Budget& budget) {
  const int max_len = budget.max_len, n_train = budget.n_train;
  TaskConfig tc;
  tc.seed = args.seed;
  tc.n_train = n_train;
  tc.n_valid = 200;
  tc.n_test = args.quick ? 400 : 600;
  tc.min_len = 3;
  tc.max_len = max_len;
  const Splits data = make_task("toy_en_es", tc);
  auto [sv, tv] = build_vocabs(data.train);
  L.say(fmt::format("Task: toy English -> Spanish, {}..{} words, {} training pairs. E.g.:",
                    tc.min_len, tc.max_len, n_train),
        fmt::format("任务：玩具英语 -> 西班牙语翻译，{}..{} 个词，训练句对 {} 个。例如：",
                    tc.min_len, tc.max_len, n_train));
  for (int i = 0; i < 3; ++i) L.example(data.train[i].src, data.train[i].tgt);
  return {tc, data, std::move(sv), std::move(tv)};
}

// Same data, batches, epochs and learning rate for both models; only the decoder differs.
std::unique_ptr<Seq2Seq> make_model(const Args& args, const Task& task, bool attention,
                                    uint64_t seed) {
  const Vocab &sv = task.sv, &tv = task.tv;
  ModelConfig mc;
  mc.cell = CellKind::gru;
  mc.src_vocab = sv.size();
  mc.tgt_vocab = tv.size();
  mc.embed = 32;
  mc.hidden = 64;
  mc.attention = attention;
  mc.bidirectional = true;     // as in Bahdanau et al.: h_i sees the words on both sides
  mc.attn.score = "additive";  // Bahdanau et al.: e_t,i = vᵀ tanh(W_q d_{t-1} + W_k h_i)
  mc.attn.placement = Placement::input;  // the lecture's scheme
  mc.seed = seed;
  tutorial::apply_knobs(mc, args);  // --cell, --score, --placement
  return std::make_unique<Seq2Seq>(mc);
}

TrainResult fit(Lesson& L, const Task& task, int epochs, Seq2Seq& model, uint64_t seed, int run) {
  const Splits& data = task.data;
  const Vocab &sv = task.sv, &tv = task.tv;
  TrainConfig cfg;
  cfg.epochs = epochs;
  cfg.batch_size = 32;
  cfg.lr = real(3e-3);
  cfg.patience = epochs;  // no early stopping: both get the full budget
  cfg.seed = seed;
  cfg.valid_examples = 200;
  if (run == 0) tutorial::print_model(L, model.config());
  TrainResult r = tutorial::train(L, model, data, sv, tv, cfg);
  L.say(
      fmt::format("  run {} (seed {}): {} updates, best validation loss {:.3f} ({:.1f} s)", run + 1,
                  seed, r.epochs.back().steps, r.best_valid_loss, r.epochs.back().seconds),
      fmt::format("  第 {} 次训练（种子 {}）：{} 次更新，最佳验证损失 {:.3f}（{:.1f} 秒）", run + 1,
                  seed, r.epochs.back().steps, r.best_valid_loss, r.epochs.back().seconds));
  return r;
}

Trained train_both(Lesson& L, const Args& args, const Budget& budget, const Task& task) {
  const int n_runs = budget.n_runs;
  L.heading("Training both models", "训练两个模型");
  L.say(fmt::format("The attention model is trained {} times with different seeds: one short\n"
                    "run is noisy, so the claims on accuracy by length use the mean. We look\n"
                    "inside the first run.",
                    n_runs),
        fmt::format("注意力模型用不同的种子训练 {} 次：一次短训练的结果波动较大，所以关于\n"
                    "按长度统计的准确率的结论使用平均值。我们观察第一次训练得到的模型。",
                    n_runs));
  Trained m;
  for (bool attention : {true, false})
    for (int k = 0; k < (attention ? n_runs : 1); ++k) {
      const uint64_t seed = tutorial::run_seed(args.seed, k);
      auto& models = attention ? m.attns : m.bottlenecks;
      models.push_back(make_model(args, task, attention, seed));
      const TrainResult r = fit(L, task, budget.epochs, *models.back(), seed, k);
      if (k == 0) (attention ? m.valid_attn : m.valid_bottleneck) = r.best_valid_loss;
      m.updates = r.epochs.back().steps;
    }
  return m;
}

// The step shown by hand: the test step whose weights are most spread out, in the
// sense that its third-largest weight is largest (three words share the weight).
constexpr size_t kShowMaxLen = 8;
struct Pick {
  size_t n = 0;
  int64_t t = -1;
  double third = -1;  // the third-largest weight
};

// --- 1. The rules of the weights, on every test step: a_t,i >= 0, Σ_i a_t,i = 1, 0 on
// padding. A teacher-forced pass over the test set in batches (with padding); on the
// way it picks the step shown by hand.
Pick check_weights_on_test(Lesson& L, Seq2Seq* attn, const Task& task) {
  const Splits& data = task.data;
  const Vocab &sv = task.sv, &tv = task.tv;
  L.heading("Attention weights on every test step", "每个测试步上的注意力权重");
  double worst_sum = 0, min_w = 1, pad_w = 0, top_sum = 0;
  int64_t n_steps = 0;
  Pick pick;
  for (size_t start = 0; start < data.test.size(); start += 64) {
    std::vector<const Example*> rows;
    for (size_t i = start; i < std::min(data.test.size(), start + 64); ++i)
      rows.push_back(&data.test[i]);
    const Batch tb = make_batch(rows, sv, tv);
    const std::vector<Var> ws = attn->forward(tb).weights;  // a_t (B,S) per step
    for (int64_t t = 0; t < static_cast<int64_t>(ws.size()); ++t) {
      const Tensor& wv = ws[static_cast<size_t>(t)].value();
      for (int64_t r = 0; r < tb.B; ++r) {
        double s = 0, top[3] = {0, 0, 0};  // the three largest weights, largest first
        for (int64_t i = 0; i < tb.S; ++i) {
          const double v = wv[r * tb.S + i];
          s += v;
          if (v > top[2]) top[2] = v;
          if (top[2] > top[1]) std::swap(top[1], top[2]);
          if (top[1] > top[0]) std::swap(top[0], top[1]);
          min_w = std::min(min_w, v);
          if (tb.src_mask[r * tb.S + i] == 0) pad_w = std::max(pad_w, std::abs(v));
        }
        worst_sum = std::max(worst_sum, std::abs(s - 1));
        if (t >= tb.tgt_len[r]) continue;  // past this row's <eos>: target padding
        top_sum += top[0], ++n_steps;
        // The shown step produces a word (not <eos>) of a sentence short enough to print.
        if (t + 1 < tb.tgt_len[r] && rows[r]->src.size() <= kShowMaxLen && top[2] > pick.third)
          pick = {start + static_cast<size_t>(r), t, top[2]};
      }
    }
  }
  L.invariant("weights_nonnegative", min_w >= 0,
              fmt::format("every attention weight is >= 0 (smallest {:.1e})", min_w),
              fmt::format("每个注意力权重都 >= 0（最小值 {:.1e}）", min_w));
  L.invariant("weights_sum_to_one", worst_sum < 1e-5,
              fmt::format("the weights of every step sum to 1 (largest |sum - 1| {:.1e} < 1e-5)",
                          worst_sum),
              fmt::format("每一步的权重之和为 1（最大 |和 - 1| 为 {:.1e} < 1e-5）", worst_sum));
  L.invariant("padding_weight_zero", pad_w == 0,
              fmt::format("the weight on padding is exactly 0 (largest {})", pad_w),
              fmt::format("填充位置的权重恰好为 0（最大值 {}）", pad_w));
  L.say(fmt::format("  On average the largest weight of a step is {:.2f}: most steps look mostly "
                    "at one word.",
                    top_sum / double(n_steps)),
        fmt::format("  每一步最大权重的平均值为 {:.2f}：大多数步骤主要看一个词。",
                    top_sum / double(n_steps)));
  return pick;
}

// --- 2. One decoder step t of the first attention model, replayed with teacher
// forcing; the sentence is batched with the longest test sentence, so that its row
// has padding.
struct Replay {
  Batch b;
  EncoderOutput enc;
  DecoderState before;                      // d_{t-1}
  StepOutput step;                          // what the decoder computed at step t
  bool asks_before = true;                  // the query is d_{t-1} (placement input), else d_t
  Var query;                                // what the decoder's attention module was asked with
  ScoreContext ctx;                         // the step's extras (previous weights, t, lengths)
  const AttentionModule* module = nullptr;  // the decoder's attention module
  AttentionOutput ao;                       // the module asked again with that query
};

Replay replay_step(Seq2Seq* attn, const Task& task, const Example& ex, const Pick& pick) {
  const Splits& data = task.data;
  const Vocab &sv = task.sv, &tv = task.tv;
  const Placement placement = attn->config().attn.placement;
  // Batched with the longest test sentence, so that this row has padding.
  const Example* partner = &ex;
  for (const Example& e : data.test)
    if (e.src.size() > partner->src.size()) partner = &e;
  const Batch b = make_batch({&ex, partner}, sv, tv);
  EncoderOutput enc = attn->encode(b);
  DecoderState state = attn->decoder->start(enc);
  Ids y(2);
  auto feed = [&](int64_t t) {  // teacher forcing: the gold previous token
    for (int64_t r = 0; r < 2; ++r) y[r] = b.tgt_in[r * b.T + t];
  };
  for (int64_t t = 0; t < pick.t; ++t) {
    feed(t);
    attn->decoder->step(y, state, enc);
  }
  const DecoderState before = state;  // d_{t-1}
  feed(pick.t);
  const StepOutput step = attn->decoder->step(y, state, enc);
  // Ask the decoder's attention module again with the query it used: d_{t-1} for
  // the lecture's input placement, the new d_t for the output placements.
  const bool asks_before = placement == Placement::input;
  const AttentionModule* module = attn->decoder->attention(asks_before);
  S2S_CHECK(module, "06_attention: the decoder has no attention module");
  ScoreContext ctx;
  ctx.prev_weights = before.prev_weights;
  ctx.step = before.t;
  const Var query = asks_before ? before.rnn.h : state.rnn.h;
  const AttentionOutput ao = module->attend(query, module->remember(enc.outputs), enc.mask, ctx);
  return {b, enc, before, step, asks_before, query, ctx, module, ao};
}

// The gold token produced at step t (0-based): <eos> after the last word.
std::string next_token(const Example& ex, int64_t t) {
  return t < static_cast<int64_t>(ex.tgt.size()) ? ex.tgt[static_cast<size_t>(t)] : "<eos>";
}

// The step in words: the sentence, the step, the sizes, the query.
void describe_step(Lesson& L, const Seq2Seq* attn, const Example& ex, const Pick& pick,
                   const Replay& r) {
  const Placement placement = attn->config().attn.placement;
  const bool asks_before = r.asks_before;
  const Tensor& h = r.enc.outputs.value();  // (2,S,He)
  const int64_t S = r.b.S, He = h.size(2), len = r.b.src_len[0];
  L.example(ex.src, ex.tgt);
  const std::string prev = pick.t == 0 ? "<sos>" : ex.tgt[static_cast<size_t>(pick.t - 1)];
  const std::string next = next_token(ex, pick.t);
  const int64_t H = attn->config().hidden;
  L.say(fmt::format("  step t = {}: last token {}, the gold next token is {}; S = {} ({} words "
                    "+ {} padding)",
                    pick.t + 1, L.quote(prev), L.quote(next), S, len, S - len),
        fmt::format("  第 t = {} 步：上一个词元{}，标准答案的下一个词元是{}；S = {}（{} 个词 + {} "
                    "个填充）",
                    pick.t + 1, L.quote(prev), L.quote(next), S, len, S - len));
  if (He == 2 * H)
    L.say(fmt::format("  h_i has {} = 2 x {} numbers: the bidirectional encoder joins a forward "
                      "and a backward state of H = {}",
                      He, H, H),
          fmt::format("  每个 h_i 有 {} = 2 x {} 个数：双向编码器把正向和反向两个 H = {} 维的状态"
                      "拼在一起",
                      He, H, H));
  else
    L.say(fmt::format("  h_i has {} numbers", He), fmt::format("  每个 h_i 有 {} 个数", He));
  if (asks_before)
    L.say(
        "  the query is d_{t-1}, the decoder state before this step; c_t then goes into the\n"
        "  cell together with the embedding of the last token",
        "  查询是 d_{t-1}，即这一步之前的解码器状态；随后 c_t 与上一个词元的嵌入向量一起\n"
        "  输入循环单元");
  else
    L.say(fmt::format("  placement {}: the query is d_t, the state after the cell ran on the "
                      "last token's embedding",
                      to_string(placement)),
          fmt::format("  上下文位置 {}：查询是 d_t，即循环单元读入上一个词元的嵌入向量之后的状态",
                      to_string(placement)));
}

// The lecture's three equations of one step, as the library computes them: the score
// function the registry built for this model (attention/score_registry.hpp), then
// masked_softmax and weighted_sum (attention/attention.hpp). The attention module is
// these three calls; here they run on their own, and must give the decoder's step.
void step_through_library(Lesson& L, const Replay& r) {
  const ScoreFunction& score_fn = r.module->score_function();
  const Var e = score_fn.score(r.query, r.enc.outputs, r.ctx);  // e_t,i = score(q, h_i) (2,S)
  const Var a = masked_softmax(e, r.enc.mask);                  // a_t = softmax(e_t)   (2,S)
  const Var c = weighted_sum(a, r.enc.outputs);                 // c_t = Σ_i a_t,i h_i (2,He)
  const int64_t S = r.b.S, len = r.b.src_len[0];
  const ScoreEntry& entry = score_registry().find(score_fn.name());
  double pad_sum = 0, real_sum = 0;
  for (int64_t i = 0; i < S; ++i) (i < len ? real_sum : pad_sum) += a.value()[i];
  L.say("  The library computes this step in three calls (attention/attention.hpp):",
        "  库函数用三次调用算出这一步（attention/attention.hpp）：");
  L.say(fmt::format("    e = score_fn.score(q, h)     the score function {}, built by "
                    "score_registry(): {}",
                    score_fn.name(), entry.help),
        fmt::format("    e = score_fn.score(q, h)     打分函数 {}，由 score_registry() 构造",
                    score_fn.name()));
  L.say(fmt::format("    a = masked_softmax(e, mask)  the weights: {:.4f} on the {} words, {:.4f} "
                    "on the {} padding positions",
                    real_sum, len, pad_sum, S - len),
        fmt::format("    a = masked_softmax(e, mask)  权重：{} 个词上共 {:.4f}，{} 个填充位置上共 "
                    "{:.4f}",
                    len, real_sum, S - len, pad_sum));
  L.say(
      fmt::format("    c = weighted_sum(a, h)       the context vector, c[0..3] = {:+.4f} {:+.4f} "
                  "{:+.4f} {:+.4f}",
                  c.value()[0], c.value()[1], c.value()[2], c.value()[3]),
      fmt::format("    c = weighted_sum(a, h)       上下文向量，c[0..3] = {:+.4f} {:+.4f} {:+.4f} "
                  "{:+.4f}",
                  c.value()[0], c.value()[1], c.value()[2], c.value()[3]));
  const double dw = max_abs(a.value() - r.step.weights.value());
  const double dc = max_abs(c.value() - r.ao.context.value());
  L.invariant("library_weights", dw < 1e-6,
              fmt::format("the three calls give the weights the decoder used at this step (max "
                          "diff {:.1e})",
                          dw),
              fmt::format("这三次调用得到的权重就是解码器在这一步使用的权重（最大差 {:.1e}）", dw));
  L.invariant("library_context", dc < 1e-6,
              fmt::format("and the attention module's context vector (max diff {:.1e})", dc),
              fmt::format("得到的上下文向量也与注意力模块的输出一致（最大差 {:.1e}）", dc));
  L.say("  The table redoes the softmax and the weighted sum by hand:",
        "  下表手算 softmax 和加权和：");
}

// The table of the step: i, token, e_t,i, a_t,i, h_i[0], a_t,i * h_i[0], and the sums.
void print_hand_table(Lesson& L, const Example& ex, const Replay& r, const std::vector<double>& c) {
  const Tensor& e_t = r.ao.scores.value();  // (2,S)
  const Tensor& a = r.ao.weights.value();   // (2,S)
  const Tensor& h = r.enc.outputs.value();  // (2,S,He)
  const int64_t S = r.b.S, He = h.size(2), len = r.b.src_len[0];
  tutorial::Table tab(
      {Align::right, Align::left, Align::right, Align::right, Align::right, Align::right});
  tab.row({"i", L.tr("source token", "源句词元"), "e_t,i", "a_t,i", "h_i[0]", "a_t,i * h_i[0]"});
  double sum_a = 0;
  for (int64_t i = 0; i < S; ++i) {
    const bool real_token = i < len;
    sum_a += a[i];
    tab.row({std::to_string(i + 1),
             !real_token ? "<pad>"
             : L.zh()    ? L.quote(ex.src[static_cast<size_t>(i)])  // example data, quoted
                         : ex.src[static_cast<size_t>(i)],
             real_token ? fmt::format("{:.3f}", e_t[i]) : "-inf", fmt::format("{:.4f}", a[i]),
             fmt::format("{:+.4f}", h[i * He]), fmt::format("{:+.4f}", a[i] * h[i * He])});
  }
  tab.row(
      {"", L.tr("sum", "和"), "", fmt::format("{:.4f}", sum_a), "", fmt::format("{:+.4f}", c[0])});
  tab.print();
}

// softmax by hand over the real positions, and c = Σ_i a_i h_i with plain loops; the
// table of one row per source position; the checks against the module. Returns c_t.
std::vector<double> step_by_hand(Lesson& L, const Args& args, const Example& ex, const Replay& r) {
  const Tensor& e_t = r.ao.scores.value();  // (2,S)
  const Tensor& a = r.ao.weights.value();   // (2,S)
  const Tensor& h = r.enc.outputs.value();  // (2,S,He)
  const int64_t S = r.b.S, He = h.size(2), len = r.b.src_len[0];
  const AttentionOutput& ao = r.ao;
  const StepOutput& step = r.step;
  // softmax by hand over the real positions, and c = Σ_i a_i h_i with plain loops.
  double e_max = -1e300, z = 0;
  for (int64_t i = 0; i < len; ++i) e_max = std::max(e_max, double(e_t[i]));
  for (int64_t i = 0; i < len; ++i) z += std::exp(e_t[i] - e_max);
  double softmax_diff = 0;
  std::vector<double> c(static_cast<size_t>(He), 0);
  for (int64_t i = 0; i < S; ++i) {
    const double by_hand = i < len ? std::exp(e_t[i] - e_max) / z : 0;
    softmax_diff = std::max(softmax_diff, std::abs(by_hand - a[i]));
    for (int64_t k = 0; k < He; ++k) c[static_cast<size_t>(k)] += double(a[i]) * h[i * He + k];
  }
  print_hand_table(L, ex, r, c);
  std::vector<double> sorted;  // the weights, largest first
  for (int64_t i = 0; i < S; ++i) sorted.push_back(a[i]);
  double diff = 0;
  for (int64_t k = 0; k < He; ++k)
    diff = std::max(diff, std::abs(c[static_cast<size_t>(k)] - ao.context.value()[k]));
  fmt::print("  c_t[0..3] {} {:+.4f} {:+.4f} {:+.4f} {:+.4f}\n", L.tr("by hand:", "手算："), c[0],
             c[1], c[2], c[3]);
  fmt::print("  c_t[0..3] {} {:+.4f} {:+.4f} {:+.4f} {:+.4f}\n", L.tr("module: ", "模块："),
             ao.context.value()[0], ao.context.value()[1], ao.context.value()[2],
             ao.context.value()[3]);
  L.invariant(
      "softmax_by_hand", softmax_diff < 1e-6,
      fmt::format("a_t = softmax(e_t) by hand equals the module's weights (max diff {:.1e})",
                  softmax_diff),
      fmt::format("手算的 a_t = softmax(e_t) 与模块的权重一致（最大差 {:.1e}）", softmax_diff));
  L.invariant(
      "context_by_hand", diff < 1e-5,
      fmt::format("c_t = sum_i a_t,i h_i by hand equals the module's context in all {} numbers "
                  "(max diff {:.1e})",
                  He, diff),
      fmt::format("手算的 c_t = sum_i a_t,i h_i 与模块输出的上下文向量在全部 {} 个数上一致"
                  "（最大差 {:.1e}）",
                  He, diff));
  const double step_diff = max_abs(ao.weights.value() - step.weights.value());
  L.invariant("same_as_decoder", step_diff < 1e-6,
              fmt::format("they are the weights the decoder used at this step (max diff {:.1e})",
                          step_diff),
              fmt::format("它们就是解码器在这一步使用的权重（最大差 {:.1e}）", step_diff));
  // The chosen step is the most spread-out of ~2000 (quick) test steps; its third-largest
  // weight is sharper after the full budget, hence a lower threshold there (distributions
  // of this file's claims: docs/claims-history.md).
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  L.claim("mixture_third_weight", sorted[2], Cmp::ge, args.quick ? 0.1 : 0.05,
          fmt::format("a real mixture: three words share the weight here, the third-largest "
                      "weight is {:.2f}",
                      sorted[2]),
          fmt::format("真正的混合：这里三个词分担权重，第三大的权重为 {:.2f}", sorted[2]));
  L.say(
      "Here c_t is a real weighted average: several encoder outputs contribute, none of them\n"
      "is copied. Most steps are sharper (the average largest weight above): a Spanish word\n"
      "mostly translates one English word. The bidirectional encoder's h_i also carries the\n"
      "words around word i, so neighbouring h_i can share the weight.",
      "这里的 c_t 是真正的加权平均：几个编码器输出都有贡献，没有哪一个被原样复制。大多数\n"
      "步骤更尖锐（见上面的最大权重平均值）：一个西班牙语词大多只翻译一个英语词。双向编码器\n"
      "的 h_i 还带有第 i 个词周围的词，所以相邻的 h_i 可以分担权重。");
  return c;
}

// The chain of this step as a figure: e_t,i -> a_t,i -> a_t,i·h_i -> c_t.
void draw_step(Lesson& L, const Example& ex, const Pick& pick, const Replay& r,
               const std::vector<double>& c) {
  const Tensor& e_t = r.ao.scores.value();  // (2,S)
  const Tensor& a = r.ao.weights.value();   // (2,S)
  const Tensor& h = r.enc.outputs.value();  // (2,S,He)
  const int64_t He = h.size(2), len = r.b.src_len[0];
  const std::string next = next_token(ex, pick.t);
  constexpr int64_t kShown = 16;  // numbers of each vector drawn (of He)
  StepFigure f;
  f.t = pick.t + 1;
  f.He = He;
  for (int64_t i = 0; i < len; ++i) {
    f.tokens.push_back(fmt::format("{} {}", i + 1, ex.src[static_cast<size_t>(i)]));
    f.e.push_back(e_t[i]);
    f.a.push_back(a[i]);
    std::vector<double> r;
    for (int64_t j = 0; j < std::min(kShown, He); ++j) r.push_back(double(a[i]) * h[i * He + j]);
    f.ah.push_back(std::move(r));
  }
  for (int64_t j = 0; j < std::min(kShown, He); ++j) f.c.push_back(c[static_cast<size_t>(j)]);
  f.font = L.font();
  if (L.zh()) {
    f.title = fmt::format(
        "手算的一步 t = {}（下一个词元「{}」）：分数 → 权重 → 加权向量 → 上下文向量", f.t, next);
    f.col_e = "分数 e_t,i";
    f.col_a = "权重 a_t,i = softmax(e_t)_i";
    f.col_ah = fmt::format("a_t,i·h_i（{} 个数中的前 {} 个）", He, f.c.size());
    f.sum_label = "c_t = Σ_i a_t,i·h_i";
    f.cell_note = "格子颜色：该分量的数值（红为负，蓝为正）";
  } else {
    f.title = fmt::format(
        "Step t = {} by hand (next token \"{}\"): scores → weights → "
        "weighted vectors → context vector",
        f.t, next);
    f.col_e = "score e_t,i";
    f.col_a = "weight a_t,i = softmax(e_t)_i";
    f.col_ah = fmt::format("a_t,i·h_i (first {} of {} numbers)", f.c.size(), He);
    f.sum_label = "c_t = Σ_i a_t,i·h_i";
    f.cell_note = "cell colour: the number's value (red negative, blue positive)";
  }
  const std::string svg = L.path("step_by_hand.svg");
  write_file(svg, step_figure_svg(f));
  L.say(fmt::format("The same step as a figure (scores, then weights, then the weighted "
                    "vectors adding up to c_t): {}",
                    svg),
        fmt::format("同一步的图示（先是分数，再是权重，最后是加权向量相加得到 c_t）：{}", svg));
}

// The whole sentence, teacher-forced: the step above is row t.
void sentence_heatmap(Lesson& L, Seq2Seq* attn, const Task& task, const Example& ex,
                      const Pick& pick) {
  const Vocab &sv = task.sv, &tv = task.tv;
  const std::string next = next_token(ex, pick.t);
  const Batch one = make_batch({&ex}, sv, tv);
  const std::vector<Var> ws = attn->forward(one).weights;  // a_t (1,S) per step
  Tensor grid = Tensor::zeros({one.T, one.S});             // (T,S)
  for (int64_t t = 0; t < one.T; ++t)
    for (int64_t i = 0; i < one.S; ++i) grid[t * one.S + i] = ws[size_t(t)].value()[i];
  std::vector<std::string> rows = ex.tgt;
  rows.push_back("<eos>");
  fmt::print("\n{}", attention_terminal(grid, ex.src, rows));
  const std::string svg = L.path("weighted_average.svg");
  HeatmapOptions ho;
  ho.title = L.zh()
                 ? fmt::format("{}：手算的一步 t = {}", term::attention_weights.zh, pick.t + 1)
                 : fmt::format("{}: step t = {} by hand", term::attention_weights.en, pick.t + 1);
  ho.x_title = L.tr("source tokens (English)", "源句词元（英语）");
  ho.y_title = L.tr("target tokens (Spanish)", "目标词元（西班牙语）");
  ho.font_family = L.font();
  ho.bar_title = L.tr("weight a_t,i (0 to 1, no unit)", "权重 a_t,i（0 到 1，无单位）");
  ho.highlight_row = static_cast<int>(pick.t);
  write_file(svg, attention_svg(grid, ex.src, rows, ho));
  L.say(fmt::format("The whole sentence with teacher forcing (row {}, outlined in red, is the "
                    "step above): {}",
                    L.quote(next), svg),
        fmt::format("整句的注意力权重，教师强制（红框标出的{}这一行就是上面这一步）：{}",
                    L.quote(next), svg));
}

void one_step(Lesson& L, const Args& args, Seq2Seq* attn, const Task& task, const Pick& pick) {
  const Splits& data = task.data;
  L.heading("One decoder step, by hand", "手算一个解码步");
  const Example& ex = data.test[pick.n];
  S2S_CHECK(pick.t >= 0, "06_attention: no test sentence of at most {} words", kShowMaxLen);
  const Replay r = replay_step(attn, task, ex, pick);
  describe_step(L, attn, ex, pick, r);
  step_through_library(L, r);
  const std::vector<double> c = step_by_hand(L, args, ex, r);
  draw_step(L, ex, pick, r, c);
  sentence_heatmap(L, attn, task, ex, pick);
}

// --- 3. Where the decoder looks: a heatmap with the adjective–noun swap ------------
// Greedy translations of the whole test set (Hypothesis::weights is (T,S) per sentence),
// one per model; reused for the length table.
struct Evals {
  std::vector<EvalResult> ras;  // one per attention run; ras[0] is the model we look inside
  std::vector<EvalResult> rbs;  // the bottleneck
};
Evals evaluate_all(const Args& args, const Task& task, const Trained& m) {
  const Splits& data = task.data;
  const Vocab &sv = task.sv, &tv = task.tv;
  const auto& attns = m.attns;
  const auto& bottlenecks = m.bottlenecks;
  EvalOptions eo;
  eo.bucket_edges = args.quick ? std::vector<int>{5, 7, 9} : std::vector<int>{5, 8, 11, 15};
  Evals ev;
  for (const auto& x : attns) ev.ras.push_back(evaluate(*x, data.test, sv, tv, eo));
  for (const auto& x : bottlenecks) ev.rbs.push_back(evaluate(*x, data.test, sv, tv, eo));
  return ev;
}

// Among test sentences with a gold adjective–noun swap that the model translates exactly
// (so rows are the reference words): does the Spanish noun look at the English one?
struct Swaps {
  int swaps = 0, noun_right = 0, adj_right = 0;
  size_t shown;  // the sentence drawn: the shortest, preferring one with both rows right
};
Swaps count_swaps(const Task& task, const EvalResult& ra) {
  const Splits& data = task.data;
  const Vocab& tv = task.tv;
  int swaps = 0, noun_right = 0, adj_right = 0;
  size_t shown = data.test.size();
  bool shown_adj = false;
  for (size_t n = 0; n < data.test.size(); ++n) {
    const Example& e = data.test[n];
    const int j = find_swap(e);
    if (j < 0 || tv.decode(ra.outputs[n].tokens) != e.tgt) continue;
    // Gold: target j (the noun) links source i, target j+1 (the adjective) links source i-1.
    int64_t gold_noun = -1;
    for (auto [i, t] : e.align)
      if (t == j) gold_noun = i;
    const bool noun_ok = argmax_row(ra.outputs[n].weights, j) == gold_noun;
    const bool adj_ok = argmax_row(ra.outputs[n].weights, j + 1) == gold_noun - 1;
    ++swaps, noun_right += noun_ok, adj_right += adj_ok;
    // The picture: the shortest such sentence, preferring one where both rows are right.
    const bool better =
        shown == data.test.size() || (adj_ok && noun_ok && !shown_adj) ||
        ((adj_ok && noun_ok) == shown_adj && e.src.size() < data.test[shown].src.size());
    if (better) shown = n, shown_adj = adj_ok && noun_ok;
  }
  return {swaps, noun_right, adj_right, shown};
}

void where_the_decoder_looks(Lesson& L, Seq2Seq* attn, const Task& task, const EvalResult& ra) {
  const Splits& data = task.data;
  const Vocab &sv = task.sv, &tv = task.tv;
  L.heading("Where the decoder looks", "解码器在看哪里");
  const auto [swaps, noun_right, adj_right, shown] = count_swaps(task, ra);
  if (shown < data.test.size()) {
    const Example& e = data.test[shown];
    std::vector<std::string> rows = e.tgt;
    rows.push_back("<eos>");  // weights has one row per produced token, <eos> included
    L.example(e.src, e.tgt);
    fmt::print("\n{}", attention_terminal(ra.outputs[shown].weights, e.src, rows));
    const std::string svg = L.path("attention_heatmap.svg");
    HeatmapOptions ho;
    ho.title = L.tr(term::attention_weights);
    ho.x_title = L.tr("source tokens (English)", "源句词元（英语）");
    ho.y_title = L.tr("output tokens (Spanish)", "输出词元（西班牙语）");
    ho.font_family = L.font();
    ho.bar_title = L.tr("weight a_t,i (0 to 1, no unit)", "权重 a_t,i（0 到 1，无单位）");
    write_file(svg, attention_svg(ra.outputs[shown].weights, e.src, rows, ho));
    L.say(fmt::format("Heatmap: {}", svg), fmt::format("热力图：{}", svg));
  }
  {  // the web page's explorer: the heatmap's sentence first, then the first test sentences
    std::vector<Example> ex(data.test.begin(),
                            data.test.begin() + std::min<size_t>(8, data.test.size()));
    if (shown < data.test.size()) ex.insert(ex.begin(), data.test[shown]);
    tutorial::explore(L.lang(),
                      L.tr("The lecture's decoder, step by step", "讲义中的解码器，逐步回放"),
                      *attn, sv, tv, ex);
  }
  L.say(
      "Row t holds the weights a_t used to produce output token t. The noun comes first in\n"
      "Spanish: its row skips the English adjective and looks at the noun, off the diagonal.\n"
      "The adjective's row looks back at the adjective, or at the noun again (the adjective\n"
      "agrees with the noun's gender and number): which one wins depends on the training run.",
      "第 t 行是生成第 t 个输出词元时用的权重 a_t。西班牙语中名词在前：名词那一行跳过英语\n"
      "形容词，直接看名词，偏离对角线。形容词那一行回头看形容词，或者再看一次名词（形容词\n"
      "要与名词的性和数一致）：哪一个胜出取决于训练。");
  const double noun_frac = swaps ? double(noun_right) / swaps : 0;
  fmt::print("  {} {}/{}{}{} {}/{}\n",
             L.tr("noun rows on the English noun:", "名词行指向英语名词："), noun_right, swaps,
             L.zh() ? "，" : ", ",
             L.tr("adjective rows on the English adjective:", "形容词行指向英语形容词："),
             adj_right, swaps);
  // Adjective rows depend on the run, so only the noun rows are a claim.
  L.claim("swaps_found", swaps, Cmp::ge, 50,
          fmt::format("the model translates {} test sentences with an adjective-noun swap exactly",
                      swaps),
          fmt::format("有 {} 个含形容词-名词换序的测试句被模型完全译对", swaps));
  L.claim("noun_skips_ahead", 100 * noun_frac, Cmp::ge, 85,
          fmt::format("reordering: in {:.0f}% of them ({}/{}) the Spanish noun's argmax skips "
                      "ahead to the English noun",
                      100 * noun_frac, noun_right, swaps),
          fmt::format("语序调整：其中 {:.0f}% 的句子（{}/{}）里，西班牙语名词那一行的 argmax "
                      "越过形容词，落在英语名词上",
                      100 * noun_frac, noun_right, swaps),
          tutorial::Lesson::Shown::in_percent);
}

// --- 4. Accuracy by length: attention against the bottleneck ------------------------
// The means over the runs, bucket by bucket: the buckets, then "all".
std::vector<BucketScores> mean_of(const Lesson& L, const Task& task,
                                  const std::vector<EvalResult>& rs) {
  const Splits& data = task.data;
  const size_t n_buckets = rs[0].buckets.size();
  std::vector<BucketScores> m = rs[0].buckets;  // labels and counts
  m.push_back({L.tr("all", "全部"), static_cast<int64_t>(data.test.size())});
  for (BucketScores& x : m) x.exact = x.token_acc = x.bleu = 0;
  for (const EvalResult& r : rs)
    for (size_t k = 0; k <= n_buckets; ++k) {
      const double exact = k < n_buckets ? r.buckets[k].exact : r.exact;
      const double token_acc = k < n_buckets ? r.buckets[k].token_acc : r.token_acc;
      const double bleu = k < n_buckets ? r.buckets[k].bleu : r.bleu;
      m[k].exact += exact / double(rs.size());
      m[k].token_acc += token_acc / double(rs.size());
      m[k].bleu += bleu / double(rs.size());
    }
  return m;  // the buckets, then "all"
}

void print_length_table(Lesson& L, const Budget& budget, const std::vector<BucketScores>& am,
                        const std::vector<BucketScores>& bm) {
  const int n_runs = budget.n_runs;
  const size_t n_buckets = am.size() - 1;
  tutorial::Table table({Align::right, Align::right, Align::left, Align::right, Align::right,
                         Align::right, Align::left, Align::right, Align::right, Align::right});
  table.group({{"", 3},
               {fmt::format("{}{}", L.tr(term::attention_model),
                            L.tr(fmt::format(" (mean of {} runs)", n_runs),
                                 fmt::format("（{} 次训练的平均）", n_runs))),
                3},
               {"|", 1},
               {L.tr(term::bottleneck_model), 3}});
  table.row({L.tr(term::source_length), "n", "|", L.tr(term::exact_match),
             L.tr(term::token_accuracy), "BLEU", "|", L.tr(term::exact_match),
             L.tr(term::token_accuracy), "BLEU"});
  auto pct = [](double v) { return fmt::format("{:.1f}%", 100 * v); };
  auto num = [](double v) { return fmt::format("{:.3f}", v); };
  for (size_t k = 0; k <= n_buckets; ++k) {
    const BucketScores &p = am[k], &q = bm[k];
    table.row({p.label, std::to_string(p.count), "|", pct(p.exact), pct(p.token_acc), num(p.bleu),
               "|", pct(q.exact), pct(q.token_acc), num(q.bleu)});
  }
  table.print();
}

// AER of run 0 (0 = the argmax of every row on a gold link, 1 = none).
void aer_claim(Lesson& L, const EvalResult& ra) {
  L.say(
      "AER, the alignment error rate: link each output word to the source word it attends\n"
      "most, compare with the gold links; 0 when every link is gold, 1 when none is (07).",
      "AER 即对齐错误率：把每个输出词连到它注意力权重最大的源词，再与标准对齐比较；全部连对为\n"
      "0，全部连错为 1（详见 07）。");
  L.claim("aer", ra.aer, Cmp::lt, 0.25,
          fmt::format("the argmax of attention matches the gold alignment: AER {:.3f}", ra.aer),
          fmt::format("注意力的 argmax 与标准对齐吻合：AER 为 {:.3f}", ra.aer));
}

// BLEU, before the table that prints it.
void define_bleu(Lesson& L) {
  L.say(
      "BLEU (Papineni et al. 2002) scores a translation by the 1- to 4-word sequences it\n"
      "shares with the reference, from 0 to 1 (1: the reference exactly); the table writes\n"
      "it as is, the figure and the lines below as BLEU×100 (0 to 100).",
      "BLEU（Papineni 等 2002）按译文与参考译文共有的 1 到 4 个词的片段给译文打分，取值\n"
      "0 到 1（1 表示与参考译文完全相同）；表中直接写出，下面的图和各行写作 BLEU×100\n"
      "（0 到 100）。");
}

// Shortest against longest bucket, for each attention run and the bottleneck.
void length_claims(Lesson& L, const Args& args, const Budget& budget, const Evals& ev) {
  const int n_runs = budget.n_runs;
  const std::vector<EvalResult>&ras = ev.ras, &rbs = ev.rbs;
  const BucketScores &b_short = rbs[0].buckets.front(), &b_long = rbs[0].buckets.back();
  const double drop_b = 100 * (b_short.token_acc - b_long.token_acc);
  // The slope relative to each model's own short-sentence accuracy: token accuracy on the
  // longest sentences as a % of the shortest's. The bottleneck's level is low at every
  // length after this budget (under-training), so its slope is the fair comparison.
  const double keep_tok_b = 100 * b_long.token_acc / b_short.token_acc;
  std::vector<double> keep_a, keep_tok_a, long_bleu, long_gap, drop_a;  // in %
  for (const EvalResult& r : ras) {
    const BucketScores &a_short = r.buckets.front(), &a_long = r.buckets.back();
    keep_a.push_back(100 * a_long.bleu / a_short.bleu);
    keep_tok_a.push_back(100 * a_long.token_acc / a_short.token_acc);
    long_bleu.push_back(100 * a_long.bleu);
    long_gap.push_back(100 * (a_long.token_acc - b_long.token_acc));
    drop_a.push_back(100 * (a_short.token_acc - a_long.token_acc));
  }
  const tutorial::Spread keep = tutorial::spread(keep_a), keep_tok = tutorial::spread(keep_tok_a),
                         bleu = tutorial::spread(long_bleu), gap = tutorial::spread(long_gap),
                         drop = tutorial::spread(drop_a);
  // "mean of 3 runs, range 92.1-94.0"
  auto runs = [&](const tutorial::Spread& v, int dec) {
    return L.tr(
        fmt::format("mean of {} runs, range {:.{}f}-{:.{}f}", n_runs, v.min, dec, v.max, dec),
        fmt::format("{} 次训练的平均，范围 {:.{}f}-{:.{}f}", n_runs, v.min, dec, v.max, dec));
  };
  const auto pct_shown = tutorial::Lesson::Shown::in_percent;
  // The bottleneck's slope relative to its own short-sentence accuracy, against attention's.
  L.claim("relative_slope_gap", keep_tok.mean - keep_tok_b, Cmp::ge, 20,
          fmt::format("relative to its own accuracy on the shortest sentences, the bottleneck "
                      "keeps {:.1f}% of its token accuracy on the longest, attention {:.1f}%, "
                      "{}: {:.1f} points more",
                      keep_tok_b, keep_tok.mean, runs(keep_tok, 1), keep_tok.mean - keep_tok_b),
          fmt::format("与各自在最短句子上的词元准确率相比，瓶颈模型在最长句子上只保住 {:.1f}%，"
                      "注意力模型保住 {:.1f}%，{}，多出 {:.1f} 个百分点",
                      keep_tok_b, keep_tok.mean, runs(keep_tok, 1), keep_tok.mean - keep_tok_b));
  // Token accuracy lost from the shortest to the longest bucket, attention vs bottleneck.
  L.claim("drop_ratio", drop.mean / drop_b, Cmp::lt, 0.6,
          fmt::format("in points of token accuracy, attention loses {:.1f} from the shortest to "
                      "the longest sentences, {}; the bottleneck {:.1f}: a ratio of {:.2f}",
                      drop.mean, runs(drop, 1), drop_b, drop.mean / drop_b),
          fmt::format("从最短到最长的句子，注意力模型的词元准确率下降 {:.1f} 个百分点，{}；"
                      "瓶颈模型下降 {:.1f} 个，前者只有后者的 {:.2f} 倍",
                      drop.mean, runs(drop, 1), drop_b, drop.mean / drop_b));
  L.claim(
      "bleu_kept_attention", keep.mean, Cmp::gt, 75,
      fmt::format("with attention, BLEU on the longest sentences is {:.0f}% of the shortest "
                  "sentences' BLEU, {}",
                  keep.mean, runs(keep, 0)),
      fmt::format("有注意力时，最长句子的 BLEU 是最短句子的 {:.0f}%，{}", keep.mean, runs(keep, 0)),
      pct_shown);
  L.claim("long_bleu_gap", bleu.mean - 100 * b_long.bleu, Cmp::ge, 50,
          fmt::format("on the longest sentences the bottleneck's BLEU×100 is only {:.1f}, "
                      "attention's {:.1f}, {}: {:.1f} points more",
                      100 * b_long.bleu, bleu.mean, runs(bleu, 1), bleu.mean - 100 * b_long.bleu),
          fmt::format("在最长的句子上，瓶颈模型的 BLEU×100 仅 {:.1f}，注意力模型为 {:.1f}，{}，"
                      "高出 {:.1f} 分",
                      100 * b_long.bleu, bleu.mean, runs(bleu, 1), bleu.mean - 100 * b_long.bleu));
  L.claim("long_token_gap", gap.mean, Cmp::ge, 40,
          fmt::format("on the longest sentences attention's token accuracy is {:.1f} points above "
                      "the bottleneck's, {}",
                      gap.mean, runs(gap, 1)),
          fmt::format("在最长的句子上，注意力模型的词元准确率比瓶颈模型高 {:.1f} 个百分点，{}",
                      gap.mean, runs(gap, 1)));
  if (!args.quick)  // the full budget: the curve is flat (Bahdanau et al. 2015, Fig. 2)
    L.claim("flat_full_budget", drop.mean, Cmp::le, 6,
            fmt::format("with the full budget attention's token accuracy stays flat across "
                        "lengths: it loses {:.1f} points (mean of the runs)",
                        drop.mean),
            fmt::format("完整训练预算下，注意力模型的词元准确率在各长度上几乎不变：只下降 {:.1f} "
                        "个百分点（各次训练的平均）",
                        drop.mean));
}

// Why the bottleneck's level is low: it is under-trained after this budget (the
// numbers are this run's: values.tsv), so it is read by its slope.
void bottleneck_level(Lesson& L, const Trained& m, const Evals& ev) {
  const double valid_attn = m.valid_attn, valid_bottleneck = m.valid_bottleneck;
  const int64_t updates = m.updates;
  const BucketScores& b_short = ev.rbs[0].buckets.front();
  const double vb = L.measured("valid_loss_bottleneck", valid_bottleneck),
               va = L.measured("valid_loss_attention", valid_attn),
               eb = L.measured("bottleneck_short_exact", 100 * b_short.exact);
  const auto n_updates = static_cast<int64_t>(L.measured("updates", double(updates)));
  L.say(
      "Read the bottleneck by its slope, not its level. Its level is low at every length,\n"
      "partly because it is under-trained:",
      "看瓶颈模型要看斜率，而不是高低。它在各个长度上都偏低，部分原因是训练不足：");
  L.say(fmt::format("  measured in this run: after the same {} updates the best validation loss is "
                    "{:.3f} (bottleneck) against {:.3f} (attention), and the bottleneck's exact "
                    "match is {:.1f}% even on the shortest sentences.",
                    n_updates, vb, va, eb),
        fmt::format("  本次实测：同样 {} 次更新后，最佳验证损失瓶颈模型为 {:.3f}，注意力模型为 "
                    "{:.3f}；即使在最短的句子上，瓶颈模型的完全匹配率也只有 {:.1f}%。",
                    n_updates, vb, va, eb));
  L.say(
      "Its slope is what one vector for the whole sentence costs: relative to its own\n"
      "short-sentence accuracy it falls with length, while attention's curve stays nearly\n"
      "flat, because each output word gets its own context vector. Exact match still falls a\n"
      "little with length: one wrong word spoils a sentence, and a longer sentence has more\n"
      "words to get wrong.",
      "斜率才是整句只有一个向量的代价：与自己在短句上的准确率相比，它随句子变长而下降；\n"
      "注意力模型的曲线几乎是平的，因为每个输出词都有自己的上下文向量。完全匹配率仍随长度\n"
      "略有下降：错一个词整句就不算对，而句子越长，出错的机会越多。");
}

void plot_by_length(Lesson& L, const Budget& budget, const EvalResult& ra,
                    const std::vector<BucketScores>& am, const std::vector<BucketScores>& bm) {
  const int n_runs = budget.n_runs;
  const size_t n_buckets = ra.buckets.size();
  std::vector<double> x, at, ab, bt, bb;
  for (size_t k = 0; k < n_buckets; ++k) {
    x.push_back(tutorial::bucket_mid(am[k]));
    at.push_back(100 * am[k].token_acc);
    ab.push_back(100 * am[k].bleu);
    bt.push_back(100 * bm[k].token_acc);
    bb.push_back(100 * bm[k].bleu);  // one run: its mean is itself
  }
  const std::string svg = L.path("accuracy_by_length.svg");
  LinePlotOptions po;
  po.title = L.tr(
      fmt::format("Attention vs bottleneck, same budget (attention: mean of {} runs)", n_runs),
      fmt::format("注意力模型与瓶颈模型，相同训练预算（注意力模型：{} 次训练的平均）", n_runs));
  po.x_label = L.tr("source length (words)", "源句长度（词数）");
  po.y_label = L.tr("token accuracy (%), BLEU×100 (0-100)", "词元准确率 (%)、BLEU×100（0-100）");
  po.y_from_zero = true;
  po.x_ticks = tutorial::bucket_ticks(ra.buckets);
  po.font_family = L.font();
  write_file(svg,
             line_plot_svg({{L.tr("attention, token accuracy", "注意力模型，词元准确率"), x, at},
                            {L.tr("attention, BLEU×100", "注意力模型，BLEU×100"), x, ab},
                            {L.tr("bottleneck, token accuracy", "瓶颈模型，词元准确率"), x, bt},
                            {L.tr("bottleneck, BLEU×100", "瓶颈模型，BLEU×100"), x, bb}},
                           po));
  L.say(fmt::format("Figure: {}", svg), fmt::format("图：{}", svg));
}

void accuracy_by_length(Lesson& L, const Args& args, const Budget& budget, const Task& task,
                        const Trained& m, const Evals& ev) {
  L.heading("Accuracy by sentence length", "按句子长度统计的准确率");
  // The attention columns are means over its n_runs runs, bucket by bucket.
  const std::vector<BucketScores> am = mean_of(L, task, ev.ras), bm = mean_of(L, task, ev.rbs);
  define_bleu(L);
  print_length_table(L, budget, am, bm);
  aer_claim(L, ev.ras[0]);
  length_claims(L, args, budget, ev);
  bottleneck_level(L, m, ev);
  plot_by_length(L, budget, ev.ras[0], am, bm);
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "06_attention",
                                   "the lecture's attention decoder: context vectors by hand, a "
                                   "heatmap, accuracy by length against the bottleneck",
                                   {}, {.cell = "gru", .score = "additive", .placement = "input"});
  tutorial::Lesson L(args);
  const Budget budget = budget_for(args);
  introduce(L);
  const Task task = make_toy_task(L, args, budget);
  const Trained models = train_both(L, args, budget, task);
  Seq2Seq* attn = models.attns[0].get();
  NoGradGuard no_grad;
  const Pick pick = check_weights_on_test(L, attn, task);  // 1. the rules of the weights
  one_step(L, args, attn, task, pick);                     // 2. one step, by hand
  const Evals ev = evaluate_all(args, task, models);
  where_the_decoder_looks(L, attn, task, ev.ras[0]);      // 3. a heatmap
  accuracy_by_length(L, args, budget, task, models, ev);  // 4. against the bottleneck
  return L.finish();
}
