// 07_score_functions — every way to score "how well does source position i
// match the decoder's state?", trained side by side on one task. The list is
// score_registry() (attention/score_registry.cpp); today it holds
//
//   dot          e_t,i = d_t·h_i                  (Luong et al. 2015)
//   scaled_dot   e_t,i = d_t·h_i / sqrt(H)        (Vaswani et al. 2017)
//   general      e_t,i = d_t·W h_i                (Luong: "general")
//   additive     e_t,i = v·tanh(W_q d_t + W_k h_i) (Bahdanau et al. 2015: "concat")
//   location     e_t = W_a d_t  (no look at h_i!) (Luong: "location")
//   cosine       e_t,i = cos(d_t, h_i) · scale    (Graves et al. 2014, content addressing)
//   location_aware  additive + a convolution of the previous weights (Chorowski et al. 2015)
//
// Task: reverse a sequence of symbols ("c a f" -> "f a c"). Which source
// token is needed at step t depends on the length, so a score must find the
// right position from the content (what the encoder wrote about each token).
// Every score is trained at several seeds (tutorial::run_seed) with the same
// data, size and number of updates; we report exact match, the alignment error
// rate (AER) against the gold alignment and against gold shifted by one, and the
// time of one training step. Compare Luong et al. (2015), who compare the
// scores by perplexity/BLEU (their Table 4) and by AER on gold alignments (Table 6).
//
// Why "shifted by one": the encoder reads left to right, so h_{i+1} = f(h_i, x_{i+1})
// still carries x_i. Attending to h_{i+1} instead of h_i gives the decoder the same
// token, the loss cannot tell them apart, and which of the two a run settles on
// depends on the score, the number of updates and the seed. We therefore measure both, and AER
// "allowing the shift" (a link to h_{i+1} counts as a link to h_i).
#include <chrono>
#include <tuple>

#include "attention/score_registry.hpp"
#include "common.hpp"
#include "model_lesson.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/metrics/alignment.hpp"
#include "seq2seq/plot/attention_heatmap.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

// Training runs per score function (seeds tutorial::run_seed(--seed, k)).
constexpr int kRuns = 3;

// One training run of one score, measured on the test set.
struct Run {
  double exact = 0;
  double aer_gold = 0;     // links vs gold h_i
  double aer_shifted = 0;  // links vs gold shifted by one: h_{i+1}
  double aer_either = 0;   // a link to h_{i+1} counts as one to h_i
};

struct Row {
  std::string score;
  int64_t params = 0;
  double ms_per_step = 0;
  std::vector<Run> runs;
  std::vector<double> losses;  // every update's training loss (first run)
  Hypothesis sample;           // the first test sentence (first run), for a heatmap
  tutorial::Spread of(double Run::*m) const {
    std::vector<double> v;
    for (const Run& r : runs) v.push_back(r.*m);
    return tutorial::spread(v);
  }
};

// One run's exact match and its three AERs (model_lesson.hpp: gold, shifted, either).
Run align_scores(const EvalResult& ev, const std::vector<Example>& test) {
  const tutorial::AlignmentErrors a = tutorial::alignment_errors(ev, test);
  return {ev.exact, a.gold, a.shifted, a.either};
}

// Wall-clock milliseconds of one training step (forward + backward) on a fixed
// batch, averaged over `reps`. Only the relative cost of the scores matters.
double time_step(Seq2Seq& model, const Batch& b, int reps) {
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; ++r) {
    model.zero_grad();
    model.forward(b).loss.backward();
  }
  auto dt = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0);
  return dt.count() / reps;
}

