// 00_tour — the whole lecture in about a minute.
//
// Two translators learn the same toy English→Spanish task with the same
// budget: a bottleneck encoder-decoder, which must squeeze each sentence into
// one vector, and an attention model, which builds a new context vector for
// every output word. We measure accuracy by source length side by side, then
// on sentences longer than any seen in training (Bahdanau et al. 2015 trained
// on sentences up to 30 and up to 50 words: the bottleneck falls apart beyond
// its training lengths, attention much less), look at one attention heatmap,
// and point to the tutorial for each part.
#include <memory>
#include <tuple>

#include "common.hpp"
#include "model_lesson.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/decoding/greedy.hpp"
#include "seq2seq/plot/attention_heatmap.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

// A model's scores on the test set (by source-length bucket) and on sentences
// longer than any in training.
struct Scores {
  EvalResult in, beyond;
};

// Trains one model and evaluates it on both test sets.
Scores train_and_test(const tutorial::Lesson& L, Seq2Seq& model, const Splits& data,
                      const std::vector<Example>& longer, const Vocab& sv, const Vocab& tv,
                      int epochs, int64_t batch, uint64_t seed, const std::vector<int>& edges) {
  TrainConfig tc;
  tc.epochs = epochs;
  tc.patience = epochs;  // a fixed budget: same number of updates for both models
  tc.batch_size = batch;
  tc.lr = real(3e-3);
  tc.seed = seed;
  tc.valid_examples = 200;
  tutorial::print_model(L, model.config());
  TrainResult r = tutorial::train(L, model, data, sv, tv, tc, /*log=*/true);
  L.say(fmt::format("  {} updates in {:.1f} s", r.step_losses.size(), r.seconds),
        fmt::format("  共 {} 次更新，用时 {:.1f} 秒", r.step_losses.size(), r.seconds));
  EvalOptions eo;
  eo.bucket_edges = edges;
  Scores sc{evaluate(model, data.test, sv, tv, eo), {}};
  eo.bucket_edges = {};
  sc.beyond = evaluate(model, longer, sv, tv, eo);
  return sc;
}

// The attention model's translation of the first test sentence that has an
// adjective after a noun in Spanish (so the heatmap shows a swap).
const Example* pick_sentence(const std::vector<Example>& test) {
  for (const Example& e : test)
    if (e.src.size() >= 5 && e.src.size() <= 9)
      for (auto [s, t] : e.align)
        for (auto [s2, t2] : e.align)
          if (s2 == s + 1 && t2 == t - 1) return &e;  // crossing links: a reordering
  return &test.front();
}

using tutorial::Align;
using tutorial::Cmp;
namespace term = tutorial::term;

// The lesson's state, built section by section: the task, the two models and their
// scores. Each public member function is one section of the tour.
class Tour {
 public:
  Tour(const tutorial::Args& args, tutorial::Lesson& L);
  void the_task() const;
  void train_bottleneck();
  void train_attention();
  void accuracy_by_length() const;
  void length_claims();
  void beyond_training_lengths();
  void where_did_it_look() const;
  void where_next() const;

 private:
  static TaskConfig task_config(const tutorial::Args& args) {
    const bool quick = args.quick;
    TaskConfig tc;
    tc.seed = args.seed;
    tc.n_train = quick ? 2000 : 8000;
    tc.n_valid = 200;
    tc.n_test = quick ? 300 : 600;
    tc.min_len = 3;
    tc.max_len = quick ? 10 : 15;
    return tc;
  }
  // Longer than any training sentence: a test set of its own, from another seed.
  static TaskConfig longer_config(const tutorial::Args& args, const TaskConfig& tc) {
    const bool quick = args.quick;
    TaskConfig lc = tc;
    lc.seed = args.seed + 1000;
    lc.n_train = lc.n_valid = 0;
    lc.n_test = quick ? 200 : 300;
    lc.min_len = tc.max_len + 1;
    lc.max_len = tc.max_len + (quick ? 4 : 5);
    return lc;
  }
  ModelConfig model_config() const;

  const tutorial::Args& args;
  tutorial::Lesson& L;
  const bool quick;
  const TaskConfig tc, lc;
  const Splits data;
  Vocab sv, tv;
  const std::vector<int> edges;
  const std::vector<Example> longer;
  // The same budget for both: full 8000 pairs × 8 epochs / 32 = 2000 updates;
  // quick 2000 × 8 / 16 = 1000 updates (small batches: more updates per second).
  const int epochs = 8;
  const int64_t batch;
  std::unique_ptr<Seq2Seq> bottleneck, attention;
  Scores sb, sa;  // their scores on the test set and beyond the training lengths
};

