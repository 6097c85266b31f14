// 08_attention_variations — the same attention, wired in different ways.
//
//   where the context enters the decoder (AttentionConfig::placement):
//     input          Bahdanau: d_{t-1} asks, c_t joins the RNN input
//     output         Luong: d_t asks, c_t joins the output layer  h̃_t = tanh(W_c [c_t; d_t])
//     both           one attention at the input and one at the output
//     input_feeding  Luong's output, plus h̃_{t-1} fed into the next RNN input
//   which positions are looked at (AttentionConfig::variant) — the lecture's
//   "guided attention": attend to a part of the encoder only (local attention):
//     local-m        window [t-D, t+D]: assumes the alignment is monotonic (p_t = t)
//     local-p        window around a predicted centre p_t, Gaussian favouring p_t
//   decoder self-attention: a second context over the decoder's own d_1..d_{t-1}
//
// The placements are compared on the reverse task, where they differ; local
// attention and self-attention learn the copy task (a monotonic alignment). Then
// local-m meets reverse, where its assumption p_t = t is wrong. Finally a
// supervised alignment loss (not to be confused with guided attention: it is a
// loss on the weights, not a window) pins the attention to the gold alignment
// instead of the shifted one a left-to-right encoder allows (07_score_functions).
// Every model is trained at several seeds (tutorial::run_seed); claims are made
// on the mean over those runs, since one run is one noisy sample.
#include <chrono>
#include <tuple>

#include "attention/alignment_loss.hpp"
#include "common.hpp"
#include "model_lesson.hpp"
#include "nn/adam.hpp"
#include "nn/clip_grad.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/metrics/alignment.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

// Training runs per model (seeds tutorial::run_seed(--seed, k)).
constexpr int kRuns = 3;

struct Variation {
  std::string label, label_zh;
  std::string task;  // "copy" or "reverse"
  Placement placement = Placement::output;
  AttentionVariant variant = AttentionVariant::global;
  bool self_attention = false;
};

struct Row {
  Variation v;
  int64_t params = 0;
  double ms_per_step = 0;                  // first run
  std::vector<double> exact, aer, either;  // one per run
  bool repeat = false;                     // the same model as an earlier row: not printed again
};

// AER of a test set, against gold and allowing the shift (model_lesson.hpp).
std::pair<double, double> aers(const EvalResult& ev, const std::vector<Example>& test) {
  const tutorial::AlignmentErrors a = tutorial::alignment_errors(ev, test);
  return {a.gold, a.either};
}

ModelConfig base_config(const Vocab& sv, const Vocab& tv, int max_len, const tutorial::Args& a,
                        uint64_t seed) {
  ModelConfig mc;
  mc.cell = CellKind::gru;
  mc.src_vocab = sv.size();
  mc.tgt_vocab = tv.size();
  mc.embed = 32;
  mc.hidden = 64;
  mc.attn.score = "general";
  mc.attn.window = 2;  // D: local windows cover 2D+1 = 5 source positions
  mc.attn.max_src_len = max_len;
  mc.seed = seed;
  tutorial::apply_knobs(mc, a);  // --cell, --score, --placement (rows that compare placements
                                 // set their own)
  return mc;
}

// Gold alignment of a batch as (B,T,S): 1 where target token t links to source s.
// The <eos> row and padding stay 0 (alignment_loss skips rows without a link).
Tensor gold_alignment(const Batch& b, const std::vector<Example>& data) {
  Tensor g = Tensor::zeros({b.B, b.T, b.S});
  for (int64_t r = 0; r < b.B; ++r)
    for (auto [s, t] : data[b.index[static_cast<size_t>(r)]].align) g.at({r, t, s}) = 1;
  return g;
}

using tutorial::Align;
using tutorial::Cmp;
using tutorial::format_spread;
using tutorial::spread;

// The lesson's state, built section by section: the two tasks, the variations and
// their runs. Each public member function is one section of the lesson.
class Variations {
 public:
  Variations(const tutorial::Args& args, tutorial::Lesson& L);
  void introduce() const;
  void train_variations();
  void print_table() const;
  void placement_claim();
  void local_attention_claims();
  void alignment_loss_intro() const;
  void alignment_loss_runs();
  void alignment_loss_claims();