// The registry's one-line help in Chinese, for the score functions it holds today;
// a score registered later is listed by its formula-free name only.
std::string help_zh(const std::string& name) {
  static const std::pair<const char*, const char*> kHelp[] = {
      {"dot", "e_t,i = q·k_i（Luong 等 2015）"},
      {"scaled_dot", "e_t,i = q·k_i / √Hk（Vaswani 等 2017）"},
      {"general", "e_t,i = qᵀ W k_i（Luong 的 general）"},
      {"additive", "e_t,i = v·tanh(W_q q + W_k k_i)（Bahdanau 等 2015，即 concat）"},
      {"location", "e_t = W_a q，完全不看 k_i（Luong 的 location）"},
      {"cosine", "e_t,i = cos(q, k_i) · 缩放系数（Graves 等 2014）"},
      {"location_aware", "additive 加上对上一步注意力权重的卷积（Chorowski 等 2015）"},
  };
  for (const auto& [n, h] : kHelp)
    if (name == n) return h;
  return "（新注册的打分函数）";
}

using tutorial::Align;
using tutorial::Cmp;
using tutorial::format_spread;
namespace term = tutorial::term;

// The content scores: every registered score except location (which never looks at h_i).
struct ContentScores {
  bool shift_only_helps = true;
  double content_either = 0, content_gain = 0;
  int n_content = 0;
};

// The lesson's state, built section by section: the task and one row of runs per
// registered score function. Each public member function is one section of the lesson.
class ScoreRace {
 public:
  ScoreRace(const tutorial::Args& args, tutorial::Lesson& L);
  void introduce() const;
  void where_to_look() const;
  void contestants() const;
  void train_all();
  void print_table() const;
  void alignment_claims();
  void exact_vs_alignment() const;
  void compare_luong() const;
  void figures() const;

 private:
  static TaskConfig task_config(const tutorial::Args& args) {
    const bool quick = args.quick;
    TaskConfig tc;
    tc.seed = args.seed;
    tc.n_train = 3000;
    tc.n_valid = 100;
    tc.n_test = quick ? 200 : 500;
    tc.min_len = 3;
    tc.max_len = quick ? 8 : 12;
    tc.alphabet = 10;
    return tc;
  }
  void train_runs(const std::string& score, const Batch& timing_batch, Row& row);
  const Row& find(const std::string& name) const {
    for (const Row& r : rows)
      if (r.score == name) return r;
    return rows.front();
  }
  ContentScores content_scores() const;

  const tutorial::Args& args;
  tutorial::Lesson& L;
  const bool quick;
  const TaskConfig tc;
  const Splits data;
  Vocab sv, tv;
  const int64_t steps;
  std::vector<Row> rows;  // one per registered score, in registry order
};

ScoreRace::ScoreRace(const tutorial::Args& args, tutorial::Lesson& L)
    : args(args),
      L(L),
      quick(args.quick),
      tc(task_config(args)),
      data(make_task("reverse", tc)),
      steps(quick ? 250 : 600) {
  std::tie(sv, tv) = build_vocabs(data.train);
}

void ScoreRace::introduce() const {
  L.heading("The task and the rules of the race", "任务与比赛规则");
  L.say(
      "Words first. The lecture's score function (in its Chinese, 分数函数; here 打分函数)\n"
      "compares a query, the vector that asks (here the decoder state d_t), with each key,\n"
      "the vector it is compared with (here the encoder output h_i), giving e_t,i. In this\n"
      "tutorial the keys are also the values that get averaged; 09 separates them.",
      "先说术语。讲义中的“分数函数”，这里统一叫打分函数：它把查询（提出问题的向量，这里是\n"
      "解码器状态 d_t）与每个键（被比较的向量，这里是编码器输出 h_i）相比较，得到 e_t,i。\n"
      "本教程里键同时也是被加权平均的值；09 再把键和值分开。");
  L.say(
      fmt::format(
          "Reverse sequences of {}..{} symbols. Encoder and decoder: {} (--cell), E=32, H=64;\n"
          "the encoder is unidirectional so that keys (h_i) and queries (d_t) have the same size,\n"
          "which dot and scaled_dot need. Context placement: {} (--placement). Adam lr 3e-3,\n"
          "batch 32, {} updates. Every score is trained {} times (seeds {}..{}): same data,\n"
          "same seeds for everyone, only the score function changes.",
          tc.min_len, tc.max_len, args.model.cell, args.model.placement, steps, kRuns,
          tutorial::run_seed(args.seed, 0), tutorial::run_seed(args.seed, kRuns - 1)),
      fmt::format(
          "把由 {}..{} 个符号组成的序列倒过来。编码器和解码器：{}（--cell），E=32，H=64；\n"
          "编码器是单向的，这样键 (h_i) 与查询 (d_t) 维度相同——dot 和 scaled_dot 需要这一点。\n"
          "上下文向量的位置：{}（--placement）。Adam 学习率 3e-3，批大小 32，共 {} 次更新。\n"
          "每个打分函数训练 {} 次（随机种子 {}..{}）：数据相同，所有模型用同一组种子，\n"
          "唯一的区别是打分函数。",
          tc.min_len, tc.max_len, args.model.cell, args.model.placement, steps, kRuns,
          tutorial::run_seed(args.seed, 0), tutorial::run_seed(args.seed, kRuns - 1)));
  const Example& ex0 = data.test[0];
  L.say("  E.g.:", "  例如：");
  L.example(ex0.src, ex0.tgt);
}

