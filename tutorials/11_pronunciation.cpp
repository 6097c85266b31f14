// 11_pronunciation — attention on real words: English spelling -> pronunciation.
//
// The CMU pronouncing dictionary (Debian's festlex-cmu; seq2seq/data/cmudict.hpp)
// pairs ~100k English words with their phones: "knight" -> n ay t. Letters in,
// phones out: a sequence-to-sequence task whose data nobody generated.
//   1. an attention model and a bottleneck model, same settings and budget:
//      WER (word wrong) and PER (phone edit distance per phone) by word length
//   2. letter -> phone alignments of "phoenix", "knight", "xylophone": silent
//      letters are nobody's argmax, one letter (x) can give two phones (k s)
//   3. our numbers next to published ones (other phone set, other split)
//   4. words typed on stdin -> phones (and their heatmap)
//
// Flags: the common ones (tutorials/common.hpp) and --dict FILE (the dictionary in
// festlex-cmu's format; default: the package's file). Words: typed at a terminal
// (full mode), or piped in: echo knight | 11_pronunciation --quick.
// Budgets are updates, never seconds, so results do not depend on the machine's load.
// --quick: 4000 words, H=32, 600 updates per model: about 4.5 s of CPU, fast engine
// (wall at load 11-15 on the shared 2-core machine: 10.7-19.7 s fast, 27-28 s reference).
// Full: all 95k words, H=128, 3000 updates per model, test evaluation included:
// 287-611 s wall at load 11-15, fast engine.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <tuple>

#include "common.hpp"
#include "core/rng.hpp"
#include "lesson_explorer.hpp"
#include "seq2seq/data/cmudict.hpp"
#include "seq2seq/data/read_limits.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/decoding/greedy.hpp"
#include "seq2seq/plot/attention_heatmap.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/svg.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;
namespace term = tutorial::term;