 private:
  std::string task_name(const std::string& task) const {
    return task == "copy" ? L.tr("copy", "复制") : L.tr("reverse", "倒序");
  }
  void train_runs(const Variation& v, const Splits& data, Row& row);
  static TaskConfig task_config(const tutorial::Args& args) {
    const bool quick = args.quick;
    TaskConfig tc;
    tc.seed = args.seed;
    tc.n_train = 3000;
    tc.n_valid = 100;
    tc.n_test = quick ? 100 : 300;
    tc.min_len = 3;
    tc.max_len = quick ? 8 : 12;
    tc.alphabet = 10;
    return tc;
  }

  const tutorial::Args& args;
  tutorial::Lesson& L;
  const bool quick;
  const int64_t steps;
  const TaskConfig tc;
  Splits copy, reverse;
  Vocab sv, tv;  // same symbols in both tasks
  std::vector<Variation> variations;
  std::vector<Row> rows;  // one per variation, in order
  // The supervised alignment loss: its updates, curves and final AER [λ][run].
  int64_t loss_steps = 0;
  std::vector<Series> curves;
  std::vector<std::vector<double>> final_aer = std::vector<std::vector<double>>(2);
};

Variations::Variations(const tutorial::Args& args, tutorial::Lesson& L)
    : args(args),
      L(L),
      quick(args.quick),
      steps(quick ? 150 : 400),
      tc(task_config(args)),
      copy(make_task("copy", tc)),
      reverse(make_task("reverse", tc)) {
  std::tie(sv, tv) = build_vocabs(copy.train);
}

void Variations::introduce() const {
  L.heading("The variations, one budget", "各种变体，同样的训练预算");
  L.say(fmt::format(
            "Tasks: copy or reverse {}..{} symbols. Cell {} (--cell), E=32, H=64, score function\n"
            "{} (--score), Adam lr 3e-3, batch 32, {} updates. Every model is trained {} times\n"
            "(seeds {}..{}), with the same seeds for all. The first four rows compare where the\n"
            "context enters (on reverse); the others use placement {} (--placement).",
            tc.min_len, tc.max_len, args.model.cell, args.model.score, steps, kRuns,
            tutorial::run_seed(args.seed, 0), tutorial::run_seed(args.seed, kRuns - 1),
            args.model.placement),
        fmt::format(
            "任务：复制或倒序 {}..{} 个符号。循环单元 {}（--cell），E=32，H=64，打分函数 {}\n"
            "（--score），Adam 学习率 3e-3，批大小 32，{} 次更新。每个模型训练 {} 次（随机\n"
            "种子 {}..{}），所有模型用同一组种子。前四行比较上下文向量放在哪里（倒序任务）；\n"
            "其余各行的上下文位置为 {}（--placement）。",
            tc.min_len, tc.max_len, args.model.cell, args.model.score, steps, kRuns,
            tutorial::run_seed(args.seed, 0), tutorial::run_seed(args.seed, kRuns - 1),
            args.model.placement));
  L.say(
      "What the rows mean. A placement says where the context vector c_t enters the decoder:\n"
      "  input          the lecture's scheme (Bahdanau): the query is d_{t-1}, and c_t joins the\n"
      "                 previous token's embedding as the next decoder step's input;\n"
      "  output         Luong's: the cell runs first, the query is d_t, and c_t joins d_t only\n"
      "                 at the output layer;\n"
      "  both           one attention at the input and another at the output;\n"
      "  input_feeding  Luong's output placement, plus last step's attentional output fed into\n"
      "                 the next step's input.\n"
      "local-m and local-p are the lecture's guided attention (引导注意): the decoder attends to\n"
      "a part of the encoder only, a window of half-width D around a centre p_t, so 2D+1 = 5\n"
      "positions for D = 2 (local attention, Luong et al. 2015). local-m puts p_t = t; local-p\n"
      "learns p_t. They run on copy, whose gold alignment is the diagonal, and local-m once\n"
      "more on reverse. Self-attention (the lecture's 自我关注) lets the decoder also attend to\n"
      "its own earlier states d_1..d_{t-1}; 09 looks at it closely.",
      "各行的含义。上下文位置指上下文向量 c_t 从哪里进入解码器：\n"
      "  input          讲义中的方案（Bahdanau）：查询是 d_{t-1}，c_t 与上一个词元的嵌入向量\n"
      "                 一起作为解码器下一步的输入；\n"
      "  output         Luong 的方案：先运行循环单元，查询是 d_t，c_t 只在输出层与 d_t 合并；\n"
      "  both           输入端一个注意力，输出端再一个；\n"
      "  input_feeding  Luong 的 output 方案，再把上一步的注意力输出送入下一步的输入。\n"
      "local-m 和 local-p 就是讲义中的“引导注意”（这里叫局部注意力）：解码器只关注编码器的\n"
      "一部分，即以 p_t 为中心、半宽为 D 的窗口；D = 2 时窗口有 2D+1 = 5 个位置（Luong 等\n"
      "2015）。local-m 取 p_t = t，local-p 则学习 p_t。它们在复制任务上训练（标准对齐是\n"
      "对角线），local-m 再在倒序任务上训练一次。自注意力（讲义中的“自我关注”）让解码器\n"
      "同时关注它自己之前的状态 d_1..d_{t-1}；09 会细看它。");
}