void ScoreRace::where_to_look() const {
  L.heading("Where should the attention look?", "注意力应该看哪里？");
  L.say(
      "Gold alignment: output t <-> source n-1-t. But the encoder reads left to right,\n"
      "  h_{i+1} = f(h_i, x_{i+1})\n"
      "so h_{i+1} still carries x_i: attending to it gives the decoder the same token. The\n"
      "loss cannot tell gold from gold shifted by one, and which one a run lands on depends\n"
      "on the score, the number of updates and the seed. So we measure the AER three ways:\n"
      "against gold, against the shifted gold, and allowing the shift (a link to h_{i+1}\n"
      "counts as a link to h_i).",
      "标准对齐：输出 t <-> 源 n-1-t。但编码器从左到右读，\n"
      "  h_{i+1} = f(h_i, x_{i+1})\n"
      "所以 h_{i+1} 里仍然带着 x_i：关注它，解码器拿到的是同一个词元。损失函数分不出标准对齐\n"
      "和右移一位的对齐，一次训练落在哪一种上取决于打分函数、更新次数和随机种子。因此我们用\n"
      "三种方式计算 AER：对照标准对齐、对照右移一位的对齐，以及允许右移（连到 h_{i+1} 也算\n"
      "连到 h_i）。");
}

void ScoreRace::contestants() const {
  L.heading("The contestants: every registered score function", "参赛者：每个注册的打分函数");
  L.say("attention/score_registry.cpp lists them; a new row there joins this race by itself.",
        "attention/score_registry.cpp 列出了它们；在那里加一行，新的打分函数就自动参赛。");
  for (const ScoreEntry& e : score_registry().entries())
    fmt::print("  {} {}\n", tutorial::pad(e.name, 15, tutorial::Align::left),
               L.zh() ? help_zh(e.name) : std::string(e.help));
}

void ScoreRace::train_all() {
  const size_t n_scores = score_registry().size();
  L.heading(fmt::format("Training {} models, {} runs each", n_scores, kRuns),
            fmt::format("训练 {} 个模型，每个 {} 次", n_scores, kRuns));
  std::vector<const Example*> first_batch;
  for (size_t i = 0; i < 32; ++i) first_batch.push_back(&data.train[i]);
  const Batch timing_batch = make_batch(first_batch, sv, tv);
  for (const std::string& score : score_names()) {  // every registered score
    Row row;
    row.score = score;
    train_runs(score, timing_batch, row);
    std::vector<std::string> per_run;
    for (const Run& r : row.runs) per_run.push_back(fmt::format("{:.2f}", r.aer_gold));
    fmt::print("  {} {} {}  AER {} {}\n", tutorial::pad(score, 15, tutorial::Align::left),
               L.tr(tutorial::term::exact_match),
               tutorial::format_spread(row.of(&Run::exact), 100, 1),
               L.tr("vs gold, per run:", "（对照标准对齐）各次："), fmt::join(per_run, " "));
    rows.push_back(std::move(row));
  }
}

