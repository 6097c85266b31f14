// 04_encoder_decoder — the bottleneck: a whole sentence squeezed into one vector,
// and an output whose length the decoder chooses itself.
//
// The first sequence-to-sequence models (Sutskever et al. 2014; Cho et al. 2014)
// read the source x_1..x_S with an encoder RNN and hand the decoder only its
// final state:
//   h_t = f(x_t, h_{t-1}),   d_0 = h_n,   d_t = g(y_{t-1}, d_{t-1}),   p(y_t) = softmax(W d_t)
// The output need not be as long as the input: the target is y_1..y_T <eos>,
// the decoder is trained to predict <eos> after y_T like any other token, and
// decoding stops when it does (or at a bound). The task: copy the letters of a
// string and drop its digits ("c 2 a f 0 b" -> "c a f b"), so T <= S and T
// varies; the decoder must carry in h_n both the letters and how many there were.
// We measure:
//   - how often the output has the gold length (<eos> came at the right step);
//   - token accuracy, and that share, by source length: both fall as the string
//     grows, because whatever the decoder needs must survive inside h_n, H numbers;
//   - the trick of Sutskever et al.: read the source backwards. The first target
//     tokens then sit next to the last thing the encoder read, so the short
//     dependencies are learned first and accuracy improves; the fall with length
//     stays.
// One training run is one sample: every claim is on a mean over several
// training seeds, printed with its range.
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common.hpp"
#include "model_lesson.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

// Copy the letters, drop the digits: each source token is a digit 0-3 with
// probability 0.3, else a letter a-h; lengths uniform in [min_len, max_len]; at least
// one letter. Gold links: each kept letter to its source position.
Splits make_drop_digits(const TaskConfig& cfg) {
  auto draw = [&](Rng& rng) {
    Example ex;
    const auto n = static_cast<size_t>(cfg.min_len) + rng.below(cfg.max_len - cfg.min_len + 1);
    while (ex.tgt.empty()) {
      ex.src.clear();
      ex.align.clear();
      for (size_t i = 0; i < n; ++i) {
        if (rng.uniform() < 0.3) {
          ex.src.push_back(std::string(1, static_cast<char>('0' + rng.below(4))));
        } else {
          ex.src.push_back(std::string(1, static_cast<char>('a' + rng.below(8))));
          ex.align.emplace_back(static_cast<int>(i), static_cast<int>(ex.tgt.size()));
          ex.tgt.push_back(ex.src.back());
        }
      }
    }
    return ex;
  };
  return draw_unique_splits(draw, cfg.seed, cfg.n_train, cfg.n_valid, cfg.n_test, "drop_digits");
}

// Share of outputs with exactly the gold number of tokens (so <eos> came at the right step),
// over the examples whose source length is in [lo, hi].
double length_accuracy(const EvalResult& r, const std::vector<Example>& test, int lo, int hi) {
  int64_t n = 0, right = 0;
  for (size_t i = 0; i < test.size(); ++i) {
    const int s = static_cast<int>(test[i].src.size());
    if (s < lo || s > hi) continue;
    ++n;
    right += r.outputs[i].tokens.size() == test[i].tgt.size();
  }
  return n ? static_cast<double>(right) / static_cast<double>(n) : 0;
}

double mean(const std::vector<double>& v) { return tutorial::spread(v).mean; }

// A bucket's source lengths from its label: "5-6" -> {5, 6}, "11+" -> {11, huge}.
std::pair<int, int> bucket_range(const BucketScores& b) {
  const auto dash = b.label.find('-');
  if (dash == std::string::npos) return {std::stoi(b.label), 1 << 30};
  return {std::stoi(b.label.substr(0, dash)), std::stoi(b.label.substr(dash + 1))};
}

// Per run, one number: f(run).
template <class F>
std::vector<double> collect(const std::vector<EvalResult>& rs, F f) {
  std::vector<double> v;
  for (const EvalResult& r : rs) v.push_back(f(r));
  return v;
}

namespace term = tutorial::term;
using tutorial::Align;

// Accuracy by source length, means over the training seeds, one entry per bucket.
struct ByLength {
  std::vector<double> x, ft, rt, fl, rl;  // bucket mid; token accuracy, right length: fwd, rev
};