// Every variation, trained kRuns times; a row of results each.
void Variations::train_variations() {
  const Placement knob = placement_from_name(args.model.placement);
  variations = {
      {"output (Luong)", "output（Luong）", "reverse", Placement::output, AttentionVariant::global,
       false},
      {"input (lecture, Bahdanau)", "input（讲义，Bahdanau）", "reverse", Placement::input,
       AttentionVariant::global, false},
      {"both", "both", "reverse", Placement::both, AttentionVariant::global, false},
      {"input_feeding", "input_feeding", "reverse", Placement::input_feeding,
       AttentionVariant::global, false},
      {"global", "global", "copy", knob, AttentionVariant::global, false},
      {"local-m, D=2", "local-m，D=2", "copy", knob, AttentionVariant::local_m, false},
      {"local-p, D=2", "local-p，D=2", "copy", knob, AttentionVariant::local_p, false},
      {"self-attention", "自注意力", "copy", knob, AttentionVariant::global, true},
      {"global", "global", "reverse", knob, AttentionVariant::global, false},
      {"local-m, D=2", "local-m，D=2", "reverse", knob, AttentionVariant::local_m, false},
  };
  for (const Variation& v : variations) {
    const Splits& data = v.task == "copy" ? copy : reverse;
    Row row{v, 0, 0, {}, {}, {}};
    // The same model as an earlier row (global reverse is the output row when
    // --placement output): same seeds, same results, so reuse them.
    auto same = std::find_if(rows.begin(), rows.end(), [&](const Row& r) {
      return r.v.task == v.task && r.v.placement == v.placement && r.v.variant == v.variant &&
             r.v.self_attention == v.self_attention;
    });
    if (same != rows.end()) {
      row = *same;
      row.v = v;
      row.repeat = true;
      same->v.label += " = " + v.label;
      same->v.label_zh += " = " + v.label_zh;
    }
    train_runs(v, data, row);
    if (row.repeat)
      L.say(fmt::format("  {} {}: {}", task_name(v.task), v.label,
                        "the same model as a row above (same seeds): shown once"),
            fmt::format("  {} {}：{}", task_name(v.task), v.label_zh,
                        "与上面某一行是同一个模型（同样的种子），只列一次"));
    else
      fmt::print("  {} {} {} {}  AER {}\n", tutorial::pad(task_name(v.task), 8, Align::left),
                 tutorial::pad(L.tr(v.label, v.label_zh), 26, Align::left),
                 L.tr(tutorial::term::exact_match), format_spread(spread(row.exact), 100, 1),
                 format_spread(spread(row.aer), 1, 3));
    rows.push_back(std::move(row));
  }
}

