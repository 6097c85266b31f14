// 10_translation — the whole pipeline on a toy English -> Spanish task.
//
//   data      generated sentence pairs with gold word alignments (toy_en_es)
//   train     bidirectional GRU encoder, attention decoder, a fixed number of updates
//   evaluate  BLEU and exact match on unseen test sentences, by source length
//   decode    greedy vs beam search (beam 1 must equal greedy; beam 4 with
//             length normalisation log p / length^0.6)
//   persist   save -> load -> the very same translations
//   use       translate sentences you type, with the attention heatmap
//
// Reading sentences: pipe them in (echo "the dog eats the cake" | 10_translation)
// or pass --interactive and type them (end with Ctrl-D). --quick never waits for
// input: it translates a few built-in sentences.
// Budgets are updates (quick 600, full 1500), so results do not depend on the load.
// Wall time at load 11-15 on the shared 2-core machine: --quick 7-19 s fast engine,
// 15-23 s reference; full 28-49 s fast engine.
#include <poll.h>
#include <unistd.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <tuple>

#include "common.hpp"
#include "model_lesson.hpp"
#include "seq2seq/data/read_limits.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/data/tokenizer.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/decoding/greedy.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/plot/attention_heatmap.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

// Decodes every example with `decode(batch)` in batches of 64, in order.
template <class Decode>
std::vector<Hypothesis> decode_all(const std::vector<Example>& examples, const Vocab& sv,
                                   const Vocab& tv, Decode decode) {
  std::vector<Hypothesis> out;
  for (size_t start = 0; start < examples.size(); start += 64) {
    std::vector<const Example*> chunk;
    for (size_t i = start; i < std::min(examples.size(), start + 64); ++i)
      chunk.push_back(&examples[i]);
    for (Hypothesis& h : decode(make_batch(chunk, sv, tv))) out.push_back(std::move(h));
  }
  return out;
}

// Number of positions where two lists of hypotheses differ in tokens or log-probability.
int64_t count_differences(const std::vector<Hypothesis>& a, const std::vector<Hypothesis>& b) {
  int64_t n = 0;
  for (size_t i = 0; i < a.size(); ++i)
    n += a[i].tokens != b[i].tokens || a[i].log_prob != b[i].log_prob;
  return n + static_cast<int64_t>(a.size() > b.size() ? a.size() - b.size() : b.size() - a.size());
}

// True when the user wants us to read sentences: --interactive, or text piped in
// (stdin is not a terminal and has something to read, or is at end of file).
bool stdin_has_sentences(bool interactive) {
  if (interactive) return true;
  if (isatty(STDIN_FILENO)) return false;
  pollfd p{STDIN_FILENO, POLLIN, 0};
  return poll(&p, 1, 200) > 0 && (p.revents & (POLLIN | POLLHUP));
}

using tutorial::Align;
namespace term = tutorial::term;

// The lesson's state, built section by section: the data, the trained model, its
// test results and the model loaded back from disk. Each public member function is
// one section of the lesson.
class Translation {
 public:
  Translation(const tutorial::Args& args, tutorial::Lesson& L);
  void describe_data() const;
  void train();
  void evaluate_test();
  void greedy_vs_beam();
  void save_and_load();
  void translate() const;
  void plot_loss() const;

 private:
  static TaskConfig task_config(const tutorial::Args& args) {
    const bool quick = args.quick;
    TaskConfig tc;
    tc.seed = args.seed;
    tc.n_train = quick ? 3000 : 6000;
    tc.n_valid = 200;
    tc.n_test = quick ? 150 : 400;
    tc.min_len = 3;
    tc.max_len = quick ? 8 : 12;
    return tc;
  }
  std::vector<std::string> sentences_to_translate() const;

  const tutorial::Args& args;
  tutorial::Lesson& L;
  const bool quick;
  const bool interactive;
  const TaskConfig tc;
  const Splits data;
  Vocab sv, tv;
  const int64_t max_len;  // decoding bound of greedy and beam 1
  std::unique_ptr<Seq2Seq> model_;
  TrainResult tr;
  EvalResult greedy, beam;  // the test set, greedy and beam 4
  std::vector<Hypothesis> greedy_hyps;
  LoadedModel loaded;
};