namespace {

const std::vector<std::string> kShowcase = {"phoenix", "knight", "xylophone"};

// A seeded shuffle (Fisher–Yates with s2s::Rng, the same on every platform).
template <class T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// Word-length bucket of a word: 0 for 1–5 letters, 1 for 6–8, 2 for 9–11, 3 for 12+.
size_t bucket_of(size_t letters) {
  return letters <= 5 ? 0 : letters <= 8 ? 1 : letters <= 11 ? 2 : 3;
}

// The letters of a typed word, lower-cased; empty when it has anything but a-z.
std::vector<std::string> letters_of(const std::string& line) {
  std::vector<std::string> out;
  for (unsigned char c : line) {
    if (std::isspace(c)) continue;
    if (!std::isalpha(c)) return {};
    out.emplace_back(1, static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const char* sep = " ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

struct Decoded {
  std::vector<std::string> phones;  // without <eos>
  std::vector<std::string> rows;    // phones, plus <eos> when produced
  Tensor weights;                   // (rows, letters)
};

Decoded pronounce(const Seq2Seq& model, const std::vector<std::string>& letters, const Vocab& sv,
                  const Vocab& tv) {
  Example e;
  e.src = letters;
  const Batch b = make_batch({&e}, sv, tv);
  Hypothesis h = greedy_decode(model, b, 3 * b.S + 5).front();
  Decoded d;
  d.phones = tv.decode(h.tokens);
  d.rows = d.phones;
  if (h.finished) d.rows.push_back("<eos>");
  if (!h.weights.empty()) d.weights = h.weights.slice(0, 0, static_cast<int64_t>(d.rows.size()));
  return d;
}

// The letter each row looks at most.
std::vector<int64_t> argmax_rows(const Tensor& w) {
  std::vector<int64_t> out;
  const int64_t T = w.size(0), S = w.size(1);
  for (int64_t t = 0; t < T; ++t) {
    int64_t best = 0;
    for (int64_t i = 1; i < S; ++i)
      if (w[t * S + i] > w[t * S + best]) best = i;
    out.push_back(best);
  }
  return out;
}

// Largest |row sum - 1| and smallest weight of a (T,S) attention matrix.
std::pair<double, double> row_sums(const Tensor& w) {
  double worst = 0, min_w = 1;
  const int64_t T = w.size(0), S = w.size(1);
  for (int64_t t = 0; t < T; ++t) {
    double s = 0;
    for (int64_t i = 0; i < S; ++i)
      s += w[t * S + i], min_w = std::min(min_w, double(w[t * S + i]));
    worst = std::max(worst, std::abs(s - 1));
  }
  return {worst, min_w};
}

// Reads --dict FILE out of argv (the common parser takes flags without values only).
std::string take_dict_flag(int& argc, char** argv) {
  std::string dict;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--dict") {
      if (i + 1 >= argc) {
        fmt::print(stderr, "11_pronunciation: flag --dict needs a value\n");
        std::exit(2);
      }
      dict = argv[++i];
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return dict;
}

// Words to pronounce from stdin: prompted when it is a terminal (not in --quick,
// which never waits), read when text is piped in; nothing when it is empty or closed.
bool stdin_has_words(bool quick) {
  if (isatty(STDIN_FILENO)) return !quick;
  pollfd p{STDIN_FILENO, POLLIN, 0};
  return poll(&p, 1, 200) > 0 && (p.revents & POLLIN);
}

// The lesson's state, built section by section: the words, the two models and their
// test results. Each member function below is one section of the lesson.
class Pronunciation {
 public:
  Pronunciation(const tutorial::Args& args, tutorial::Lesson& L, std::string dict)
      : args(args), L(L), quick(args.quick), dict(std::move(dict)) {}

  bool read_dictionary();
  void sample_words();
  void train_both();
  void per_by_length();
  void length_claims();
  void plot_per_by_length() const;
  void showcase_alignments();
  void left_to_right();
  void published_results();
  int your_words();

 private:
  // Example data (words, phones) is quoted 「like this」 in Chinese output (GLOSSARY.md).
  std::string quote(const std::string& text) const { return L.zh() ? "「" + text + "」" : text; }
  HeatmapOptions heatmap_options(const std::string& word,
                                 const std::vector<std::string>& phones) const {
    HeatmapOptions ho;
    ho.title = word + " -> " + join(phones);
    ho.x_title = L.tr("letters", "字母");
    ho.y_title = L.tr("phones", "音素");
    ho.font_family = font_family_for(args.lang);
    return ho;
  }
  static std::string pct(double v) { return fmt::format("{:6.1f}%", 100 * v); }  // 7 wide
  TrainConfig train_config() const;

  const tutorial::Args& args;
  tutorial::Lesson& L;
  const bool quick;
  std::string dict;
  Splits all, data;               // the dictionary's splits; the words used
  std::vector<Example> showcase;  // kept out of training: their heatmaps are of unseen words
  size_t train_words = 0, test_words = 0;
  double read_seconds = 0;
  Vocab sv, tv;
  std::unique_ptr<Seq2Seq> attn, bottleneck;
  EvalResult ra, rb;  // greedy decoding of the test words
};

// --- 0. The data ---------------------------------------------------------------------
bool Pronunciation::read_dictionary() {
  L.heading("Real words: the CMU pronouncing dictionary", "真实的词：卡内基梅隆大学发音词典");
  if (!std::filesystem::exists(dict)) {
    fmt::print(
        stderr, "{}\n",
        L.tr(fmt::format("11_pronunciation: the dictionary {} is missing. Install Debian's "
                         "package festlex-cmu (sudo apt-get install festlex-cmu, or "
                         ".ci/install-deps), or give the file with --dict FILE.",
                         dict),
             fmt::format("11_pronunciation：找不到词典 {}。请安装 Debian 软件包「festlex-cmu」"
                         "（「sudo apt-get install festlex-cmu」，或运行 .ci/install-deps），"
                         "或用「--dict FILE」指定词典文件。",
                         dict)));
    return false;
  }
  TaskConfig tc;
  tc.dict = dict;
  tc.max_len = 0;  // every length: the 12+ bucket matters here
  tc.n_train = tc.n_valid = tc.n_test = 0;
  tc.first_pronunciation = true;  // a word's first pronunciation, as when this lesson was measured
  all = make_task("cmudict", tc);
  read_seconds = L.seconds();

  // The showcase words leave training: their heatmaps are of words the model never saw.
  for (auto* split : {&all.train, &all.valid, &all.test})
    for (Example& e : *split)
      if (std::find(kShowcase.begin(), kShowcase.end(), join(e.src, "")) != kShowcase.end())
        showcase.push_back(e);
  for (Example& e : all.train)
    if (std::find(kShowcase.begin(), kShowcase.end(), join(e.src, "")) == kShowcase.end())
      data.train.push_back(std::move(e));
  data.valid = std::move(all.valid);
  train_words = data.train.size(), test_words = all.test.size();
  return true;
}

void Pronunciation::sample_words() {
  // Quick: a seeded sample of the training words, and of the test words with the same
  // number in each length bucket. Full: all training words and all test words. The
  // validation words are shuffled: the trainer validates on the first few (cfg below),
  // and in file order those would all start with "a".
  const int n_train = quick ? 4000 : 0;
  const int per_bucket = quick ? 100 : 0;
  Rng rng(args.seed);
  shuffle(data.valid, rng);
  if (n_train > 0) {
    shuffle(data.train, rng);
    data.train.resize(std::min(data.train.size(), size_t(n_train)));
  }
  if (per_bucket > 0) {
    shuffle(all.test, rng);
    std::vector<int> taken(4, 0);
    for (Example& e : all.test)
      if (taken[bucket_of(e.src.size())]++ < per_bucket) data.test.push_back(std::move(e));
  } else {
    data.test = std::move(all.test);
  }
  std::tie(sv, tv) = build_vocabs(data.train);
  L.say(
      fmt::format("{}: {} training words, {} valid, {} test (split by a hash of the word, "
                  "90/5/5), read in {:.1f} s. Letters in ({} symbols), phones out ({} symbols, "
                  "stress removed).",
                  dict, train_words, data.valid.size(), test_words, read_seconds, sv.size() - 4,
                  tv.size() - 4),
      fmt::format(
          "{}：训练词 {} 个，验证 {} 个，测试 {} 个（按词的哈希划分，90/5/5），读取用时 {:.1f} 秒。"
          "输入是字母（{} 种），输出是音素（{} 种，去掉了重音）。",
          dict, train_words, data.valid.size(), test_words, read_seconds, sv.size() - 4,
          tv.size() - 4));
  for (size_t i = 0; i < 4 && i < data.train.size(); ++i) {  // spread over the file's order
    const Example& e = data.train[i * (data.train.size() / 4)];
    fmt::print("  {} -> {}\n", tutorial::pad(quote(join(e.src, "")), 16, tutorial::Align::left),
               quote(join(e.tgt)));
  }
  if (quick)
    L.say(fmt::format("--quick: {} training words drawn at random (seed {}), {} test words "
                      "per length bucket.",
                      data.train.size(), args.seed, per_bucket),
          fmt::format("--quick：随机抽取 {} 个训练词（种子 {}），每个长度分组 {} 个测试词。",
                      data.train.size(), args.seed, per_bucket));
}

// --- 1. Two models, one budget ---------------------------------------------------------
// Budgets in updates, not seconds: the same run on an idle or a loaded machine, in
// either engine. Quick: lr 1e-2 halved when the validation loss (once an epoch of 63
// updates) stops improving; 600 updates, because with 400 attention's PER on 12+
// letters swung widely over seeds (docs/claims-history.md).
// Full (an epoch is 1486 updates): the recipe's schedule (docs/g2p.md), 3e-3 held for a
// fifth of the updates, then annealed to 1e-4, validated every 500 updates.
TrainConfig Pronunciation::train_config() const {
  TrainConfig cfg;
  cfg.epochs = 1000;  // the update budget decides
  cfg.max_steps = quick ? 600 : 3000;
  cfg.batch_size = 64;
  cfg.lr = real(quick ? 1e-2 : 3e-3);
  cfg.lr_decay = real(0.5);
  cfg.lr_patience = 1;
  if (!quick) cfg.lr_anneal_hold = 0.2, cfg.validate_every = 500;
  cfg.min_lr = real(1e-4);
  cfg.patience = 1000;  // no early stopping: both get the whole budget
  cfg.seed = args.seed;
  cfg.progress = false;
  cfg.valid_examples = quick ? 100 : 1000;
  return cfg;
}

void Pronunciation::train_both() {
  L.heading("Attention vs bottleneck, same settings and budget",
            "注意力与瓶颈：相同设置、相同预算");
  const int64_t embed = quick ? 32 : 64, hidden = quick ? 32 : 128;
  auto make_model = [&](bool attention) {
    ModelConfig mc;
    mc.cell = CellKind::gru;
    mc.src_vocab = sv.size();
    mc.tgt_vocab = tv.size();
    mc.embed = embed;
    mc.hidden = hidden;
    mc.bidirectional = true;
    mc.attention = attention;
    mc.attn.score = "general";
    mc.attn.placement = Placement::output;
    mc.seed = args.seed;
    return std::make_unique<Seq2Seq>(mc);
  };
  const TrainConfig cfg = train_config();
  if (quick)
    L.say(fmt::format("Both: bidirectional GRU encoder, E={}, H={}, batch {}, Adam lr {} halved "
                      "when the validation loss stops improving; {} updates each.",
                      embed, hidden, cfg.batch_size, cfg.lr, cfg.max_steps),
          fmt::format("两个模型：双向 GRU 编码器，E={}，H={}，批大小 {}，Adam 学习率 {}，验证损失"
                      "不再下降时减半；每个模型 {} 次更新。",
                      embed, hidden, cfg.batch_size, cfg.lr, cfg.max_steps));
  else
    L.say(fmt::format("Both: bidirectional GRU encoder, E={}, H={}, batch {}, Adam lr {} for the "
                      "first 20% of the updates, then lowered step by step to {}; {} updates each.",
                      embed, hidden, cfg.batch_size, cfg.lr, cfg.min_lr, cfg.max_steps),
          fmt::format("两个模型：双向 GRU 编码器，E={}，H={}，批大小 {}，Adam 学习率 {} 保持前 20% "
                      "的更新，之后逐步降到 {}；每个模型 {} 次更新。",
                      embed, hidden, cfg.batch_size, cfg.lr, cfg.min_lr, cfg.max_steps));
  auto fit = [&](Seq2Seq& model, const std::string& en, const std::string& zh) {
    const TrainResult r = train(model, data, sv, tv, cfg);
    const char* sep = L.zh() ? "，" : ", ";
    fmt::print("  {} {} {}{}{:.1f} s{}{} {:.3f}\n", L.tr(en, zh), r.epochs.back().steps,
               L.tr("updates", "次更新"), sep, r.seconds, sep,
               L.tr("best valid loss", "最佳验证损失"), r.best_valid_loss);
  };
  attn = make_model(true);
  fit(*attn, "attention", "注意力");
  bottleneck = make_model(false);
  fit(*bottleneck, "bottleneck", "瓶颈");
}

void Pronunciation::per_by_length() {
  EvalOptions eo;
  eo.bucket_edges = {5, 8, 11};
  ra = evaluate(*attn, data.test, sv, tv, eo);
  rb = evaluate(*bottleneck, data.test, sv, tv, eo);
  L.say(
      "WER: share of words with any phone wrong (1 - exact match). PER: phone edit distance\n"
      "per reference phone. Greedy decoding, test words:",
      "词错误率：读错（任何一个音素错）的词所占比例（1 - 完全匹配率）。音素错误率：音素编辑距离\n"
      "除以参考音素数。贪心解码，测试词：");
  const std::string wer = L.tr("WER", "词错误率"), per = L.tr("PER", "音素错误率");
  tutorial::Table table({tutorial::Align::right, tutorial::Align::right, tutorial::Align::right,
                         tutorial::Align::right, tutorial::Align::right, tutorial::Align::right});
  table.group({{"", 2},
               {L.tr(term::attention_model.en, term::attention_model.zh), 2},
               {L.tr(term::bottleneck_model.en, term::bottleneck_model.zh), 2}});
  table.row({L.tr("letters", "字母数"), L.tr("words", "词数"), wer, per, wer, per});
  for (size_t k = 0; k < ra.buckets.size(); ++k) {
    const BucketScores &p = ra.buckets[k], &q = rb.buckets[k];
    table.row({p.label, std::to_string(p.count), pct(1 - p.exact), pct(p.error_rate),
               pct(1 - q.exact), pct(q.error_rate)});
  }
  table.row({L.tr("all", "全部"), std::to_string(ra.evaluated), pct(1 - ra.exact),
             pct(ra.error_rate), pct(1 - rb.exact), pct(rb.error_rate)});
  table.print();
}

void Pronunciation::length_claims() {
  const size_t nb = ra.buckets.size();
  // PER gap (bottleneck - attention) on 9-11 and on 12+ letters, the smaller of the two,
  // in points (distributions of this file's claims: docs/claims-history.md).
  double long_gap = nb == 4 ? 1 : 0;
  for (size_t k = 2; k < nb; ++k)
    long_gap = std::min(long_gap, rb.buckets[k].error_rate - ra.buckets[k].error_rate);
  const double long_gap_min = quick ? 12 : 6;
  L.claim("long_word_per_gap", 100 * long_gap, tutorial::Cmp::ge, long_gap_min,
          fmt::format("on words of 9-11 and of 12+ letters attention's PER is {:.1f} points below "
                      "the bottleneck's (the smaller gap of the two)",
                      100 * long_gap),
          fmt::format("在 9-11 个字母和 12 个以上字母的词上，注意力模型的音素错误率比瓶颈模型低 "
                      "{:.1f} 个百分点（取两者中较小的差距）",
                      100 * long_gap));
  const double rise_a = nb == 4 ? ra.buckets[3].error_rate - ra.buckets[0].error_rate : 0;
  const double rise_b = nb == 4 ? rb.buckets[3].error_rate - rb.buckets[0].error_rate : 0;
  fmt::print("  {} {:+.1f} / {:+.1f}\n",
             L.tr("PER from 1-5 to 12+ letters, attention / bottleneck:",
                  "音素错误率从 1-5 个字母到 12 个以上字母的变化，注意力模型 / 瓶颈模型："),
             100 * rise_a, 100 * rise_b);
  if (quick) {
    // Over all test words, in points. Full mode claims on length instead: there the
    // bottleneck nearly catches up on 1-5 letters.
    const double gap = rb.error_rate - ra.error_rate, min_gap = 15;
    L.claim(
        "overall_per_gap", 100 * gap, tutorial::Cmp::ge, min_gap,
        fmt::format("with this short budget attention's PER over all test words is {:.1f} points "
                    "below the bottleneck's",
                    100 * gap),
        fmt::format("在这么短的训练预算下，注意力模型在全部测试词上的音素错误率比瓶颈模型低 "
                    "{:.1f} 个百分点",
                    100 * gap));
  } else {
    // How much less attention's PER rises from 1-5 to 12+ letters than the bottleneck's,
    // in points.
    const double rise_min = 10;
    L.claim("rise_gap", 100 * (rise_b - rise_a), tutorial::Cmp::ge, rise_min,
            fmt::format("from 1-5 to 12+ letters attention's PER rises {:.1f} points less than the "
                        "bottleneck's ({:+.1f} vs {:+.1f} points)",
                        100 * (rise_b - rise_a), 100 * rise_a, 100 * rise_b),
            fmt::format("从 1-5 个字母到 12 个以上字母，注意力模型音素错误率的上升比瓶颈模型少 "
                        "{:.1f} 个百分点（{:+.1f} 对 {:+.1f} 个百分点）",
                        100 * (rise_b - rise_a), 100 * rise_a, 100 * rise_b));
  }
  L.say(
      "The bottleneck must squeeze the whole spelling into one vector: the longer the word,\n"
      "the more it loses. With attention each phone reads the letters it needs.",
      "瓶颈模型必须把整个拼写压进一个向量：词越长，丢失越多。有了注意力，每个音素都去读\n"
      "它需要的字母。");
  if (rise_a < 0.5 * rise_b)
    L.say("Here attention's PER stays much flatter across lengths than the bottleneck's.",
          "这里注意力模型的音素错误率随长度的变化比瓶颈模型平缓得多。");
  else
    L.say(
        "Yet here attention's PER rises with length too: long words are rarer (names,\n"
        "compounds, borrowings) and have more phones to get wrong, and this budget is short.",
        "但这里注意力模型的音素错误率也随长度上升：长词更少见（人名、复合词、外来词），要读对的\n"
        "音素更多，而这次的训练预算很短。");
  if (nb == 4 && rb.buckets[0].error_rate <= ra.buckets[0].error_rate)
    L.say("On short words one vector is enough: there the bottleneck is as good or better.",
          "在短词上一个向量就够了：在短词上瓶颈模型一样好，甚至更好。");
}

void Pronunciation::plot_per_by_length() const {
  const size_t nb = ra.buckets.size();
  std::vector<double> x = {3, 7, 10, 13}, pa, pb;
  for (size_t k = 0; k < nb; ++k)
    pa.push_back(100 * ra.buckets[k].error_rate), pb.push_back(100 * rb.buckets[k].error_rate);
  x.resize(nb);
  const std::string plot = L.path("per_by_length.svg");
  LinePlotOptions po;
  po.title = L.tr("CMU dictionary: PER by word length, same budget",
                  "卡内基梅隆大学发音词典：按词长统计的音素错误率，相同预算");
  po.x_label = L.tr("letters", "字母数");
  po.y_label = L.tr("PER (%)", "音素错误率 (%)");
  po.x_ticks = {{3, "1-5"}, {7, "6-8"}, {10, "9-11"}, {13, "12+"}};
  po.font_family = font_family_for(args.lang);
  write_file(plot,
             line_plot_svg({{L.tr(term::attention_model.en, term::attention_model.zh), x, pa},
                            {L.tr(term::bottleneck_model.en, term::bottleneck_model.zh), x, pb}},
                           po));
  L.say(fmt::format("Figure: {}", plot), fmt::format("图：{}", plot));
}

// --- 2. Letter -> phone alignments -----------------------------------------------------
void Pronunciation::showcase_alignments() {
  L.heading("Which letters does each phone read?", "每个音素读了哪些字母？");
  L.say(
      "Rows are the phones the attention model produced, columns the letters; each row holds\n"
      "the attention weights of one decoder step (>= 0, summing to 1). These three words were\n"
      "kept out of training.",
      "行是注意力模型生成的音素，列是字母；每一行是一个解码步的注意力权重（>= 0，和为 1）。\n"
      "这三个词没有参与训练。");
  {  // the web page's explorer: letters to phones, in kShowcase's order
    std::vector<Example> words;
    for (const std::string& w : kShowcase)
      for (const Example& e : showcase)
        if (join(e.src, "") == w) words.push_back(e);
    tutorial::explore(L.lang(), L.tr("letters to phones", "字母到音素"), *attn, sv, tv, words);
  }
  double worst_sum = 0, min_w = 1;
  for (const std::string& word : kShowcase) {
    std::vector<std::string> letters;
    for (char c : word) letters.emplace_back(1, c);
    const Decoded d = pronounce(*attn, letters, sv, tv);
    std::string gold = "?";
    for (const Example& e : showcase)
      if (join(e.src, "") == word) gold = join(e.tgt);
    fmt::print("\n  {}  ->  {}   {}\n", quote(word), quote(join(d.phones)),
               L.tr("(dictionary: " + gold + ")", "（词典：" + quote(gold) + "）"));
    if (d.weights.empty()) continue;
    fmt::print("{}", attention_terminal(d.weights, letters, d.rows));
    const auto [s, m] = row_sums(d.weights);
    worst_sum = std::max(worst_sum, s), min_w = std::min(min_w, m);
    // Each phone's most-read letter, and the letters no phone reads most (silent).
    const std::vector<int64_t> am = argmax_rows(d.weights);
    std::string reads;
    std::set<int64_t> used;
    for (size_t t = 0; t < d.phones.size(); ++t)
      reads += fmt::format("{}{}<-{}", t ? "  " : "", d.phones[t], letters[am[t]]),
          used.insert(am[t]);
    std::string silent;
    for (size_t i = 0; i < letters.size(); ++i)
      if (!used.count(int64_t(i))) silent += letters[i];
    fmt::print("  {}\n  {}{}{}\n", quote(reads),
               L.tr("letters no phone reads most", "没有音素主要读的字母"), L.zh() ? "：" : ": ",
               silent.empty() ? "-" : quote(silent));
    const HeatmapOptions ho = heatmap_options(word, d.phones);
    const std::string svg = L.path("alignment_" + word + ".svg");
    write_file(svg, attention_svg(d.weights, letters, d.rows, ho));
    fmt::print("  {}\n", svg);
  }
  L.invariant("rows_are_distributions", worst_sum < 1e-5 && min_w >= 0,
              fmt::format("every row above is a distribution (|sum - 1| <= {:.1e}, min weight "
                          "{:.1e} >= 0)",
                          worst_sum, min_w),
              fmt::format("上面每一行都是一个概率分布（|和 - 1| <= {:.1e}，最小权重 {:.1e} >= 0）",
                          worst_sum, min_w));
  L.say(
      "Letters that no phone reads most are often silent (k and gh in 'knight', the final e\n"
      "of 'xylophone'); a letter read by two steps gives two phones ('x' -> k s in 'phoenix').\n"
      "Nobody told the model which letters make a phone, and the encoder is bidirectional: each\n"
      "h_i also knows the letters around it, so a row may sit one letter off (n read at the k\n"
      "of 'knight') or spread over a group such as 'ph' or 'igh'.",
      "没有音素主要读的字母常常是不发音的字母（「knight」中的「k」和「gh」，「xylophone」末尾的\n"
      "「e」）；被两个解码步读取的字母给出两个音素（「phoenix」中的「x -> k s」）。没有人告诉\n"
      "模型哪些字母构成一个音素，而且编码器是双向的：每个 h_i 也知道它周围的字母，所以某一行\n"
      "可能偏一个字母（「knight」中的「n」在「k」的位置上读到），或者分散在「ph」「igh」这样的\n"
      "字母组合上。");
}

// Over all test words: does attention read the letters left to right? The share of
// steps whose most-read letter is not left of the previous step's, %.
void Pronunciation::left_to_right() {
  int64_t pairs = 0, forward = 0;
  for (const Hypothesis& h : ra.outputs) {
    if (h.weights.empty() || h.tokens.size() < 2) continue;
    const std::vector<int64_t> am = argmax_rows(h.weights);
    for (size_t t = 1; t < h.tokens.size(); ++t) ++pairs, forward += am[t] >= am[t - 1];
  }
  const double mono = pairs ? double(forward) / double(pairs) : 0, mono_min = quick ? 92 : 97;
  L.claim("left_to_right", 100 * mono, tutorial::Cmp::ge, mono_min,
          fmt::format("spelling is read left to right: on the test words, in {:.1f}% of steps the "
                      "next phone's most-read letter is not left of the previous one's",
                      100 * mono),
          fmt::format("拼写是从左往右读的：在测试词上，{:.1f}% 的相邻音素中，后一个音素主要读的字母"
                      "不在前一个的左边",
                      100 * mono));
}

// --- 3. Published figures --------------------------------------------------------------
void Pronunciation::published_results() {
  const std::string wer = L.tr("WER", "词错误率"), per = L.tr("PER", "音素错误率");
  L.heading("Next to published results", "与已发表的结果对照");
  tutorial::Table pub({tutorial::Align::left, tutorial::Align::right, tutorial::Align::right});
  pub.row({"", per, wer});
  pub.row({L.tr("this run, attention model (greedy)", "本次运行，注意力模型（贪心解码）"),
           pct(ra.error_rate), pct(1 - ra.exact)});
  pub.row({L.tr("this run, bottleneck model (greedy)", "本次运行，瓶颈模型（贪心解码）"),
           pct(rb.error_rate), pct(1 - rb.exact)});
  pub.row(
      {L.tr("Yao & Zweig 2015, encoder-decoder LSTM", "「Yao & Zweig 2015」，编码器-解码器 LSTM"),
       "7.63%", "28.61%"});
  pub.row({L.tr("Yao & Zweig 2015, bidirectional LSTM", "「Yao & Zweig 2015」，双向 LSTM"), "5.45%",
           "23.55%"});
  pub.row({L.tr("Bisani & Ney 2008, joint-sequence model", "「Bisani & Ney 2008」，联合序列模型"),
           "5.88%", "24.53%"});
  pub.row({L.tr("Toshniwal & Livescu 2016, attention", "「Toshniwal & Livescu 2016」，注意力模型"),
           "-", "~22%"});
  pub.print();
  L.say(
      "Only a guide: the papers use another version of the dictionary, another phone set and\n"
      "another train/test split, train for hours, and some use beam search. `s2s train --task\n"
      "cmudict` runs the full recipe (20 minutes).",
      "仅供参考：这些论文用的是另一个版本的词典、另一套音素和另一种训练/测试划分，训练数小时，\n"
      "有的还用了束搜索。「s2s train --task cmudict」运行完整的配方（20 分钟）。");
}

// --- 4. Your words ---------------------------------------------------------------------
int Pronunciation::your_words() {
  L.heading("Your words", "你的词");
  if (!stdin_has_words(quick)) {
    L.say(quick && isatty(STDIN_FILENO)
              ? "(--quick does not wait for input: run without it, or pipe words in)"
              : "(no words on standard input: run it in a terminal, or pipe words in)",
          quick && isatty(STDIN_FILENO) ? "（--quick 模式不等待输入：去掉它再运行，或用管道输入词）"
                                        : "（标准输入没有词：在终端里运行，或用管道输入词）");
    return L.finish();
  }
  if (isatty(STDIN_FILENO))
    L.say("Type a word per line (letters only; Ctrl-D to end).",
          "每行输入一个词（只用字母；Ctrl+D 结束）。");
  // Typed input is bounded: at most 1000 words of at most 30 letters (200 bytes a
  // line); the first 20 get a heatmap file, the rest text only.
  constexpr int kMaxWords = 1000, kMaxHeatmaps = 20;
  constexpr size_t kMaxLetters = 30, kMaxBytes = 200;
  int typed = 0, heatmaps = 0;
  bool too_long = false;
  for (std::string line;
       typed < kMaxWords && getline_bounded(std::cin, line, kMaxBytes, &too_long);) {
    const std::vector<std::string> letters = letters_of(line);
    if (too_long || letters.size() > kMaxLetters) {
      L.say(fmt::format("  (skipped: a word has at most {} letters)", kMaxLetters),
            fmt::format("  （已跳过：一个词最多 {} 个字母）", kMaxLetters));
      continue;
    }
    if (letters.empty()) {
      if (line.find_first_not_of(" \t\r") != std::string::npos)
        L.say("  (letters a-z only)", "  （只能用字母「a-z」）");
      continue;
    }
    const Decoded d = pronounce(*attn, letters, sv, tv);
    fmt::print("  {}  ->  {}\n", quote(join(letters, "")), quote(join(d.phones)));
    if (heatmaps == kMaxHeatmaps)
      L.say(fmt::format("  (heatmaps for the first {} words only; the rest as text)", kMaxHeatmaps),
            fmt::format("  （只为前 {} 个词画热力图；其余只输出文字）", kMaxHeatmaps));
    if (!d.weights.empty() && letters.size() <= 20 && heatmaps++ < kMaxHeatmaps) {
      fmt::print("{}", attention_terminal(d.weights, letters, d.rows));
      const HeatmapOptions ho = heatmap_options(join(letters, ""), d.phones);
      const std::string svg = L.path(fmt::format("typed_{}.svg", join(letters, "")));
      write_file(svg, attention_svg(d.weights, letters, d.rows, ho));
      fmt::print("  {}\n", svg);
    }
    ++typed;
  }
  if (typed == 0)
    L.say("(no words on standard input: run it in a terminal, or pipe words in)",
          "（标准输入没有词：在终端里运行，或用管道输入词）");
  return L.finish();
}

}  // namespace

int main(int argc, char** argv) {
  std::string dict = take_dict_flag(argc, argv);
  auto args = tutorial::parse_args(argc, argv, "11_pronunciation",
                                   "real words (CMU dictionary): letters -> phones, attention vs "
                                   "bottleneck by word length, alignments, typed words",
                                   {"--dict FILE"});
  tutorial::Lesson L(args);
  Pronunciation lesson(args, L, dict.empty() ? std::string(kCmudictPath) : dict);
  if (!lesson.read_dictionary()) return 1;  // 0. the data
  lesson.sample_words();
  lesson.train_both();  // 1. two models, one budget
  lesson.per_by_length();
  lesson.length_claims();
  lesson.plot_per_by_length();
  lesson.showcase_alignments();  // 2. letter -> phone alignments
  lesson.left_to_right();
  lesson.published_results();  // 3. published figures
  return lesson.your_words();  // 4. your words
}
