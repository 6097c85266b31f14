// 08_attention_variations — the same attention, wired in different ways.
//
//   where the context enters the decoder (AttentionConfig::placement):
//     input          Bahdanau: s_{t-1} asks, c_t joins the RNN input
//     output         Luong: s_t asks, c_t joins the output layer  h̃_t = tanh(W_c [c_t; s_t])
//     both           one attention at the input and one at the output
//     input_feeding  Luong's output, plus h̃_{t-1} fed into the next RNN input
//   which positions are looked at (AttentionConfig::variant) — the lecture's
//   "guided attention": attend to a part of the encoder only (local attention):
//     local-m        window [t-D, t+D]: assumes the alignment is monotonic (p_t = t)
//     local-p        window around a predicted centre p_t, Gaussian favouring p_t
//   decoder self-attention: a second context over the decoder's own s_1..s_{t-1}
//
// All of them learn the copy task (a monotonic alignment). Then local-m meets the
// reverse task, where its assumption p_t = t is wrong. Finally a supervised
// alignment loss (not to be confused with guided attention: it is a loss on the
// weights, not a window) makes the attention find the gold alignment in fewer
// updates.
#include <chrono>

#include "attention/alignment_loss.hpp"
#include "common.hpp"
#include "model_lesson.hpp"
#include "nn/adam.hpp"
#include "nn/clip_grad.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

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
  double exact = 0, aer = 0, ms_per_step = 0;
};

ModelConfig base_config(const Vocab& sv, const Vocab& tv, int max_len, const tutorial::Args& a) {
  ModelConfig mc;
  mc.cell = CellKind::gru;
  mc.src_vocab = sv.size();
  mc.tgt_vocab = tv.size();
  mc.embed = 32;
  mc.hidden = 64;
  mc.attn.score = "general";
  mc.attn.window = 2;  // D: local windows cover 2D+1 = 5 source positions
  mc.attn.max_src_len = max_len;
  mc.seed = a.seed;
  tutorial::apply_knobs(mc, a);  // --cell, --score, --placement (rows that compare placements
                                 // set their own)
  return mc;
}

TrainConfig train_config(int64_t steps, uint64_t seed) {
  TrainConfig cfg;
  cfg.epochs = 1000;  // the step budget decides
  cfg.max_steps = steps;
  cfg.patience = 1000;
  cfg.lr = real(3e-3);
  cfg.seed = seed;
  cfg.valid_examples = 100;
  return cfg;
}