// kRuns training runs of one score, with the same seeds as every other score.
void ScoreRace::train_runs(const std::string& score, const Batch& timing_batch, Row& row) {
  for (int k = 0; k < kRuns; ++k) {
    const uint64_t seed = tutorial::run_seed(args.seed, k);
    ModelConfig mc;
    mc.cell = CellKind::gru;
    mc.src_vocab = sv.size();
    mc.tgt_vocab = tv.size();
    mc.embed = 32;
    mc.hidden = 64;
    mc.attn.score = score;
    mc.attn.placement = Placement::output;
    mc.attn.max_src_len = tc.max_len;  // the location score has one output per source position
    mc.seed = seed;
    tutorial::apply_knobs(mc, args);  // --cell, --placement
    if (score == score_names().front() && k == 0) tutorial::print_model(L, mc);
    Seq2Seq model(mc);
    TrainResult tr = tutorial::train(L, model, data, sv, tv, tutorial::update_budget(steps, seed));
    EvalResult ev = evaluate(model, data.test, sv, tv);
    row.runs.push_back(align_scores(ev, data.test));
    if (k == 0) {
      row.params = model.num_parameters();
      row.ms_per_step = time_step(model, timing_batch, quick ? 5 : 20);
      row.losses = tr.step_losses;
      row.sample = ev.outputs[0];
      tutorial::explore(L.lang(), score, model, sv, tv, {data.test[0]}, 1, 1, true);
    }
  }
}

void ScoreRace::print_table() const {
  L.heading("The table", "结果表");
  L.say(fmt::format("Mean over {} runs (range in brackets).", kRuns),
        fmt::format("{} 次训练的平均值（括号内为范围）。", kRuns));
  tutorial::Table table({Align::left, Align::right, Align::right, Align::right, Align::right,
                         Align::right, Align::right});
  table.group({{"", 3}, {"AER", 3}, {"", 1}});
  table.row({L.tr(term::score_function), L.tr(term::parameters),
             L.tr("exact match %", "完全匹配率 %"), L.tr("gold h_i", "标准 h_i"),
             L.tr("shifted h_{i+1}", "右移 h_{i+1}"), L.tr("allowing shift", "允许右移"),
             L.tr("ms/step", "毫秒/步")});
  for (const Row& r : rows)
    table.row({r.score, std::to_string(r.params),
               tutorial::format_spread(r.of(&Run::exact), 100, 1),
               fmt::format("{:.2f}", r.of(&Run::aer_gold).mean),
               fmt::format("{:.2f}", r.of(&Run::aer_shifted).mean),
               tutorial::format_spread(r.of(&Run::aer_either), 1, 2),
               fmt::format("{:.2f}", r.ms_per_step)});
  table.print();
  L.say(
      "AER = 1 - 2|A∩G|/(|A|+|G|): A links each output token to its most attended source token,\n"
      "G is the gold alignment. 0 is perfect. ms/step: forward + backward on one batch of 32\n"
      "(wall clock, first run only, so noisy on a busy machine).",
      "AER = 1 - 2|A∩G|/(|A|+|G|)：A 把每个输出词元连到它注意力权重最大的源词元，G 是标准\n"
      "对齐。0 表示完全正确。毫秒/步：一个 32 句批次的前向 + 反向传播耗时（墙钟时间，只测第\n"
      "一次训练，机器繁忙时会有波动）。");
}

ContentScores ScoreRace::content_scores() const {
  ContentScores c;
  bool& shift_only_helps = c.shift_only_helps;
  double &content_either = c.content_either, &content_gain = c.content_gain;
  int& n_content = c.n_content;
  for (const Row& r : rows) {
    for (const Run& run : r.runs) shift_only_helps &= run.aer_either <= run.aer_gold + 1e-12;
    if (r.score == "location") continue;
    content_either += r.of(&Run::aer_either).mean;
    content_gain += r.of(&Run::aer_gold).mean - r.of(&Run::aer_either).mean;
    ++n_content;
  }
  content_either /= n_content;
  content_gain /= n_content;
  return c;
}