Translation::Translation(const tutorial::Args& args, tutorial::Lesson& L)
    : args(args),
      L(L),
      quick(args.quick),
      interactive(!args.rest.empty()),
      tc(task_config(args)),
      data(make_task("toy_en_es", tc)),
      max_len(2 * tc.max_len + 10) {
  std::tie(sv, tv) = build_vocabs(data.train);
}

void Translation::describe_data() const {
  L.heading("The data", "数据");
  L.say(fmt::format(
            "{} training pairs of {}..{} English words, generated from a small grammar with\n"
            "reordering (the red car -> el coche rojo), agreement and conjugation. Vocabulary:\n"
            "{} English and {} Spanish tokens (including <pad> <sos> <eos> <unk>).",
            tc.n_train, tc.min_len, tc.max_len, sv.size(), tv.size()),
        fmt::format(
            "{} 个训练句对，英语句长 {}..{} 词，由一个小语法生成，包含语序调整\n"
            "（「the red car」 → 「el coche rojo」）、性数一致和动词变位。词表：英语 {} 个、\n"
            "西班牙语 {} 个词（包括 <pad> <sos> <eos> <unk>）。",
            tc.n_train, tc.min_len, tc.max_len, sv.size(), tv.size()));
  for (size_t i = 0; i < 3; ++i) L.example(data.train[i].src, data.train[i].tgt);
}

void Translation::train() {
  L.heading("Training", "训练");
  ModelConfig mc;
  mc.cell = CellKind::gru;
  mc.src_vocab = sv.size();
  mc.tgt_vocab = tv.size();
  mc.embed = 32;
  mc.hidden = 64;
  mc.bidirectional = true;  // h_i = [forward; backward]: each position sees the whole sentence
  mc.attn.score = "general";
  mc.attn.placement = Placement::output;
  mc.seed = args.seed;
  tutorial::apply_knobs(mc, args);  // --cell, --score, --placement
  model_ = std::make_unique<Seq2Seq>(mc);
  Seq2Seq& model = *model_;
  TrainConfig cfg;
  cfg.epochs = 1000;  // the step budget decides
  // Quick: 600 updates, past the steep part of the learning curve (greedy BLEU by budget:
  // docs/claims-history.md).
  cfg.max_steps = quick ? 600 : 1500;
  cfg.patience = 1000;
  cfg.lr = real(3e-3);
  cfg.seed = args.seed;
  cfg.valid_examples = 200;
  tutorial::print_model(L, mc);
  L.say(fmt::format("{} parameters; Adam lr 3e-3, batch 32, {} updates.", model.num_parameters(),
                    cfg.max_steps),
        fmt::format("{} 个参数；Adam 学习率 3e-3，批大小 32，{} 次更新。", model.num_parameters(),
                    cfg.max_steps));
  tr = tutorial::train(L, model, data, sv, tv, cfg, /*log=*/true);
  L.say(fmt::format("  (the best epoch by validation loss, {}, is kept)", tr.best_epoch),
        fmt::format("  （保留验证损失最低的第 {} 轮）", tr.best_epoch));
}