// Gold alignment of a batch as (B,T,S): 1 where target token t links to source s.
// The <eos> row and padding stay 0 (alignment_loss skips rows without a link).
Tensor gold_alignment(const Batch& b, const std::vector<Example>& data) {
  Tensor g = Tensor::zeros({b.B, b.T, b.S});
  for (int64_t r = 0; r < b.B; ++r)
    for (auto [s, t] : data[b.index[static_cast<size_t>(r)]].align) g.at({r, t, s}) = 1;
  return g;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "08_attention_variations",
                                   "context placement, local (guided) attention, self-attention, a "
                                   "supervised alignment loss",
                                   {}, {.cell = "gru", .score = "general", .placement = "output"});
  tutorial::Lesson L(args);
  using tutorial::Align;
  const bool quick = args.quick;
  const int64_t steps = quick ? 150 : 500;
  auto task_name = [&](const std::string& task) {
    return task == "copy" ? L.tr("copy", "复制") : L.tr("reverse", "倒序");
  };

  TaskConfig tc;
  tc.seed = args.seed;
  tc.n_train = 3000;
  tc.n_valid = 100;
  tc.n_test = quick ? 200 : 400;
  tc.min_len = 3;
  tc.max_len = quick ? 8 : 12;
  tc.alphabet = 10;
  Splits copy = make_task("copy", tc);
  Splits reverse = make_task("reverse", tc);
  auto [sv, tv] = build_vocabs(copy.train);  // same symbols in both tasks

  L.heading("Seven decoders, one budget", "七种解码器，同样的训练预算");
  L.say(
      fmt::format(
          "Task: copy {}..{} symbols (the gold alignment is the diagonal). Cell {} (--cell),\n"
          "E=32, H=64, score function {} (--score), Adam lr 3e-3, batch 32, {} updates, the same\n"
          "seed for all. The first four rows compare where the context enters; the others use\n"
          "placement {} (--placement).",
          tc.min_len, tc.max_len, args.model.cell, args.model.score, steps, args.model.placement),
      fmt::format("任务：复制 {}..{} 个符号（标准对齐是对角线）。循环单元 {}（--cell），E=32，\n"
                  "H=64，打分函数 {}（--score），Adam 学习率 3e-3，批大小 32，{} 次更新，所有模型\n"
                  "同一个随机种子。前四行比较上下文向量放在哪里；其余各行的上下文位置为 {}\n"
                  "（--placement）。",
                  tc.min_len, tc.max_len, args.model.cell, args.model.score, steps,
                  args.model.placement));
  L.say(
      "Rows local-m and local-p are the lecture's guided attention: the decoder attends to a\n"
      "part of the encoder only, a window of 2D+1 = 5 positions (local attention, Luong et al.\n"
      "2015).",
      "local-m 和 local-p 两行就是讲义中的引导注意力：解码器只关注编码器的一部分，即一个\n"
      "2D+1 = 5 个位置的窗口（局部注意力，Luong 等 2015）。");
  const Placement knob = placement_from_name(args.model.placement);
  const std::vector<Variation> variations = {
      {"output (Luong)", "output（Luong）", "copy", Placement::output, AttentionVariant::global,
       false},
      {"input (Bahdanau)", "input（Bahdanau）", "copy", Placement::input, AttentionVariant::global,
       false},
      {"both", "both", "copy", Placement::both, AttentionVariant::global, false},
      {"input_feeding", "input_feeding", "copy", Placement::input_feeding, AttentionVariant::global,
       false},
      {"local-m, D=2", "local-m，D=2", "copy", knob, AttentionVariant::local_m, false},
      {"local-p, D=2", "local-p，D=2", "copy", knob, AttentionVariant::local_p, false},
      {"self-attention", "自注意力", "copy", knob, AttentionVariant::global, true},
      {"global", "global", "reverse", knob, AttentionVariant::global, false},
      {"local-m, D=2", "local-m，D=2", "reverse", knob, AttentionVariant::local_m, false},
  };
  std::vector<Row> rows;
  for (const Variation& v : variations) {
    const Splits& data = v.task == "copy" ? copy : reverse;
    ModelConfig mc = base_config(sv, tv, tc.max_len, args);
    mc.attn.placement = v.placement;
    mc.attn.variant = v.variant;
    mc.attn.self_attention = v.self_attention;
    if (&v == &variations.front()) tutorial::print_model(L, mc);
    Seq2Seq model(mc);
    TrainResult tr = tutorial::train(L, model, data, sv, tv, train_config(steps, args.seed));
    EvalResult ev = evaluate(model, data.test, sv, tv);
    // Training time per update; includes the small per-epoch validation (100 sentences).
    rows.push_back({v, model.num_parameters(), ev.exact, ev.aer,
                    1000 * tr.seconds / static_cast<double>(tr.step_losses.size())});
    fmt::print("  {} {} {} {:5.1f}%  AER {:.3f}\n",
               tutorial::pad(task_name(v.task), 8, Align::left),
               tutorial::pad(L.tr(v.label, v.label_zh), 17, Align::left),
               L.tr(tutorial::term::exact_match), 100 * ev.exact, ev.aer);
  }

  L.heading("The table", "结果表");
  tutorial::Table table(
      {Align::left, Align::left, Align::right, Align::right, Align::right, Align::right});
  table.row({L.tr("task", "任务"), L.tr(tutorial::term::decoder), L.tr(tutorial::term::parameters),
             L.tr("exact match %", "完全匹配率 %"), "AER", L.tr("ms/step", "毫秒/步")});
  for (const Row& r : rows)
    table.row({task_name(r.v.task), L.tr(r.v.label, r.v.label_zh), std::to_string(r.params),
               fmt::format("{:.1f}", 100 * r.exact), fmt::format("{:.3f}", r.aer),
               fmt::format("{:.2f}", r.ms_per_step)});
  table.print();
  L.say(
      "ms/step is the wall-clock training time per update (noisy on a busy machine). Input\n"
      "placement and 'both' pay for attention before the RNN step; self-attention grows with t.",
      "毫秒/步是每次更新的训练墙钟时间（机器繁忙时有波动）。输入端放置和 both 需要在 RNN\n"
      "前先算注意力；自注意力的代价随步数 t 增长。");

  double copy_min_exact = 1, copy_max_aer = 0;
  for (size_t i = 0; i < 7; ++i) {
    copy_min_exact = std::min(copy_min_exact, rows[i].exact);
    copy_max_aer = std::max(copy_max_aer, rows[i].aer);
  }
  const Row &local_m_copy = rows[4], &global_rev = rows[7], &local_m_rev = rows[8];
  // Measured (seed 42): full (500 updates) exact 82.2..92.5%, AER 0.031..0.084;
  // quick (150 updates) exact 73.0..89.0%, AER 0.043..0.097.
  L.claim(
      copy_min_exact >= 0.65 && copy_max_aer <= 0.15,
      fmt::format("all 7 variations learn to copy and find the diagonal alignment: lowest exact "
                  "match {:.1f}% >= 65%, highest AER {:.3f} <= 0.15",
                  100 * copy_min_exact, copy_max_aer),
      fmt::format("7 种变体都学会了复制并找到了对角线对齐：最低完全匹配率 {:.1f}% >= 65%，"
                  "最高 AER {:.3f} <= 0.15",
                  100 * copy_min_exact, copy_max_aer));
  // Measured (seed 42): full 85.0% / 0.052, quick 83.5% / 0.052.
  L.claim(
      local_m_copy.exact >= 0.7 && local_m_copy.aer <= 0.1,
      fmt::format("local-m does well on a monotonic task: copy exact {:.1f}% >= 70%, AER {:.3f} "
                  "<= 0.1, with a window of only 5 positions",
                  100 * local_m_copy.exact, local_m_copy.aer),
      fmt::format("local-m 在单调任务上表现好：复制的完全匹配率 {:.1f}% >= 70%，AER {:.3f} <= 0.1，"
                  "而窗口只有 5 个位置",
                  100 * local_m_copy.exact, local_m_copy.aer));
  // Measured (seed 42): full 0.764 vs 0.224, quick 0.737 vs 0.172.
  L.claim(local_m_rev.aer > global_rev.aer + 0.2,
          fmt::format("on reverse, local-m's window p_t = t is in the wrong place: AER {:.3f} vs "
                      "global {:.3f}",
                      local_m_rev.aer, global_rev.aer),
          fmt::format(
              "在倒序任务上，local-m 的窗口 p_t = t 放错了位置：AER {:.3f}，而全局注意力为 {:.3f}",
              local_m_rev.aer, global_rev.aer));

  L.heading("A supervised alignment loss (not guided attention)", "对齐监督损失（不是引导注意力）");
  L.say(
      "When gold alignments are known (here: target t <-> source n-1-t for reverse), add\n"
      "  loss = CE + λ · mean_t ( -Σ_s g_ts log a_ts )\n"
      "the cross-entropy between the gold row g_t and the attention weights a_t. We train the\n"
      "reverse model twice from the same start, λ = 0 and λ = 1, and measure the test AER.\n"
      "Unlike guided (local) attention above, every source position stays visible: the loss\n"
      "only teaches the weights where to look.",
      "当标准对齐已知时（这里：倒序任务中目标 t <-> 源 n-1-t），加上\n"
      "  损失 = CE + λ · mean_t ( -Σ_s g_ts log a_ts )\n"
      "即标准对齐行 g_t 与注意力权重 a_t 之间的交叉熵。我们从同一个起点\n"
      "把倒序模型训练两次：λ = 0 和 λ = 1，并测量测试集上的 AER。\n"
      "与上面的引导注意力（局部注意力）不同，所有源位置都仍然可见：这个损失只教注意力权重\n"
      "该看哪里。");
  const int64_t loss_steps = quick ? 120 : 240, every = quick ? 20 : 40;
  std::vector<Example> probe(reverse.test.begin(), reverse.test.begin() + 100);
  std::vector<Series> curves;
  std::vector<double> final_aer;
  for (double lambda : {0.0, 1.0}) {
    ModelConfig gc = base_config(sv, tv, tc.max_len, args);
    gc.attn.score = "additive";  // left alone, it learns a shifted alignment (07_score_functions)
    Seq2Seq model(gc);
    Adam opt(model.parameters(), real(3e-3));
    Batcher batcher(reverse.train, sv, tv, 32, args.seed);
    Series s{fmt::format("λ = {}", lambda), {}, {}};
    std::vector<Batch> epoch;
    size_t next = 0;
    for (int64_t step = 1; step <= loss_steps; ++step) {
      if (next == epoch.size()) epoch = batcher.epoch(), next = 0;
      const Batch& b = epoch[next++];
      ForwardOutput f = model.forward(b);
      Var loss = f.loss;
      if (lambda > 0)  // weights: T steps of (B,S) -> (B,T,S)
        loss = loss +
               alignment_loss(stack(f.weights, 1), gold_alignment(b, reverse.train)) * real(lambda);
      opt.zero_grad();
      loss.backward();
      clip_grad_norm(opt.params(), 1);
      opt.step();
      if (step % every == 0) {
        s.x.push_back(static_cast<double>(step));
        s.y.push_back(evaluate(model, probe, sv, tv).aer);
      }
    }
    L.say(fmt::format("  λ = {}: AER after {} updates: {:.3f}", lambda, fmt::join(s.x, ","),
                      fmt::join(s.y, " ")),
          fmt::format("  λ = {}：第 {} 次更新后的 AER：{:.3f}", lambda, fmt::join(s.x, ","),
                      fmt::join(s.y, " ")));
    final_aer.push_back(s.y.back());
    curves.push_back(std::move(s));
  }
  auto mean = [](const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return sum / static_cast<double>(v.size());
  };
  const double mean0 = mean(curves[0].y), mean1 = mean(curves[1].y);
  // Measured (seed 42): full final 0.277 vs 0.827, mean 0.514 vs 0.761;
  // quick final 0.288 vs 0.453, mean 0.504 vs 0.701.
  L.claim(
      final_aer[1] + 0.1 < final_aer[0] && mean1 + 0.1 < mean0,
      fmt::format(
          "the supervised alignment loss finds the gold alignment faster: AER after {} updates "
          "{:.3f} vs {:.3f}, mean over the checkpoints {:.3f} vs {:.3f}",
          loss_steps, final_aer[1], final_aer[0], mean1, mean0),
      fmt::format("对齐监督损失让模型更快找到标准对齐：{} 次更新后的 AER 为 {:.3f}，对比 {:.3f}；"
                  "各检查点平均 {:.3f}，对比 {:.3f}",
                  loss_steps, final_aer[1], final_aer[0], mean1, mean0));
  L.say(
      "Without the alignment loss the additive score settles on a shifted alignment (as in\n"
      "07_score_functions): good for the loss, wrong as an explanation. A little supervision\n"
      "pins the attention to the words a human would link.",
      "没有对齐监督损失时，additive 打分函数会停在一个错位的对齐上（与 07_score_functions "
      "相同）：\n"
      "对损失有用，但作为解释是错的。少量监督就能把注意力固定到人会连线的那些词上。");
  LinePlotOptions lo;
  lo.title = L.tr("reverse: test AER with and without the supervised alignment loss",
                  "倒序任务：有无对齐监督损失时的测试 AER");
  lo.x_label = L.tr("update", "更新次数");
  lo.y_label = "AER";
  lo.font_family = L.font();
  write_file(L.path("alignment_loss_aer.svg"), line_plot_svg(curves, lo));
  fmt::print("  {}\n", L.path("alignment_loss_aer.svg"));
  L.say("Next: 09_key_value_attention — separate vectors for 'where to look' and 'what to read'.",
        "下一步：09_key_value_attention —— 用不同的向量表示“看哪里”和“读什么”。");
  return L.finish();
}