Tour::Tour(const tutorial::Args& args, tutorial::Lesson& L)
    : args(args),
      L(L),
      quick(args.quick),
      tc(task_config(args)),
      lc(longer_config(args, tc)),
      data(make_task("toy_en_es", tc)),
      edges(quick ? std::vector<int>{4, 7, 10} : std::vector<int>{5, 10, 15}),  // last: max_len
      longer(make_task("toy_en_es", lc).test),
      batch(quick ? 16 : 32) {
  std::tie(sv, tv) = build_vocabs(data.train);
}

ModelConfig Tour::model_config() const {
  ModelConfig mc;
  mc.cell = CellKind::gru;
  mc.src_vocab = sv.size();
  mc.tgt_vocab = tv.size();
  mc.embed = 32;
  mc.hidden = 64;
  mc.bidirectional = true;  // both models get the same encoder: only the decoder differs
  mc.seed = args.seed;
  mc.attn.score = "general";
  mc.attn.max_src_len = lc.max_len + 2;  // location scores need the longest test length
  tutorial::apply_knobs(mc, args);       // --cell, --score, --placement
  return mc;
}

void Tour::the_task() const {
  L.heading("The task: toy English → Spanish", "任务：玩具英译西");
  L.say(
      "Sentences come from a small grammar with the things that make translation hard: adjectives\n"
      "move behind the noun, articles and adjectives agree in gender and number, verbs conjugate,\n"
      "negation and relative clauses change word order. Every pair has a gold word alignment.",
      "句子由一个小语法生成，包含翻译中的难点：形容词移到名词之后，冠词和形容词的性数\n"
      "要一致，动词要变位，否定和关系从句会改变语序。每一对句子都有标准的词对齐。");
  const Example& ex = data.train.front();
  L.say(fmt::format("  {} training pairs, e.g.", data.train.size()),
        fmt::format("  共 {} 个训练句对，例如：", data.train.size()));
  L.example(ex.src, ex.tgt);
}

void Tour::train_bottleneck() {
  L.heading("Model 1: the bottleneck encoder-decoder", "模型一：带瓶颈的编码器-解码器");
  L.say("The encoder reads the sentence; its last state is the decoder's only view of it.",
        "编码器读完整个句子；它的最后一个状态是解码器看到源句的唯一途径。");
  ModelConfig mc = model_config();
  mc.attention = false;
  bottleneck = std::make_unique<Seq2Seq>(mc);
  sb = train_and_test(L, *bottleneck, data, longer, sv, tv, epochs, batch, args.seed, edges);
}

void Tour::train_attention() {
  L.heading("Model 2: attention", "模型二：注意力模型");
  L.say(
      "At every step the decoder scores all encoder states, turns the scores into weights that\n"
      "are >= 0 and sum to 1 (softmax), and reads their weighted average: a new context vector.",
      "解码器在每一步给所有编码器状态打分，用 softmax 把分数变成非负且和为 1 的注意力权重，\n"
      "再取加权平均：每一步都有一个新的上下文向量。");
  ModelConfig mc = model_config();
  mc.attention = true;
  attention = std::make_unique<Seq2Seq>(mc);
  sa = train_and_test(L, *attention, data, longer, sv, tv, epochs, batch, args.seed, edges);
}