void Variations::train_runs(const Variation& v, const Splits& data, Row& row) {
  for (int k = static_cast<int>(row.exact.size()); k < kRuns; ++k) {
    const uint64_t seed = tutorial::run_seed(args.seed, k);
    ModelConfig mc = base_config(sv, tv, tc.max_len, args, seed);
    mc.attn.placement = v.placement;
    mc.attn.variant = v.variant;
    mc.attn.self_attention = v.self_attention;
    if (&v == &variations.front() && k == 0) tutorial::print_model(L, mc);
    Seq2Seq model(mc);
    TrainResult tr = tutorial::train(L, model, data, sv, tv, tutorial::update_budget(steps, seed));
    EvalResult ev = evaluate(model, data.test, sv, tv);
    auto [aer, either] = aers(ev, data.test);
    row.exact.push_back(ev.exact);
    row.aer.push_back(aer);
    row.either.push_back(either);
    if (k == 0) {
      tutorial::explore(L.lang(), L.tr(v.label, v.label_zh), model, sv, tv, {data.test[0]}, 1, 1,
                        true);
      row.params = model.num_parameters();
      // Training time per update; includes the small per-epoch validation (100 sentences).
      row.ms_per_step = 1000 * tr.seconds / static_cast<double>(tr.step_losses.size());
    }
  }
}

void Variations::print_table() const {
  L.heading("The table", "结果表");
  L.say(fmt::format("Mean over {} runs (range in brackets).", kRuns),
        fmt::format("{} 次训练的平均值（括号内为范围）。", kRuns));
  tutorial::Table table({Align::left, Align::left, Align::right, Align::right, Align::right,
                         Align::right, Align::right});
  table.group({{"", 4}, {"AER", 2}, {"", 1}});
  table.row({L.tr("task", "任务"), L.tr(tutorial::term::decoder), L.tr(tutorial::term::parameters),
             L.tr("exact match %", "完全匹配率 %"), L.tr("gold", "标准对齐"),
             L.tr("allowing shift", "允许右移"), L.tr("ms/step", "毫秒/步")});
  for (const Row& r : rows)
    if (!r.repeat)
      table.row({task_name(r.v.task), L.tr(r.v.label, r.v.label_zh), std::to_string(r.params),
                 format_spread(spread(r.exact), 100, 1), fmt::format("{:.3f}", spread(r.aer).mean),
                 format_spread(spread(r.either), 1, 3), fmt::format("{:.2f}", r.ms_per_step)});
  table.print();
  L.say(
      "AER allowing the shift counts a link to h_{i+1} as one to h_i: a left-to-right encoder's\n"
      "h_{i+1} still carries x_i (07_score_functions). ms/step is the wall-clock training time\n"
      "per update, first run (noisy on a busy machine). Input placement and 'both' pay for\n"
      "attention before the RNN step; self-attention grows with t.",
      "允许右移的 AER 把连到 h_{i+1} 的线也算作连到 h_i：从左到右的编码器的 h_{i+1} 仍带着\n"
      "x_i（见 07_score_functions）。毫秒/步是第一次训练中每次更新的墙钟时间（机器繁忙时有\n"
      "波动）。input 和 both 要在 RNN 这一步之前先算注意力；自注意力的开销随步数 t 增长。");
}