void Translation::evaluate_test() {
  Seq2Seq& model = *model_;
  L.heading("Evaluation on unseen sentences", "在未见过的句子上评估");
  EvalOptions greedy_opts;
  greedy_opts.bucket_edges = {4, 6, 8, 10, 12};
  greedy = evaluate(model, data.test, sv, tv, greedy_opts);
  EvalOptions beam_opts = greedy_opts;
  beam_opts.beam_size = 4;
  beam_opts.length_alpha = 0.6;
  beam = evaluate(model, data.test, sv, tv, beam_opts);
  tutorial::explore(L.lang(), L.tr("beam search, k = 4", "束搜索，k = 4"), model, sv, tv, data.test,
                    6, 4);
  auto pct = [](double v) { return fmt::format("{:.1f}%", 100 * v); };
  auto num = [](double v) { return fmt::format("{:.3f}", v); };
  tutorial::Table overall({Align::left, Align::right, Align::right, Align::right, Align::right});
  overall.row({"", "BLEU", L.tr(term::exact_match), L.tr(term::token_accuracy), "AER"});
  overall.row({L.tr(term::greedy), num(greedy.bleu), pct(greedy.exact), pct(greedy.token_acc),
               num(greedy.aer)});
  overall.row({L.tr("beam search, k = 4", "束搜索，k = 4"), num(beam.bleu), pct(beam.exact),
               pct(beam.token_acc), ""});
  overall.print();
  L.say("  Greedy decoding, by source length:", "  贪心解码，按源句长度：");
  tutorial::Table by_length({Align::right, Align::right, Align::right, Align::right, Align::right});
  by_length.row({L.tr(term::source_length), "n", L.tr(term::exact_match),
                 L.tr(term::token_accuracy), "BLEU"});
  for (const BucketScores& b : greedy.buckets)
    by_length.row({b.label, std::to_string(b.count), pct(b.exact), pct(b.token_acc), num(b.bleu)});
  by_length.print();
  // Greedy BLEU; the distributions by claim id are in docs/claims-history.md.
  const double bleu_min = quick ? 0.65 : 0.9;
  L.claim("test_bleu", greedy.bleu, tutorial::Cmp::ge, bleu_min,
          fmt::format("test BLEU (greedy decoding) is {:.3f}", greedy.bleu),
          fmt::format("测试集 BLEU（贪心解码）为 {:.3f}", greedy.bleu));
}

void Translation::greedy_vs_beam() {
  Seq2Seq& model = *model_;
  L.heading("Greedy vs beam search", "贪心解码与束搜索");
  L.say(
      "Greedy takes the most likely word at every step. Beam search keeps the k best partial\n"
      "translations; with k = 1 it must make exactly greedy's choices.",
      "贪心解码每一步取最可能的词。束搜索保留 k 个最好的部分译文；k = 1 时\n"
      "它必须与贪心解码的选择完全一致。");
  greedy_hyps = decode_all(data.test, sv, tv,
                           [&](const Batch& b) { return greedy_decode(model, b, max_len); });
  auto beam1_hyps = decode_all(data.test, sv, tv, [&](const Batch& b) {
    return beam_search(model, b, {1, max_len, 0.6});
  });
  int64_t token_diffs = 0;
  for (size_t i = 0; i < greedy_hyps.size(); ++i)
    token_diffs += greedy_hyps[i].tokens != beam1_hyps[i].tokens;
  L.invariant("beam1_is_greedy", token_diffs == 0 && beam1_hyps.size() == data.test.size(),
              fmt::format("beam 1 produces exactly greedy's translation for all {} test sentences "
                          "({} differ)",
                          data.test.size(), token_diffs),
              fmt::format("束宽为 1 时，全部 {} 个测试句子的译文与贪心解码完全相同（{} 个不同）",
                          data.test.size(), token_diffs));
  // Beam search ranks finished hypotheses by log p / length^alpha (length counts <eos>);
  // score greedy's output the same way to see whether the search found something better.
  int64_t changed = 0, beam_not_worse = 0;
  for (size_t i = 0; i < greedy.outputs.size(); ++i) {
    const Hypothesis &g = greedy.outputs[i], &bm = beam.outputs[i];
    changed += g.tokens != bm.tokens;
    const double len = static_cast<double>(g.tokens.size() + (g.finished ? 1 : 0));
    beam_not_worse += bm.score >= g.log_prob / std::pow(std::max(len, 1.0), 0.6) - 1e-9;
  }
  const double not_worse = 100.0 * static_cast<double>(beam_not_worse) / greedy.outputs.size();
  L.say(fmt::format("  beam 4 changes {} of {} translations; BLEU {:.3f} -> {:.3f}", changed,
                    greedy.outputs.size(), greedy.bleu, beam.bleu),
        fmt::format("  束宽 4 改变了 {} 个译文中的 {} 个；BLEU {:.3f} -> {:.3f}",
                    greedy.outputs.size(), changed, greedy.bleu, beam.bleu));
  // Not guaranteed: the beam ranks partial translations by their unnormalised sum, so
  // greedy's prefix can fall out of it. Share of sentences, %.
  const double not_worse_min = quick ? 70 : 88;  // %
  L.claim("beam_not_worse", not_worse, tutorial::Cmp::ge, not_worse_min,
          fmt::format("for {:.1f}% of the sentences beam 4 finds a translation the model scores "
                      "at least as high as greedy's (length-normalised log-probability)",
                      not_worse),
          fmt::format("对 {:.1f}% 的句子，束宽 4 找到的译文按模型的打分（长度归一化的对数概率）"
                      "不低于贪心解码的译文",
                      not_worse));
  L.say(
      beam.bleu >= greedy.bleu
          ? "Here the better-scored translations are also better translations (BLEU went up)."
          : "Yet BLEU did not go up: a translation the model prefers is not always the reference.\n"
            "Beam search fixes search errors (greedy missed the model's best output), not model\n"
            "errors; a well-trained model makes few search errors, so beam changes little.",
      beam.bleu >= greedy.bleu
          ? "这里模型打分更高的译文也确实更好（BLEU 上升）。"
          : "但 BLEU 没有上升：模型更偏好的译文不一定就是参考译文。束搜索修正的是搜索错误\n"
            "（贪心解码错过了模型的最佳输出），而不是模型错误；训练充分的模型搜索错误很少，\n"
            "所以束搜索改变不大。");
}