// The lesson's state, built section by section: the task and the trained models' test
// results, forwards and backwards. Each public member function is one section.
class Bottleneck {
 public:
  Bottleneck(const tutorial::Args& args, tutorial::Lesson& L);
  void introduce() const;
  void describe_task();
  void eos_intro() const;
  void train_both();
  void stop_example() const;
  void eos_claim();
  ByLength length_table() const;
  void length_claims();
  void plot(const ByLength& by) const;

 private:
  static TaskConfig task_config(const tutorial::Args& args);
  EvalResult train_one(bool reverse, uint64_t seed);
  // Share of outputs with the gold length, over all test strings.
  double length_share(const EvalResult& r) const {
    return length_accuracy(r, data.test, 1, 1 << 30);
  }

  const tutorial::Args& args;
  tutorial::Lesson& L;
  // Budgets in examples, epochs and seeds (never seconds), so a seed gives the same numbers.
  const int max_len = args.quick ? 16 : 25;
  const int n_train = args.quick ? 2000 : 6000;
  const int epochs = args.quick ? 5 : 6;
  const int n_test = args.quick ? 400 : 800;
  const int n_runs = args.quick ? 5 : 3;  // training seeds per model: run_seed(--seed, k)
  const std::vector<int> edges = {4, 7, 10, 13, 16, 19, 22, 25};  // source lengths 2-4, 5-7, ...
  const TaskConfig tc;
  const Splits data;
  Vocab sv, tv;
  double same_len = 0;               // share of test strings whose output is as long as the source
  std::vector<EvalResult> fwd, rev;  // one per training seed: source read forwards, backwards
};

TaskConfig Bottleneck::task_config(const tutorial::Args& args) {
  TaskConfig tc;
  tc.seed = args.seed;
  tc.n_train = args.quick ? 2000 : 6000;
  tc.n_valid = 200;
  tc.n_test = args.quick ? 400 : 800;
  tc.min_len = 2;
  tc.max_len = args.quick ? 16 : 25;
  return tc;
}

Bottleneck::Bottleneck(const tutorial::Args& args, tutorial::Lesson& L)
    : args(args), L(L), tc(task_config(args)), data(make_drop_digits(tc)) {
  std::tie(sv, tv) = build_vocabs(data.train);
}

void Bottleneck::introduce() const {
  L.heading("The sequence-to-sequence encoder-decoder with a bottleneck",
            "带瓶颈的序列到序列编码器-解码器");
  L.say(
      "The encoder reads x_1..x_n into states h_1..h_n; the decoder starts from d_0 = h_n and\n"
      "never sees anything else. One vector of H = 64 numbers must carry the whole input:\n"
      "the bottleneck.",
      "编码器读入 x_1..x_n，得到状态 h_1..h_n；解码器从 d_0 = h_n 出发，此外什么也看不到。\n"
      "一个只有 H = 64 个数的向量必须装下整个输入：这就是瓶颈。");
}

void Bottleneck::describe_task() {
  int64_t same = 0;
  for (const Example& e : data.test) same += e.tgt.size() == e.src.size();
  same_len = static_cast<double>(same) / static_cast<double>(n_test);
  L.say(fmt::format("Task: copy the letters of a string of {}..{} symbols and drop its digits, "
                    "so the output is shorter than the input, by a different amount each time. "
                    "{} training examples, {} test. E.g.:",
                    tc.min_len, tc.max_len, n_train, n_test),
        fmt::format("任务：把一个长度为 {}..{} 的符号串中的字母照抄下来、数字去掉，所以输出比输入"
                    "短，而且每次短多少都不同。训练样本 {} 个，测试 {} 个。例如：",
                    tc.min_len, tc.max_len, n_train, n_test));
  for (int i = 0; i < 3; ++i) L.example(data.test[i].src, data.test[i].tgt);
}