void Variations::placement_claim() {
  const Row &out_rev = rows[0], &in_rev = rows[1];
  auto mean = [](const std::vector<double>& v) { return spread(v).mean; };
  // Thresholds from tests/claims/sweep.sh, with margin: the distributions by claim id are
  // in docs/claims-history.md.
  const double in_gain = mean(in_rev.exact) - mean(out_rev.exact);
  // With more updates output catches up a little: a lower threshold in full mode.
  L.claim(
      "input_beats_output", in_gain, Cmp::ge, quick ? 0.08 : 0.04,
      fmt::format("on reverse, the lecture's scheme (input) learns faster than Luong's output "
                  "placement: exact match {:.1f} points higher, {} vs {}",
                  100 * in_gain, format_spread(spread(in_rev.exact), 100, 1),
                  format_spread(spread(out_rev.exact), 100, 1)),
      fmt::format("在倒序任务上，讲义的方案（input）比 Luong 的 output 学得更快：完全匹配率高出 "
                  "{:.1f} 个百分点，{} 对 {}",
                  100 * in_gain, format_spread(spread(in_rev.exact), 100, 1),
                  format_spread(spread(out_rev.exact), 100, 1)),
      tutorial::Lesson::Shown::points);
  L.say(
      "This is measured, not derived. One reading: the input placement's query d_{t-1} was\n"
      "computed from the previous context, so the decoder knows where it looked last and only\n"
      "has to step one position left. But input_feeding also passes the previous context on\n"
      "and does no better than output here: try more updates (full mode) or --cell lstm.\n"
      "Compare input's two AER columns too: when the one allowing the shift is much lower, the\n"
      "run settled on the shifted alignment.",
      "这是测出来的，不是推导出来的。一种解释：input 方案的查询 d_{t-1} 由上一步的上下文向量\n"
      "算出，解码器知道自己上一步看了哪里，只需向左移一格。但 input_feeding 同样把上一步的\n"
      "上下文向量传下去，在这里却不比 output 好：可以试试更多的更新次数（完整模式）或\n"
      "--cell lstm。也请比较 input 的两列 AER：如果允许右移的那一列低得多，说明这次训练停在了\n"
      "右移的对齐上。");
}

void Variations::local_attention_claims() {
  const Row &glob_rev = rows[8], &lm_rev = rows[9];
  auto mean = [](const std::vector<double>& v) { return spread(v).mean; };
  // On copy: global, local-m and self-attention (rows 4, 5, 7); local-p (row 6) apart,
  // since it must learn where to put its window.
  double copy_worst_either = 0, copy_worst_exact = 1;
  for (const Row* r : {&rows[4], &rows[5], &rows[7]}) {
    copy_worst_either = std::max(copy_worst_either, mean(r->either));
    copy_worst_exact = std::min(copy_worst_exact, mean(r->exact));
  }
  const Row& lp_copy = rows[6];
  L.claim("copy_worst_aer", copy_worst_either, Cmp::le, 0.2,
          fmt::format("on copy, global, local-m and self-attention all find the diagonal: highest "
                      "mean AER (allowing the shift) {:.3f}",
                      copy_worst_either),
          fmt::format("在复制任务上，global、local-m 和自注意力都找到了对角线：最高的平均 AER"
                      "（允许右移）为 {:.3f}",
                      copy_worst_either));
  L.claim(
      "copy_worst_exact", copy_worst_exact, Cmp::ge, 0.55,
      fmt::format("... and learn to copy: lowest mean exact match {:.1f}%", 100 * copy_worst_exact),
      fmt::format("……并且学会了复制：最低的平均完全匹配率为 {:.1f}%", 100 * copy_worst_exact),
      tutorial::Lesson::Shown::percent);
  L.claim(
      "local_p_copy_aer", mean(lp_copy.either), Cmp::le, 0.4,
      fmt::format("local-p learns to predict its window centre p_t, more slowly: AER (allowing "
                  "the shift) {}, exact match {}",
                  format_spread(spread(lp_copy.either), 1, 3),
                  format_spread(spread(lp_copy.exact), 100, 1)),
      fmt::format("local-p 学会了预测窗口中心 p_t，但学得更慢：AER（允许右移）为 {}，完全匹配率 {}",
                  format_spread(spread(lp_copy.either), 1, 3),
                  format_spread(spread(lp_copy.exact), 100, 1)));
  L.say(
      "local-p predicts p_t = (L-1)·sigmoid(v·tanh(W d_t)) and learns it only through the\n"
      "Gaussian around p_t; in Luong et al. (2015) it was the best model (local-p with\n"
      "general), after far more training than the few hundred updates here.",
      "local-p 预测 p_t = (L-1)·sigmoid(v·tanh(W d_t))，只能通过 p_t 周围的高斯权重学习它；在\n"
      "Luong 等人（2015）的实验中它是最好的模型（local-p 配 general），但训练量远多于这里的\n"
      "几百次更新。");
  const double lm_gap = mean(lm_rev.either) - mean(glob_rev.either);
  L.claim(
      "local_m_reverse_gap", lm_gap, Cmp::ge, 0.2,
      fmt::format("on reverse, local-m's window p_t = t is in the wrong place: AER (allowing the "
                  "shift) {:.3f} higher, {} vs global {}",
                  lm_gap, format_spread(spread(lm_rev.either), 1, 3),
                  format_spread(spread(glob_rev.either), 1, 3)),
      fmt::format("在倒序任务上，local-m 的窗口 p_t = t 放错了位置：AER（允许右移）高出 {:.3f}，"
                  "为 {}，全局注意力为 {}",
                  lm_gap, format_spread(spread(lm_rev.either), 1, 3),
                  format_spread(spread(glob_rev.either), 1, 3)));
}