void Tour::accuracy_by_length() const {
  const EvalResult &eb = sb.in, &ea = sa.in;
  L.heading("Accuracy by source length", "按源句长度统计的准确率");
  L.say(fmt::format("Training sentences have {}..{} words; the last row is a test set of {}..{} "
                    "words, longer than any the models saw.",
                    tc.min_len, tc.max_len, lc.min_len, lc.max_len),
        fmt::format("训练句子有 {}..{} 个词；最后一行是 {}..{} 个词的测试集，比模型见过的任何"
                    "句子都长。",
                    tc.min_len, tc.max_len, lc.min_len, lc.max_len));
  tutorial::Table table({Align::right, Align::right, Align::left, Align::right, Align::right,
                         Align::left, Align::right, Align::right});
  table.group({{"", 3}, {L.tr(term::exact_match), 2}, {"|", 1}, {L.tr(term::token_accuracy), 2}});
  table.row({L.tr(term::source_length), "n", "|", L.tr(term::bottleneck), L.tr(term::attention),
             "|", L.tr(term::bottleneck), L.tr(term::attention)});
  auto pct = [](double v) { return fmt::format("{:.1f}%", 100 * v); };
  for (size_t i = 0; i < ea.buckets.size(); ++i)
    table.row({ea.buckets[i].label, std::to_string(ea.buckets[i].count), "|",
               pct(eb.buckets[i].exact), pct(ea.buckets[i].exact), "|",
               pct(eb.buckets[i].token_acc), pct(ea.buckets[i].token_acc)});
  table.row({fmt::format("{}-{}", tc.min_len, tc.max_len), std::to_string(data.test.size()), "|",
             pct(eb.exact), pct(ea.exact), "|", pct(eb.token_acc), pct(ea.token_acc)});
  const EvalResult &bb = sb.beyond, &ab = sa.beyond;
  table.row({fmt::format("{}-{} *", lc.min_len, lc.max_len), std::to_string(longer.size()), "|",
             pct(bb.exact), pct(ab.exact), "|", pct(bb.token_acc), pct(ab.token_acc)});
  table.print();
  L.say("  * longer than any training sentence", "  * 比任何训练句子都长");
  L.say(
      fmt::format("  BLEU: {:.3f} (bottleneck) vs {:.3f} (attention). BLEU scores a translation "
                  "by the\n  1- to 4-word sequences it shares with the reference: 0 to 1, 1 "
                  "when it is the reference.",
                  eb.bleu, ea.bleu),
      fmt::format("  BLEU：瓶颈模型 {:.3f}，注意力模型 {:.3f}。BLEU 按译文与参考译文共有的 1 到 4 "
                  "个词的\n  片段给译文打分，取值 0 到 1，与参考译文完全相同时为 1。",
                  eb.bleu, ea.bleu));
}

void Tour::length_claims() {
  const EvalResult &eb = sb.in, &ea = sa.in;
  auto pct = [](double v) { return fmt::format("{:.1f}%", 100 * v); };
  // One training run per model: the margins below are wide over seeds, so no mean over
  // several runs is needed. Thresholds: the distributions by claim id are in
  // docs/claims-history.md.
  L.claim("attention_exact_gain", 100 * (ea.exact - eb.exact), Cmp::ge, 40,
          fmt::format("attention beats the bottleneck by {:.1f} points of exact match",
                      100 * (ea.exact - eb.exact)),
          fmt::format("注意力模型的完全匹配率比瓶颈模型高 {:.1f} 个百分点",
                      100 * (ea.exact - eb.exact)));
  const double b_short = eb.buckets.front().token_acc, b_long = eb.buckets.back().token_acc;
  const double a_short = ea.buckets.front().token_acc, a_long = ea.buckets.back().token_acc;
  L.claim("bottleneck_long_vs_short", b_long / b_short, Cmp::le, 0.65,
          fmt::format("the bottleneck's token accuracy on the longest sentences is {:.2f} of the "
                      "shortest's ({} vs {})",
                      b_long / b_short, pct(b_long), pct(b_short)),
          fmt::format("瓶颈模型在最长句子上的词元准确率只有最短句子的 {:.2f}（{} 对 {}）",
                      b_long / b_short, pct(b_long), pct(b_short)));
  L.claim(
      "attention_drop_ratio", (a_short - a_long) / (b_short - b_long), Cmp::le, 0.5,
      fmt::format("attention loses {:.1f} points from the shortest to the longest sentences, "
                  "the bottleneck {:.1f}: {:.2f} times as much",
                  100 * (a_short - a_long), 100 * (b_short - b_long),
                  (a_short - a_long) / (b_short - b_long)),
      fmt::format("从最短到最长的句子，注意力模型的词元准确率下降 {:.1f} 个百分点，瓶颈模型下降 "
                  "{:.1f} 个，前者是后者的 {:.2f} 倍",
                  100 * (a_short - a_long), 100 * (b_short - b_long),
                  (a_short - a_long) / (b_short - b_long)));
}