void Bottleneck::eos_intro() const {
  L.heading("Output of any length: <eos>", "任意长度的输出：<eos>");
  L.say(
      "The decoder is trained on y_1..y_T <eos>: after the last token, the right next one is\n"
      "<eos>, and the cross-entropy counts that step like any other. At test time we feed each\n"
      "prediction back in (greedy decoding) and stop as soon as the decoder emits <eos>, or after\n"
      "2S + 5 steps if it never does. The decoder decides how long the output is.",
      "解码器的训练目标是 y_1..y_T <eos>：最后一个词元之后，正确的下一个词元是 <eos>，交叉熵对这\n"
      "一步和其他步一视同仁。测试时把每一步的预测再送回解码器（贪心解码），一旦解码器输出\n"
      "<eos> 就停止；如果一直不输出，则在 2S + 5 步后停止。输出多长由解码器自己决定。");
}

// Both directions get the same data, initial weights, batches and number of updates
// (per training seed); the only difference is the order in which the encoder reads.
EvalResult Bottleneck::train_one(bool reverse, uint64_t seed) {
  ModelConfig mc;
  mc.cell = CellKind::gru;
  mc.src_vocab = sv.size();
  mc.tgt_vocab = tv.size();
  mc.embed = 32;
  mc.hidden = 64;
  mc.attention = false;  // the bottleneck model
  mc.reverse_source = reverse;
  mc.seed = seed;
  tutorial::apply_knobs(mc, args);  // --cell
  Seq2Seq model(mc);
  TrainConfig cfg;
  cfg.epochs = epochs;
  cfg.batch_size = 32;
  cfg.lr = real(3e-3);
  cfg.patience = epochs;  // no early stopping: every model gets the full budget
  cfg.seed = seed;
  cfg.valid_examples = 200;
  if (seed == tutorial::run_seed(args.seed, 0)) tutorial::print_model(L, mc);
  TrainResult tr = tutorial::train(L, model, data, sv, tv, cfg);
  L.say(fmt::format("  seed {}: {} updates, best validation loss {:.3f}", seed,
                    tr.epochs.back().steps, tr.best_valid_loss),
        fmt::format("  种子 {}：{} 次更新，最佳验证损失 {:.3f}", seed, tr.epochs.back().steps,
                    tr.best_valid_loss));
  EvalOptions eo;
  eo.bucket_edges = edges;
  return evaluate(model, data.test, sv, tv, eo);
}

void Bottleneck::train_both() {
  L.heading("Training: source read forwards", "训练：按正常顺序读入源序列");
  for (int k = 0; k < n_runs; ++k)
    fwd.push_back(train_one(false, tutorial::run_seed(args.seed, k)));
  L.heading("Training: source read backwards", "训练：倒序读入源序列");
  L.say(
      "Same everything, but the encoder reads x_S..x_1 (Sutskever et al. 2014). The target\n"
      "is unchanged, so its first tokens are now close to the last thing the encoder read.",
      "其余完全相同，只是编码器按 x_S..x_1 的顺序读入（Sutskever 等, 2014）。目标序列不变，\n"
      "所以目标开头的几个词元现在离编码器最后读到的符号很近。");
  for (int k = 0; k < n_runs; ++k) rev.push_back(train_one(true, tutorial::run_seed(args.seed, k)));
}

// An example whose predicted length differs from the source length: the first test
// string the first forward model got exactly right with T != S (else the first with a
// predicted length != S).
void Bottleneck::stop_example() const {
  L.heading("Did the decoder stop at the right step?", "解码器是否在正确的位置停下？");
  const EvalResult& f0 = fwd.front();
  size_t pick = data.test.size();
  for (size_t i = 0; i < data.test.size() && pick == data.test.size(); ++i)
    if (data.test[i].tgt.size() != data.test[i].src.size() &&
        tv.decode(f0.outputs[i].tokens) == data.test[i].tgt)
      pick = i;
  for (size_t i = 0; i < data.test.size() && pick == data.test.size(); ++i)
    if (f0.outputs[i].tokens.size() != data.test[i].src.size()) pick = i;
  if (pick < data.test.size()) {
    const Example& e = data.test[pick];
    std::vector<std::string> out = tv.decode(f0.outputs[pick].tokens);
    const size_t n_out = out.size();
    if (f0.outputs[pick].finished) out.push_back("<eos>");
    L.say(fmt::format("  source ({:>2} tokens): {}\n  gold   ({:>2} tokens): {}\n"
                      "  output ({:>2} tokens): {}",
                      e.src.size(), fmt::join(e.src, " "), e.tgt.size(), fmt::join(e.tgt, " "),
                      n_out, fmt::join(out, " ")),
          fmt::format("  源序列（{:>2} 个词元）：「{}」\n  目标（{:>2} 个词元）：  「{}」\n"
                      "  输出（{:>2} 个词元）：  「{}」",
                      e.src.size(), fmt::join(e.src, " "), e.tgt.size(), fmt::join(e.tgt, " "),
                      n_out, fmt::join(out, " ")));
  }
}