void Variations::alignment_loss_intro() const {
  L.heading("A supervised alignment loss (not guided attention)", "对齐监督损失（不是引导注意力）");
  L.say(
      "When gold alignments are known (here: target t <-> source n-1-t for reverse), add\n"
      "  loss = CE + λ · mean_t ( -Σ_s g_ts log a_ts )\n"
      "the cross-entropy between the gold row g_t and the attention weights a_t. We train the\n"
      "reverse model with λ = 0 and λ = 1 from the same starts (one per seed) and measure the\n"
      "test AER against gold. Unlike guided (local) attention above, every source position\n"
      "stays visible: the loss only teaches the weights where to look. In the literature this\n"
      "kind of loss is called a \"guided attention loss\" (Tachibana et al. 2017, for\n"
      "text-to-speech, pull the weights towards the diagonal): it is this loss, not the\n"
      "lecture's guided attention, which is local attention.",
      "当标准对齐已知时（这里：倒序任务中目标 t <-> 源 n-1-t），加上\n"
      "  损失 = CE + λ · mean_t ( -Σ_s g_ts log a_ts )\n"
      "即标准对齐行 g_t 与注意力权重 a_t 之间的交叉熵。我们从同样的起点（每个随机种子一个）\n"
      "用 λ = 0 和 λ = 1 训练倒序模型，并测量测试集上对照标准对齐的 AER。与上面的引导注意力\n"
      "（局部注意力）不同，所有源位置都仍然可见：这个损失只教注意力权重该看哪里。文献中的\n"
      "“引导注意力损失”（Tachibana 等 2017，用于语音合成，把权重拉向对角线）就是这种损失，\n"
      "而不是讲义中的“引导注意”——后者指局部注意力。");
}

// The reverse model with λ = 0 and λ = 1 from the same starts (one per seed).
void Variations::alignment_loss_runs() {
  loss_steps = quick ? 120 : 240;
  const int64_t every = quick ? 40 : 60;
  std::vector<Example> probe(reverse.test.begin(),
                             reverse.test.begin() + std::min<size_t>(100, reverse.test.size()));
  for (int li = 0; li < 2; ++li) {
    const double lambda = li;
    Series s{fmt::format("λ = {}", lambda), {}, {}};
    for (int k = 0; k < kRuns; ++k) {
      const uint64_t seed = tutorial::run_seed(args.seed, k);
      ModelConfig gc = base_config(sv, tv, tc.max_len, args, seed);
      gc.attn.score = "additive";  // left alone, it often learns the shifted alignment (07)
      Seq2Seq model(gc);
      Adam opt(model.parameters(), real(3e-3));
      Batcher batcher(reverse.train, sv, tv, 32, seed);
      std::vector<Batch> epoch;
      size_t next = 0, point = 0;
      for (int64_t step = 1; step <= loss_steps; ++step) {
        if (next == epoch.size()) epoch = batcher.epoch(), next = 0;
        const Batch& b = epoch[next++];
        ForwardOutput f = model.forward(b);
        Var loss = f.loss;
        if (lambda > 0)  // weights: T steps of (B,S) -> (B,T,S)
          loss = loss + alignment_loss(stack(f.weights, 1), gold_alignment(b, reverse.train)) *
                            real(lambda);
        opt.zero_grad();
        loss.backward();
        clip_grad_norm(opt.params(), 1);
        opt.step();
        if (step % every == 0) {  // the curve: mean over runs at each checkpoint
          const double a = evaluate(model, probe, sv, tv).aer / kRuns;
          if (k == 0) s.x.push_back(static_cast<double>(step)), s.y.push_back(0);
          s.y[point++] += a;
        }
      }
      final_aer[li].push_back(aers(evaluate(model, reverse.test, sv, tv), reverse.test).first);
    }
    L.say(fmt::format("  λ = {}: mean AER after {} updates: {:.3f}; final AER over {} runs {}",
                      lambda, fmt::join(s.x, ","), fmt::join(s.y, " "), kRuns,
                      format_spread(spread(final_aer[li]), 1, 3)),
          fmt::format("  λ = {}：第 {} 次更新后的平均 AER：{:.3f}；最终 AER（{} 次训练）{}", lambda,
                      fmt::join(s.x, ","), fmt::join(s.y, " "), kRuns,
                      format_spread(spread(final_aer[li]), 1, 3)));
    curves.push_back(std::move(s));
  }
}