void Tour::beyond_training_lengths() {
  const EvalResult &eb = sb.in, &ea = sa.in, &bb = sb.beyond, &ab = sa.beyond;
  L.heading("Beyond the training lengths", "超出训练长度");
  const double keep_b = bb.token_acc / eb.token_acc, keep_a = ab.token_acc / ea.token_acc;
  L.say(
      fmt::format("On sentences longer than any in training, the bottleneck keeps {:.0f}% of its "
                  "token accuracy, attention {:.0f}%.\nOne vector of H numbers has never had to "
                  "hold so much; attention still builds a new context vector for\nevery word, "
                  "though its alignments get worse too (alignment error rate, AER: 0 when each "
                  "word's\nmost-attended source word is the gold one; {:.3f} on the training "
                  "lengths, {:.3f} beyond).",
                  100 * keep_b, 100 * keep_a, ea.aer, ab.aer),
      fmt::format("在比任何训练句子都长的句子上，瓶颈模型保住了自身词元准确率的 {:.0f}%，注意力模型"
                  "保住了 {:.0f}%。\nH 个数的单个向量从未需要装下这么多内容；注意力模型仍为每个"
                  "词重新构造上下文向量，\n不过它的对齐也变差了（对齐错误率 AER：每个词注意力"
                  "最大的源词\n都是标准对齐时为 0；训练长度上为 {:.3f}，超出训练长度为 {:.3f}）。",
                  100 * keep_b, 100 * keep_a, ea.aer, ab.aer));
  L.claim("beyond_attention_gain", 100 * (ab.token_acc - bb.token_acc), Cmp::ge, 25,
          fmt::format("beyond the training lengths, attention's token accuracy beats the "
                      "bottleneck's by {:.1f} points",
                      100 * (ab.token_acc - bb.token_acc)),
          fmt::format("超出训练长度后，注意力模型的词元准确率比瓶颈模型高 {:.1f} 个百分点",
                      100 * (ab.token_acc - bb.token_acc)));
  L.claim("beyond_keep_gap", keep_a - keep_b, Cmp::ge, 0.05,
          fmt::format("attention keeps a larger share of its accuracy than the bottleneck does: "
                      "{:.0f}% against {:.0f}%, {:.2f} more",
                      100 * keep_a, 100 * keep_b, keep_a - keep_b),
          fmt::format("注意力模型保住的准确率比例高于瓶颈模型：{:.0f}% 对 {:.0f}%，高出 {:.2f}",
                      100 * keep_a, 100 * keep_b, keep_a - keep_b));
  L.claim("beyond_vs_bottleneck_seen", 100 * (ab.token_acc - eb.token_acc), Cmp::ge, 10,
          fmt::format("attention on lengths it never saw beats even the bottleneck on the lengths "
                      "it trained on, by {:.1f} points of token accuracy",
                      100 * (ab.token_acc - eb.token_acc)),
          fmt::format("注意力模型在从未见过的长度上，甚至比瓶颈模型在训练长度上的词元准确率还高 "
                      "{:.1f} 个百分点",
                      100 * (ab.token_acc - eb.token_acc)));
}

// The heatmap of one translation, and the figures.
void Tour::where_did_it_look() const {
  const EvalResult &eb = sb.in, &ea = sa.in, &bb = sb.beyond, &ab = sa.beyond;
  const Seq2Seq& attention = *this->attention;
  L.heading("Where did it look? One attention heatmap", "它在看哪里？一张注意力热力图");
  const Example* pick = pick_sentence(data.test);
  Batch one = make_batch({pick}, sv, tv);
  Hypothesis h = greedy_decode(attention, one, 40).front();
  std::vector<std::string> out = tv.decode(h.tokens);
  if (h.finished) out.push_back("<eos>");
  L.example(pick->src, tv.decode(h.tokens));
  fmt::print("\n");
  Tensor w = h.weights.slice(0, 0, static_cast<int64_t>(out.size()));
  fmt::print("{}\n", attention_terminal(w, pick->src, out));
  L.say(
      "Each row is one Spanish word; the darkest cell is the English word it read. Where an\n"
      "adjective follows its noun in Spanish, the dark cells step off the diagonal.",
      "每一行是一个西班牙语词；最深的格子是它读的那个英语词。西班牙语里形容词在名词之后，\n"
      "所以那里的深色格子离开了对角线。");

  // Figures.
  HeatmapOptions ho;
  ho.title = L.tr(term::attention_weights);
  ho.x_title = L.tr("source tokens (English)", "源句词元（英语）");
  ho.y_title = L.tr("output tokens (Spanish)", "输出词元（西班牙语）");
  ho.font_family = L.font();
  write_file(L.path("attention_heatmap.svg"), attention_svg(w, pick->src, out, ho));
  Series pb{L.tr(term::bottleneck_model), {}, {}}, pa{L.tr(term::attention_model), {}, {}};
  auto ticks = tutorial::bucket_ticks(ea.buckets);
  for (size_t i = 0; i < ea.buckets.size(); ++i) {
    const double x = tutorial::bucket_mid(ea.buckets[i]);
    pb.x.push_back(x), pb.y.push_back(100 * eb.buckets[i].token_acc);
    pa.x.push_back(x), pa.y.push_back(100 * ea.buckets[i].token_acc);
  }
  const double x_beyond = (lc.min_len + lc.max_len) / 2.0;
  pb.x.push_back(x_beyond), pb.y.push_back(100 * bb.token_acc);
  pa.x.push_back(x_beyond), pa.y.push_back(100 * ab.token_acc);
  ticks.emplace_back(x_beyond, fmt::format("{}-{}*", lc.min_len, lc.max_len));
  LinePlotOptions po;
  po.title = L.tr("token accuracy by source length", "按源句长度统计的词元准确率");
  po.x_label = L.tr("source length (words; * longer than any training sentence)",
                    "源句长度（词数；* 比任何训练句子都长）");
  po.y_label = L.tr("token accuracy (%)", "词元准确率 (%)");
  po.x_ticks = ticks;
  po.font_family = L.font();
  write_file(L.path("accuracy_by_length.svg"), line_plot_svg({pb, pa}, po));
  fmt::print("  {} {}/attention_heatmap.svg, {}/accuracy_by_length.svg\n", L.tr("figures:", "图："),
             args.out_dir, args.out_dir);
}