void Bottleneck::eos_claim() {
  auto overall_len = [&](const EvalResult& r) { return length_share(r); };
  auto finished = [&](const EvalResult& r) {
    double n = 0;
    for (const Hypothesis& h : r.outputs) n += h.finished;
    return n / static_cast<double>(r.outputs.size());
  };
  const tutorial::Spread len_f = tutorial::spread(collect(fwd, overall_len));
  const tutorial::Spread len_r = tutorial::spread(collect(rev, overall_len));
  const tutorial::Spread fin_f = tutorial::spread(collect(fwd, finished));
  L.say(fmt::format("  outputs with the gold length: {}% forwards, {}% backwards (mean and range "
                    "over {} seeds)\n  outputs that ended with <eos> before the bound: {}%\n"
                    "  a decoder that always wrote as many tokens as the source would get {:.1f}%",
                    tutorial::format_spread(len_f, 100, 1), tutorial::format_spread(len_r, 100, 1),
                    n_runs, tutorial::format_spread(fin_f, 100, 1), 100 * same_len),
        fmt::format("  输出长度与目标相同的比例：正序 {}%，倒序 {}%（{} 个种子的均值和范围）\n"
                    "  在上限之前以 <eos> 结束的输出：{}%\n"
                    "  如果解码器总是输出与源序列一样多的词元，只能得到 {:.1f}%",
                    tutorial::format_spread(len_f, 100, 1), tutorial::format_spread(len_r, 100, 1),
                    n_runs, tutorial::format_spread(fin_f, 100, 1), 100 * same_len));
  // Every claim is on the mean over the run's training seeds: single runs vary by several
  // points. Thresholds: the distributions by claim id are in docs/claims-history.md.
  L.claim(
      "eos_length_acc", len_f.mean, tutorial::Cmp::ge, 0.45,
      fmt::format("the decoder learned where to stop: it emits <eos> at the gold length in "
                  "{:.1f}% of test strings (forwards, mean over seeds), against {:.1f}% for a "
                  "decoder that writes as many tokens as the source",
                  100 * len_f.mean, 100 * same_len),
      fmt::format("解码器学会了在哪里停下：{:.1f}% 的测试串恰好在目标长度处输出 <eos>（正序读入，"
                  "各种子的均值），而输出与源序列一样多词元的解码器只有 {:.1f}%",
                  100 * len_f.mean, 100 * same_len),
      tutorial::Lesson::Shown::percent);
}