void ScoreRace::alignment_claims() {
  const auto [shift_only_helps, content_either, content_gain, n_content] = content_scores();
  const Row &loc = find("location"), &add = find("additive"), &la = find("location_aware"),
            &dot = find("dot"), &gen = find("general");
  L.invariant("shift_only_helps", shift_only_helps,
              "allowing the shift only moves links onto gold: AER allowing the shift <= AER "
              "against gold, in every run",
              "允许右移只会把连线移到标准对齐上：每次训练中，允许右移的 AER <= 对照标准对齐的 AER");
  // Thresholds from tests/claims/sweep.sh, with margin: the distributions by claim id are
  // in docs/claims-history.md.
  L.claim("content_shift_gain", content_gain, Cmp::ge, 0.1,
          fmt::format("the shift is real: allowing it lowers the content scores' AER by {:.2f} on "
                      "average (mean over the {} content scores and {} runs each)",
                      content_gain, n_content, kRuns),
          fmt::format("右移确实存在：允许右移后，基于内容的打分函数的 AER 平均降低 {:.2f}"
                      "（{} 个基于内容的打分函数、每个 {} 次训练的平均）",
                      content_gain, n_content, kRuns));
  L.claim("additive_gold_aer", add.of(&Run::aer_gold).mean, Cmp::ge, 0.3,
          fmt::format("additive mostly looks one position to the right of gold: AER against gold "
                      "{}",
                      format_spread(add.of(&Run::aer_gold), 1, 2)),
          fmt::format("additive 大多看向标准位置右边的那个词元：对照标准对齐的 AER 为 {}",
                      format_spread(add.of(&Run::aer_gold), 1, 2)));
  L.claim("additive_either_aer", add.of(&Run::aer_either).mean, Cmp::le, 0.2,
          fmt::format("... yet it aligns almost perfectly once the shift is allowed: AER {}",
                      format_spread(add.of(&Run::aer_either), 1, 2)),
          fmt::format("……但允许右移后它几乎完全对齐：AER 为 {}",
                      format_spread(add.of(&Run::aer_either), 1, 2)));
  L.claim(
      "content_either_aer", content_either, Cmp::le, 0.25,
      fmt::format("the content scores find the alignment (allowing the shift): mean AER "
                  "{:.3f}",
                  content_either),
      fmt::format("基于内容的打分函数找到了对齐（允许右移）：平均 AER 为 {:.3f}", content_either));
  L.claim("location_either_aer", loc.of(&Run::aer_either).mean, Cmp::ge, 0.2,
          fmt::format("the location score, which never looks at h_i, does not, even allowing the "
                      "shift: AER {}",
                      format_spread(loc.of(&Run::aer_either), 1, 2)),
          fmt::format("从不看 h_i 的 location 打分函数找不到对齐，即使允许右移：AER 为 {}",
                      format_spread(loc.of(&Run::aer_either), 1, 2)));
  L.claim("location_aware_gold_aer", la.of(&Run::aer_gold).mean, Cmp::le, 0.05,
          fmt::format("location_aware lands on gold itself, not the shift: AER against gold {}",
                      format_spread(la.of(&Run::aer_gold), 1, 3)),
          fmt::format("location_aware 落在标准对齐本身，而不是右移的位置：对照标准对齐的 AER 为 {}",
                      format_spread(la.of(&Run::aer_gold), 1, 3)));
  const double dot_gen = std::abs(dot.of(&Run::aer_either).mean - gen.of(&Run::aer_either).mean);
  L.claim("dot_vs_general", dot_gen, Cmp::le, 0.1,
          fmt::format("dot (no parameters) aligns as well as general here: AER allowing the "
                      "shift {:.3f} vs {:.3f}, {:.3f} apart",
                      dot.of(&Run::aer_either).mean, gen.of(&Run::aer_either).mean, dot_gen),
          fmt::format("没有参数的 dot 在这里与 general 对齐得一样好：允许右移的 AER 为 {:.3f}，"
                      "general 为 {:.3f}，只差 {:.3f}",
                      dot.of(&Run::aer_either).mean, gen.of(&Run::aer_either).mean, dot_gen));
}