void Translation::save_and_load() {
  L.heading("Save and load", "保存与加载");
  const std::string dir = L.path("model");
  save_model(dir, *model_, sv, tv);
  loaded = load_model(dir);
  auto loaded_hyps = decode_all(data.test, loaded.src_vocab, loaded.tgt_vocab, [&](const Batch& b) {
    return greedy_decode(*loaded.model, b, max_len);
  });
  const int64_t diffs = count_differences(greedy_hyps, loaded_hyps);
  L.say(fmt::format("  saved to {} (model.safetensors, src.vocab, tgt.vocab), loaded: {}", dir,
                    tutorial::describe(L, loaded.model->config())),
        fmt::format("  已保存到 {}（model.safetensors、src.vocab、tgt.vocab），加载得到：{}", dir,
                    tutorial::describe(L, loaded.model->config())));
  L.invariant("loaded_identical", diffs == 0,
              fmt::format("the loaded model gives identical outputs (tokens and log-probabilities) "
                          "on all {} test sentences ({} differ)",
                          data.test.size(), diffs),
              fmt::format("加载后的模型在全部 {} 个测试句子上给出完全相同的输出（词和对数概率）"
                          "（{} 个不同）",
                          data.test.size(), diffs));
}

// The built-in sentences, or the lines typed on standard input (full mode).
std::vector<std::string> Translation::sentences_to_translate() const {
  std::vector<std::string> sentences = {"the big dog sees the black cat", "we drank the coffee",
                                        "the girls are not happy",
                                        "the old man walked near the park"};
  if (!quick && stdin_has_sentences(interactive)) {
    L.say("Reading English sentences from standard input (one per line, Ctrl-D to end).",
          "从标准输入读取英语句子（每行一句，Ctrl+D 结束）。");
    // Typed input is bounded: at most 1000 lines of at most 50 words (2 KB) each.
    constexpr size_t kMaxLines = 1000, kMaxWords = 50, kMaxBytes = 2048;
    std::vector<std::string> typed;
    bool too_long = false;
    for (std::string line;
         typed.size() < kMaxLines && getline_bounded(std::cin, line, kMaxBytes, &too_long);) {
      const size_t words = tokenize(line).size();
      if (too_long || words > kMaxWords)
        L.say(fmt::format("  (skipped: a line has at most {} words and {} bytes)", kMaxWords,
                          kMaxBytes),
              fmt::format("  （已跳过：每行最多 {} 个词、{} 字节）", kMaxWords, kMaxBytes));
      else if (words > 0)
        typed.push_back(line);
    }
    if (!typed.empty())
      sentences = typed;  // nothing typed: keep the built-in sentences
    else
      L.say("(nothing read: translating built-in sentences)", "（没有读到句子：翻译内置句子）");
  } else if (quick && interactive) {
    L.say("--quick does not read standard input; translating built-in sentences.",
          "--quick 模式不读取标准输入；翻译内置句子。");
  }
  return sentences;
}