ByLength Bottleneck::length_table() const {
  const tutorial::Spread len_f =
      tutorial::spread(collect(fwd, [&](const EvalResult& r) { return length_share(r); }));
  const tutorial::Spread len_r =
      tutorial::spread(collect(rev, [&](const EvalResult& r) { return length_share(r); }));
  const EvalResult& f0 = fwd.front();
  ByLength by;
  auto &x = by.x, &ft = by.ft, &rt = by.rt, &fl = by.fl, &rl = by.rl;
  L.heading("Accuracy by source length", "按源序列长度统计的准确率");
  L.say(
      "The lecture calls this problem forgetting (遗忘; its Chinese notes print 以往): what the\n"
      "encoder read early must survive many steps inside h_n. Here it is measured as accuracy\n"
      "falling with the source length.",
      "讲义称这个问题为遗忘（讲义中文稿误作“以往”）：编码器早先读到的内容必须在 h_n 里撑过\n"
      "许多步。这里用准确率随源序列变长而下降来测量它。");
  L.say(
      fmt::format("Token accuracy: position by position, <eos> included (greedy decoding on the "
                  "test set); right length: the output has the gold number of tokens. Means over "
                  "{} training seeds.",
                  n_runs),
      fmt::format("词元准确率：逐位置比较，包括 <eos>（测试集上贪心解码）；长度正确：输出的词元数与"
                  "目标相同。均为 {} 个训练种子的均值。",
                  n_runs));
  using tutorial::Align;
  tutorial::Table table({Align::right, Align::right, Align::left, Align::right, Align::right,
                         Align::left, Align::right, Align::right});
  table.group({{"", 3},
               {L.tr("source read forwards", "正序读入"), 2},
               {"|", 1},
               {L.tr("source read backwards", "倒序读入"), 2}});
  const std::string right_len = L.tr("right length", "长度正确");
  table.row({L.tr(term::source_length), "n", "|", L.tr(term::token_accuracy), right_len, "|",
             L.tr(term::token_accuracy), right_len});
  auto pct = [](double v) { return fmt::format("{:.1f}%", 100 * v); };
  const size_t n_buckets = f0.buckets.size();
  for (size_t b = 0; b < n_buckets; ++b) {
    const BucketScores& bs = f0.buckets[b];
    const auto [lo, hi] = bucket_range(bs);
    ft.push_back(mean(collect(fwd, [&](const EvalResult& r) { return r.buckets[b].token_acc; })));
    rt.push_back(mean(collect(rev, [&](const EvalResult& r) { return r.buckets[b].token_acc; })));
    fl.push_back(mean(
        collect(fwd, [&](const EvalResult& r) { return length_accuracy(r, data.test, lo, hi); })));
    rl.push_back(mean(
        collect(rev, [&](const EvalResult& r) { return length_accuracy(r, data.test, lo, hi); })));
    x.push_back(tutorial::bucket_mid(bs));
    table.row({bs.label, std::to_string(bs.count), "|", pct(ft.back()), pct(fl.back()), "|",
               pct(rt.back()), pct(rl.back())});
  }
  const tutorial::Spread tok_f =
      tutorial::spread(collect(fwd, [](auto& r) { return r.token_acc; }));
  const tutorial::Spread tok_r =
      tutorial::spread(collect(rev, [](auto& r) { return r.token_acc; }));
  table.row({L.tr("all", "全部"), std::to_string(n_test), "|", pct(tok_f.mean), pct(len_f.mean),
             "|", pct(tok_r.mean), pct(len_r.mean)});
  table.print();
  return by;
}