void ScoreRace::exact_vs_alignment() const {
  const Row& loc = find("location");
  const double loc_exact = 100 * loc.of(&Run::exact).mean;
  L.say(fmt::format(
            "Exact match and alignment are different questions. location reaches {:.0f}% exact\n"
            "match without aligning: on short sequences the decoder state alone can count\n"
            "positions. And a score may look at h_{{i+1}} instead of h_i and lose nothing:\n"
            "attention is whatever helps the loss; it is an alignment only when nothing else is\n"
            "easier. Which of gold or shifted a run lands on can change with --seed (see the\n"
            "per-run AERs above) and with the number of updates (try full mode).",
            loc_exact),
        fmt::format(
            "完全匹配率和对齐是两个不同的问题。location 不做对齐也达到了 {:.0f}% 的完全匹配率：\n"
            "在短序列上，仅凭解码器状态就能数出位置。而且打分函数看 h_{{i+1}} 而不是 h_i 也毫无\n"
            "损失：注意力机制学的是对损失有用的东西；只有在没有更容易的办法时，它才是对齐。一次\n"
            "训练落在标准对齐还是右移的对齐上，可能随 --seed（见上面各次训练的 AER）和更新次数\n"
            "（试试完整模式）改变。",
            loc_exact));
}

void ScoreRace::compare_luong() const {
  const Row &loc = find("location"), &add = find("additive"), &dot = find("dot"),
            &gen = find("general");
  L.heading("Compared with Luong et al. (2015)", "与 Luong 等人（2015）的比较");
  L.say(
      "Luong, Pham and Manning (2015), \"Effective Approaches to Attention-based Neural Machine\n"
      "Translation\", compared dot, general and location (and concat, i.e. additive) on WMT'14\n"
      "English->German with 4-layer LSTMs. With global attention (their Table 4), dot and\n"
      "general reached perplexity 6.1 and location 6.4; they found dot best for global and\n"
      "general best for local attention, and did not report concat, which did not perform well\n"
      "in their implementation. Their AER against human alignments (Table 6; one link per\n"
      "target word to its most attended source word, as here) was 0.39 for global location and\n"
      "0.34 for local-m general.",
      "Luong 等人（2015）的论文用 4 层 LSTM 在 2014 年英德翻译评测数据上比较了 dot、general 和\n"
      "location（以及 concat，即 additive）。在全局注意力下（论文表 4），dot 与 general 的困惑度\n"
      "为 6.1，location 为 6.4；他们发现全局注意力用 dot 最好，局部注意力用 general 最好；\n"
      "concat 在他们的实现里效果不好，没有报告。他们对照人工标注对齐的 AER（表 6；与这里一样，\n"
      "每个目标词连到注意力权重最大的源词）是：全局 location 0.39，局部 local-m general 0.34。");
  L.say(
      fmt::format(
          "Here, mean over runs: dot {:.2f} vs general {:.2f} AER allowing the shift. They\n"
          "compared dot and general by perplexity (6.1 each), not by AER, and their AER table\n"
          "has no global dot or general rows: our close AERs agree in spirit with their equal\n"
          "perplexities, nothing more. location's AER against gold is {:.2f}, far above their\n"
          "0.39: in translation the alignment is roughly diagonal, so a position guessed from\n"
          "the decoder state is often right; reversal puts the gold position where only the\n"
          "content can find it. And additive, their weak concat, reaches {:.0f}% exact match\n"
          "here (dot {:.0f}%), on the shifted alignment.",
          dot.of(&Run::aer_either).mean, gen.of(&Run::aer_either).mean, loc.of(&Run::aer_gold).mean,
          100 * add.of(&Run::exact).mean, 100 * dot.of(&Run::exact).mean),
      fmt::format(
          "这里（各次训练的平均）：允许右移的 AER，dot 为 {:.2f}，general 为 {:.2f}。他们比较 dot\n"
          "和 general 用的是困惑度（两者都是 6.1），不是 AER，他们的 AER 表里也没有全局 dot 或\n"
          "general 这两行：这里两者的 AER 接近，只是与他们困惑度相同的结果方向一致，仅此而已。\n"
          "location 对照标准对齐的 AER 为 {:.2f}，远高于他们的 0.39：翻译中的对齐大致沿对角线，\n"
          "仅凭解码器状态猜的位置常常是对的；而倒序任务的标准位置只能靠内容找到。他们效果不好的\n"
          "concat（即 additive）在这里达到 {:.0f}% 的完全匹配率（dot 为 {:.0f}%），只是落在右移的\n"
          "对齐上。",
          dot.of(&Run::aer_either).mean, gen.of(&Run::aer_either).mean, loc.of(&Run::aer_gold).mean,
          100 * add.of(&Run::exact).mean, 100 * dot.of(&Run::exact).mean));
}