void Tour::where_next() const {
  L.heading("Where to go next", "接下来");
  L.say(
      "01_autograd             optional: how gradients are computed (not in the lecture)\n"
      "02_rnn_encoder          an RNN reads a sequence into one state h_n\n"
      "03_rnn_language_model   an RNN generates, feeding back its own output\n"
      "04_encoder_decoder      the bottleneck, measured; output length via <eos>; reversing "
      "the source\n"
      "05_vanishing_gradients  forgetting: gradient norms per time step, vanishing and exploding\n"
      "06_attention            context vectors c_t, weights a_t,i that sum to 1, heatmaps\n"
      "07_score_functions      score functions: dot, scaled dot, general, additive, location,\n"
      "                        cosine, location-aware; alignment error rate (AER)\n"
      "08_attention_variations where the context enters; local (guided) attention\n"
      "09_key_value_attention  decoder self-attention; keys that score vs values that are "
      "averaged\n"
      "10_translation          the full pipeline: BLEU, beam search, save/load, your sentences\n"
      "11_pronunciation        attention on real data: English spelling -> pronunciation",
      "01_autograd             选读：梯度如何计算（讲义中没有这一节）\n"
      "02_rnn_encoder          RNN 把一个序列读成一个状态 h_n\n"
      "03_rnn_language_model   RNN 生成文本，把自己的输出当作下一步输入\n"
      "04_encoder_decoder      序列到序列的编码器-解码器：测量瓶颈；用 <eos> 决定输出长度；"
      "把源句倒过来读\n"
      "05_vanishing_gradients  遗忘：每个时间步的梯度范数，梯度消失与梯度爆炸\n"
      "06_attention            上下文向量 c_t、和为 1 的注意力权重 a_t,i、热力图\n"
      "07_score_functions      打分函数：点积、缩放点积、一般式、加性、位置、余弦、位置感知；\n"
      "                        对齐错误率 (AER)\n"
      "08_attention_variations 上下文向量放在哪里；局部注意力（讲义中的“引导注意”）\n"
      "09_key_value_attention  解码器自注意力；打分用的键与求平均用的值\n"
      "10_translation          完整流程：BLEU、束搜索、保存/加载、翻译你输入的句子\n"
      "11_pronunciation        真实数据上的注意力：英语拼写 -> 读音");
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "00_tour",
                                   "bottleneck vs attention on toy English→Spanish, in a minute",
                                   {}, {.cell = "gru", .score = "general", .placement = "output"});
  tutorial::Lesson L(args);
  Tour tour(args, L);
  tour.the_task();
  tour.train_bottleneck();  // model 1: the bottleneck encoder-decoder
  tour.train_attention();   // model 2: attention
  tour.accuracy_by_length();
  tour.length_claims();
  tour.beyond_training_lengths();
  tour.where_did_it_look();
  tour.where_next();
  return L.finish();
}