void Bottleneck::length_claims() {
  // The fall with length, per run, then averaged.
  const tutorial::Spread drop = tutorial::spread(collect(fwd, [](const EvalResult& r) {
    return r.buckets.front().token_acc - r.buckets.back().token_acc;
  }));
  L.claim("token_acc_drop", 100 * drop.mean, tutorial::Cmp::ge, 40,
          fmt::format("token accuracy falls from the shortest to the longest strings: {} points "
                      "(mean and range over seeds)",
                      tutorial::format_spread(drop, 100, 1)),
          fmt::format("词元准确率从最短的串到最长的串下降了 {} 个百分点（各种子的均值和范围）",
                      tutorial::format_spread(drop, 100, 1)));
  // The count of letters has to pass through h_n too: the stop gets worse with length.
  const tutorial::Spread len_drop = tutorial::spread(collect(fwd, [&](const EvalResult& r) {
    const auto [lo0, hi0] = bucket_range(r.buckets.front());
    const auto [lo1, hi1] = bucket_range(r.buckets.back());
    return length_accuracy(r, data.test, lo0, hi0) - length_accuracy(r, data.test, lo1, hi1);
  }));
  L.claim("eos_length_drop", 100 * len_drop.mean, tutorial::Cmp::ge, 40,
          fmt::format("the number of letters must pass through h_n as well: the share with the "
                      "gold length falls by {} points from the shortest to the longest strings",
                      tutorial::format_spread(len_drop, 100, 1)),
          fmt::format("字母的个数也必须经过 h_n：长度正确的比例从最短的串到最长的串下降了 {} 个"
                      "百分点",
                      tutorial::format_spread(len_drop, 100, 1)));

  std::vector<double> gains;
  for (int k = 0; k < n_runs; ++k) gains.push_back(rev[k].token_acc - fwd[k].token_acc);
  const tutorial::Spread gain = tutorial::spread(gains);
  L.claim(
      "reverse_gain", 100 * gain.mean, tutorial::Cmp::ge, 0.5,
      fmt::format("on the same budget, reading the source backwards raises token accuracy by "
                  "{} points (mean and range over seeds)",
                  tutorial::format_spread(gain, 100, 1)),
      fmt::format("在相同训练预算下，倒序读入使词元准确率提高 {} 个百分点（各种子的均值和范围）",
                  tutorial::format_spread(gain, 100, 1)));

  // Reversing helps, but the bottleneck stays: backwards, accuracy still falls with length.
  const tutorial::Spread drop_r = tutorial::spread(collect(rev, [](const EvalResult& r) {
    return r.buckets.front().token_acc - r.buckets.back().token_acc;
  }));
  L.claim(
      "reverse_still_drops", 100 * drop_r.mean, tutorial::Cmp::ge, 40,
      fmt::format("but it does not remove the bottleneck: backwards too, token accuracy falls "
                  "by {} points from the shortest to the longest strings",
                  tutorial::format_spread(drop_r, 100, 1)),
      fmt::format("但倒序读入并没有消除瓶颈：倒序时，词元准确率从最短的串到最长的串同样下降了 {} "
                  "个百分点",
                  tutorial::format_spread(drop_r, 100, 1)));
}

// The figure: accuracy against source length, both directions.
void Bottleneck::plot(const ByLength& by) const {
  const EvalResult& f0 = fwd.front();
  const auto &x = by.x, &ft = by.ft, &rt = by.rt, &fl = by.fl, &rl = by.rl;
  const std::string svg = L.path("accuracy_by_length.svg");
  LinePlotOptions po;
  po.title = L.tr("bottleneck encoder-decoder: copy the letters, drop the digits",
                  "带瓶颈的编码器-解码器：抄字母、去数字");
  po.x_label = L.tr("source length (tokens)", "源序列长度（词元数）");
  po.y_label = L.tr("accuracy (%)", "准确率 (%)");
  po.x_ticks = tutorial::bucket_ticks(f0.buckets);
  po.font_family = L.font();
  auto scaled = [](std::vector<double> v) {
    for (double& y : v) y *= 100;
    return v;
  };
  write_file(svg,
             line_plot_svg({{L.tr("token accuracy, forwards", "词元准确率，正序"), x, scaled(ft)},
                            {L.tr("token accuracy, backwards", "词元准确率，倒序"), x, scaled(rt)},
                            {L.tr("right length, forwards", "长度正确，正序"), x, scaled(fl)},
                            {L.tr("right length, backwards", "长度正确，倒序"), x, scaled(rl)}},
                           po));
  L.say(fmt::format("Figure: {}", svg), fmt::format("图：{}", svg));
  L.say(
      "The real fix is to stop squeezing: let the decoder look back at every h_i.\n"
      "Next: 05_vanishing_gradients (why long paths hurt), 06_attention (the fix).",
      "真正的解决办法是不再压缩：让解码器回头看每一个 h_i。\n"
      "下一步：05_vanishing_gradients（为什么长路径有害），06_attention（解决办法）。");
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "04_encoder_decoder",
                                   "the bottleneck encoder-decoder: output length via <eos>, "
                                   "accuracy falls with length, reversing the source helps",
                                   {}, {.cell = "gru", .score = "", .placement = ""});
  tutorial::Lesson L(args);
  Bottleneck lesson(args, L);
  lesson.introduce();
  lesson.describe_task();
  lesson.eos_intro();  // output of any length: <eos>
  lesson.train_both();
  lesson.stop_example();  // did the decoder stop at the right step?
  lesson.eos_claim();
  const ByLength by = lesson.length_table();  // accuracy by source length
  lesson.length_claims();
  lesson.plot(by);
  return L.finish();
}