void Variations::alignment_loss_claims() {
  const double al_gain = spread(final_aer[0]).mean - spread(final_aer[1]).mean;
  L.claim("alignment_loss_gain", al_gain, Cmp::ge, 0.1,
          fmt::format("the supervised alignment loss pins the attention to gold: after {} updates "
                      "the AER is {:.3f} lower, {} with it vs {} without",
                      loss_steps, al_gain, format_spread(spread(final_aer[1]), 1, 3),
                      format_spread(spread(final_aer[0]), 1, 3)),
          fmt::format("对齐监督损失把注意力固定到标准对齐上：{} 次更新后 AER 降低 {:.3f}，有它时为 "
                      "{}，没有时为 {}",
                      loss_steps, al_gain, format_spread(spread(final_aer[1]), 1, 3),
                      format_spread(spread(final_aer[0]), 1, 3)));
  L.claim("alignment_loss_aer", spread(final_aer[1]).mean, Cmp::le, 0.55,
          fmt::format("with the loss, mean AER against gold {:.3f}", spread(final_aer[1]).mean),
          fmt::format("有这个损失时，对照标准对齐的平均 AER 为 {:.3f}", spread(final_aer[1]).mean));
  L.say(
      "Without the alignment loss the additive score often settles on the shifted alignment\n"
      "(as in 07_score_functions): good for the loss, wrong as an explanation. A little\n"
      "supervision pins the attention to the words a human would link.",
      "没有对齐监督损失时，additive 打分函数常常停在右移的对齐上（与 07_score_functions 相同）：\n"
      "对损失有用，但作为解释是错的。少量监督就能把注意力固定到人会连线的那些词上。");
  LinePlotOptions lo;
  lo.title = L.tr(fmt::format("reverse: test AER with and without the supervised alignment loss "
                              "(mean of {} runs)",
                              kRuns),
                  fmt::format("倒序任务：有无对齐监督损失时的测试 AER（{} 次训练的平均）", kRuns));
  lo.x_label = L.tr("update", "更新次数");
  lo.y_label = "AER";
  lo.y_from_zero = true;
  lo.font_family = L.font();
  write_file(L.path("alignment_loss_aer.svg"), line_plot_svg(curves, lo));
  fmt::print("  {}\n", L.path("alignment_loss_aer.svg"));
  L.say("Next: 09_key_value_attention — separate vectors for 'where to look' and 'what to read'.",
        "下一步：09_key_value_attention —— 用不同的向量表示“看哪里”和“读什么”。");
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "08_attention_variations",
                                   "context placement, local (guided) attention, self-attention, a "
                                   "supervised alignment loss",
                                   {}, {.cell = "gru", .score = "general", .placement = "output"});
  tutorial::Lesson L(args);
  Variations lesson(args, L);
  lesson.introduce();  // the variations, one budget
  lesson.train_variations();
  lesson.print_table();  // the table
  lesson.placement_claim();
  lesson.local_attention_claims();
  lesson.alignment_loss_intro();  // a supervised alignment loss
  lesson.alignment_loss_runs();
  lesson.alignment_loss_claims();
  return L.finish();
}