void ScoreRace::figures() const {
  const Example& ex0 = data.test[0];
  L.heading("Figures", "图");
  std::vector<Series> curves;
  for (const Row& r : rows) curves.push_back({r.score, {}, tutorial::moving_average(r.losses, 20)});
  LinePlotOptions lo;
  lo.title = L.tr("training loss by score function (first run, moving average of 20 steps)",
                  "各打分函数的训练损失（第一次训练，20 步滑动平均）");
  lo.x_label = L.tr("update", "更新次数");
  lo.y_label = L.tr("cross-entropy", "交叉熵");
  lo.log_y = true;
  lo.log_note = L.tr(" (log)", "（对数坐标）");
  lo.font_family = L.font();
  write_file(L.path("loss_by_score.svg"), line_plot_svg(curves, lo));
  fmt::print("  {}\n", L.path("loss_by_score.svg"));
  for (const std::string name : {"general", "additive", "location"}) {
    const Row& r = find(name);
    std::vector<std::string> out = tv.decode(r.sample.tokens);
    if (r.sample.finished) out.push_back("<eos>");
    Tensor w = r.sample.weights.slice(0, 0, static_cast<int64_t>(out.size()));
    fmt::print("\n  {}:\n", name);
    L.example(ex0.src, out);
    fmt::print("{}", attention_terminal(w, ex0.src, out));
    HeatmapOptions ho;
    ho.title = name;
    ho.x_title = L.tr("source tokens", "源序列词元");
    ho.y_title = L.tr("output tokens", "输出词元");
    ho.font_family = L.font();
    write_file(L.path("heatmap_" + name + ".svg"), attention_svg(w, ex0.src, out, ho));
    fmt::print("  {}\n", L.path("heatmap_" + name + ".svg"));
  }
  L.say(
      "The heatmaps are from each score's first run; at another --seed a content score may land\n"
      "on the shifted diagonal instead (one column to the right of the anti-diagonal).",
      "热力图来自每个打分函数的第一次训练；换一个 --seed，基于内容的打分函数可能落在右移的\n"
      "对角线上（反对角线右边一列）。");
  L.say("Next: 08_attention_variations — where the context enters, local windows, self-attention.",
        "下一步：08_attention_variations —— 上下文放在哪里、局部窗口、自注意力。");
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "07_score_functions",
                                   "every attention score function on the same task and budget", {},
                                   {.cell = "gru", .score = "", .placement = "output"});
  tutorial::Lesson L(args);
  ScoreRace race(args, L);
  race.introduce();  // the task and the rules of the race
  race.where_to_look();
  race.contestants();  // every registered score function
  race.train_all();
  race.print_table();  // the table
  race.alignment_claims();
  race.exact_vs_alignment();
  race.compare_luong();  // compared with Luong et al. (2015)
  race.figures();
  return L.finish();
}