void Translation::translate() const {
  L.heading("Translate", "翻译");
  const std::vector<std::string> sentences = sentences_to_translate();
  bool heatmap_done = false;
  for (const std::string& line : sentences) {
    Example e;
    e.src = tokenize(line);
    std::vector<std::string> unknown;
    for (const auto& w : e.src)
      if (!loaded.src_vocab.contains(w)) unknown.push_back(w);
    Batch b = make_batch({&e}, loaded.src_vocab, loaded.tgt_vocab);
    Hypothesis h = beam_search(*loaded.model, b, {4, 3 * b.S + 5, 0.6}).front();
    std::vector<std::string> words = loaded.tgt_vocab.decode(h.tokens);
    if (L.zh())
      fmt::print("  「{}」\n  → 「{}」\n", line, detokenize(words));
    else
      fmt::print("  {}\n  -> {}\n", line, detokenize(words));
    if (!unknown.empty())
      L.say(
          fmt::format("     (unknown words: {})", fmt::join(unknown, " ")),
          fmt::format("     （未知词：{}）", L.quote(fmt::format("{}", fmt::join(unknown, " ")))));
    if (!heatmap_done && !h.weights.empty()) {
      if (h.finished) words.push_back("<eos>");
      Tensor w = h.weights.slice(0, 0, static_cast<int64_t>(words.size()));
      fmt::print("{}", attention_terminal(w, e.src, words));
      HeatmapOptions ho;
      ho.title = line;
      ho.x_title = L.tr("source tokens (English)", "源句词元（英语）");
      ho.y_title = L.tr("output tokens (Spanish)", "输出词元（西班牙语）");
      ho.font_family = L.font();
      write_file(L.path("heatmap.svg"), attention_svg(w, e.src, words, ho));
      fmt::print("  {}\n", L.path("heatmap.svg"));
      heatmap_done = true;
    }
  }
  L.say(
      "Read the heatmap row by row: each Spanish word looks at the English word it translates;\n"
      "adjectives look back across the noun (reordering), articles at 'the'.",
      "逐行阅读热力图：每个西班牙语词看向它所翻译的英语词；形容词越过名词\n"
      "往回看（语序调整），冠词看向「the」。");
}

void Translation::plot_loss() const {
  std::vector<double> xs;
  for (size_t i = 0; i < tr.step_losses.size(); ++i) xs.push_back(static_cast<double>(i + 1));
  LinePlotOptions lo;
  lo.title = L.tr("training loss per update", "每次更新的训练损失");
  lo.x_label = L.tr("update", "更新次数");
  lo.y_label = L.tr("cross-entropy", "交叉熵");
  lo.log_y = true;
  lo.log_note = L.tr(" (log)", "（对数坐标）");
  lo.font_family = L.font();
  write_file(L.path("loss.svg"), line_plot_svg({{L.tr(term::train_loss), xs, tr.step_losses}}, lo));
  fmt::print("  {}\n", L.path("loss.svg"));
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(
      argc, argv, "10_translation",
      "train, evaluate, beam search, save/load, translate (toy en->es)", {"--interactive"},
      {.cell = "gru", .score = "general", .placement = "output"});
  tutorial::Lesson L(args);
  Translation lesson(args, L);
  lesson.describe_data();  // the data
  lesson.train();          // training
  lesson.evaluate_test();  // evaluation on unseen sentences
  lesson.greedy_vs_beam();
  lesson.save_and_load();
  lesson.translate();
  lesson.plot_loss();
  return L.finish();
}
