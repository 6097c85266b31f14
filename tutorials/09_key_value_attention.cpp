// 09_key_value_attention — the last two stops of the lecture's path: decoder
// self-attention, then key-value attention. Each is measured on a task where
// it should help, against the same model without it, over several training seeds.
//
// Part 1. Decoder self-attention (Cheng et al. 2016; Paulus et al. 2017). The
// decoder also looks back at its own earlier states d_1..d_{t-1}:
//   b_t,j = softmax_j(d_tᵀ W d_j),   c^dec_t = Σ_j b_t,j d_j,
//   h̃_t = tanh(W_c [c_t; d_t; c^dec_t])
// It should help when the target refers back to itself. On "repeat"
// (a c b -> a c b a c b) the second half is the first half again: a step of the
// second half can read what the decoder wrote n steps earlier. We measure the
// gain, and check that *where* it looks matters: the same trained model with
// its self-attention weights spread evenly (score matrix set to zero) loses it.
//
// Part 2. Key-value attention (Daniluk et al. 2017; the K/V split of Vaswani et
// al. 2017). In plain attention each encoder state h_i is both the key (compared
// with the query) and the value (averaged into the context). Here they are two
// learned projections of the same state:
//   k_i = W_K h_i,   v_i = W_V h_i,   e_t,i = score(d_t, k_i),   c_t = Σ_i a_t,i v_i
// When does the split add anything? With the general score,
//   s_tᵀ W (W_K h_i) = s_tᵀ (W W_K) h_i   and   W_c [W_V c_t; d_t] = [W_c1 W_V, W_c2] [c_t; d_t]
// so W_K and W_V fold into matrices the plain model already has: the same
// functions, parametrised differently. The split can add something only when the
// score compares d_t and h_i without a matrix of its own (dot, cosine): then
// W_K gives the keys a space of their own. We measure it with the cosine score.

#include <tuple>

#include "common.hpp"
#include "core/error.hpp"
#include "model_lesson.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/plot/attention_heatmap.hpp"
#include "seq2seq/plot/write_file.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

constexpr int kSeeds = 3;  // training seeds per model; claims are on their mean

struct Trained {
  double exact = 0, aer = -1;
  int64_t params = 0;
  std::unique_ptr<Seq2Seq> model;
};

// Trains one model for `steps` updates and scores it on the test split.
Trained train_and_test(const tutorial::Lesson& L, const ModelConfig& mc, const Splits& data,
                       const Vocab& sv, const Vocab& tv, int64_t steps, uint64_t seed) {
  Trained r;
  r.model = std::make_unique<Seq2Seq>(mc);
  tutorial::train(L, *r.model, data, sv, tv, tutorial::update_budget(steps, seed));
  EvalResult ev = evaluate(*r.model, data.test, sv, tv);
  r.exact = ev.exact;
  r.aer = ev.aer;
  r.params = r.model->num_parameters();
  return r;
}

const DecoderSelfAttention& self_attention_of(const Seq2Seq& model) {
  if (const DecoderSelfAttention* s = model.decoder->self_attention()) return *s;
  throw Error("09: the model has no decoder self-attention");
}

// Sets the self-attention's score matrix to zero: every earlier step then gets
// the same score, so the weights are spread evenly (1/t at step t). What the
// model reads from itself is then a plain average of its earlier states.
void flatten_self_attention(Seq2Seq& model) {
  for (auto& [name, p] : model.named_parameters())
    if (name.starts_with("decoder.self_attention.")) p.value().fill(0);
}

// The decoder's self-attention while it reads the gold target (teacher forcing,
// as in training). Step t (0-based) predicts tgt_out[t] from the state d_t and
// looks back at d_0..d_{t-1}. Returns, per row of the batch, a (T,T) matrix:
// row t = the weights step t gave to the earlier steps (zeros on and above the
// diagonal; row 0 has nothing to look back at).
std::vector<Tensor> self_attention_weights(const Seq2Seq& model, const Batch& b) {
  NoGradGuard no_grad;
  const DecoderSelfAttention& self = self_attention_of(model);
  EncoderOutput enc = model.encode(b);
  DecoderState s = model.decoder->start(enc);
  for (int64_t t = 0; t < b.T; ++t) {
    Ids y(static_cast<size_t>(b.B));
    for (int64_t r = 0; r < b.B; ++r) y[static_cast<size_t>(r)] = b.tgt_in[r * b.T + t];
    model.decoder->step(y, s, enc);  // appends d_t to s.history
  }
  std::vector<Tensor> w(static_cast<size_t>(b.B), Tensor::zeros({b.T, b.T}));
  for (int64_t t = 1; t < b.T; ++t) {
    std::vector<Var> earlier(s.history.begin(), s.history.begin() + t);
    const Tensor d = self.forward(earlier, s.history[static_cast<size_t>(t)]).weights.value();
    for (int64_t r = 0; r < b.B; ++r)  // d is (B,t)
      for (int64_t j = 0; j < t; ++j) w[static_cast<size_t>(r)][t * b.T + j] = d[r * t + j];
  }
  return w;
}

// Over the second half of "repeat" targets (steps n..2n-1, which write x_{t-n}):
// the mean self-attention weight on step t-n, the step that wrote the same
// symbol in the first half.
double weight_on_first_copy(const std::vector<Tensor>& w, const Batch& b) {
  double sum = 0;
  int64_t count = 0;
  for (int64_t r = 0; r < b.B; ++r) {
    const int64_t n = b.src_len[static_cast<size_t>(r)];
    for (int64_t t = n; t < 2 * n; ++t, ++count) sum += w[static_cast<size_t>(r)][t * b.T + t - n];
  }
  return sum / static_cast<double>(count);
}

// The same with the weight spread evenly over the earlier steps (1/t at step t):
// what a decoder that does not look anywhere in particular would score.
double uniform_on_first_copy(const Batch& b) {
  double sum = 0;
  int64_t count = 0;
  for (int64_t r = 0; r < b.B; ++r) {
    const int64_t n = b.src_len[static_cast<size_t>(r)];
    for (int64_t t = n; t < 2 * n; ++t, ++count) sum += 1.0 / static_cast<double>(t);
  }
  return sum / static_cast<double>(count);
}

std::vector<std::string> with_eos(const std::vector<std::string>& tokens) {
  std::vector<std::string> out = tokens;
  out.push_back("<eos>");
  return out;
}

using tutorial::Align;
using tutorial::Cmp;
namespace term = tutorial::term;

// The lesson's state, built section by section: part 1's 'repeat' task and its runs
// with and without decoder self-attention, part 2's 'reverse' task and its runs with
// and without separate keys and values. Each public member function is one section.
class KeyValueLesson {
 public:
  KeyValueLesson(const tutorial::Args& args, tutorial::Lesson& L);
  // Part 1: decoder self-attention.
  void self_attention_intro() const;
  void train_self_attention();
  void self_attention_table() const;
  void self_attention_claims();
  void self_attention_figure() const;
  // Part 2: key-value attention.
  void key_value_intro() const;
  void train_key_value();
  void key_value_table() const;
  void key_value_claims();
  void recorded_results() const;

 private:
  ModelConfig base_config(const Vocab& sv, const Vocab& tv, uint64_t seed) const {
    ModelConfig mc;
    mc.cell = CellKind::gru;
    mc.src_vocab = sv.size();
    mc.tgt_vocab = tv.size();
    mc.embed = 32;
    mc.hidden = H;
    mc.seed = seed;
    tutorial::apply_knobs(mc, args);  // --cell, --score, --placement
    return mc;
  }
  static TaskConfig repeat_config(const tutorial::Args& args);
  static TaskConfig reverse_config(const tutorial::Args& args);

  const tutorial::Args& args;
  tutorial::Lesson& L;
  const bool quick;
  static constexpr int64_t H = 64;
  // Part 1.
  const TaskConfig rc;
  const Splits rep;
  Vocab rsv, rtv;
  const int64_t rep_steps;
  std::vector<double> ex_plain, ex_self, ex_flat;  // exact match per training seed
  // Where the decoder looks in itself: teacher-forced on 64 test sentences.
  std::vector<const Example*> probe_list;
  Batch probe;
  std::vector<Tensor> sw;  // the first training seed's self-attention weights on the probe
  // Part 2.
  const TaskConfig tc;
  const Splits data;
  Vocab sv, tv;
  const int64_t kv_steps;
  const int kv_seeds;
  std::vector<double> kv_plain, kv_split, aer_plain, aer_split;
  int64_t params_plain = 0, params_split = 0;
};

TaskConfig KeyValueLesson::repeat_config(const tutorial::Args& args) {
  const bool quick = args.quick;
  TaskConfig rc;
  rc.seed = args.seed;
  rc.n_train = 3000;
  rc.n_valid = 100;
  rc.n_test = quick ? 200 : 400;
  rc.min_len = quick ? 4 : 5;
  rc.max_len = quick ? 10 : 12;
  rc.alphabet = 26;  // few repeated letters within a sentence: each step has one match
  return rc;
}

TaskConfig KeyValueLesson::reverse_config(const tutorial::Args& args) {
  const bool quick = args.quick;
  TaskConfig tc;
  tc.seed = args.seed;
  tc.n_train = 3000;
  tc.n_valid = 100;
  tc.n_test = quick ? 200 : 400;
  tc.min_len = 3;
  tc.max_len = 8;
  tc.alphabet = 10;
  return tc;
}

// A small budget in both modes for part 2: with 800 updates plain cosine attention
// catches up on this task (docs/claims-history.md), so the claim is about how far each
// gets on a small budget; full mode trains more seeds.
KeyValueLesson::KeyValueLesson(const tutorial::Args& args, tutorial::Lesson& L)
    : args(args),
      L(L),
      quick(args.quick),
      rc(repeat_config(args)),
      rep(make_task("repeat", rc)),
      rep_steps(quick ? 300 : 800),
      tc(reverse_config(args)),
      data(make_task("reverse", tc)),
      kv_steps(quick ? 300 : 400),
      kv_seeds(quick ? kSeeds : 5) {
  std::tie(rsv, rtv) = build_vocabs(rep.train);
  std::tie(sv, tv) = build_vocabs(data.train);
  for (size_t i = 0; i < 64; ++i) probe_list.push_back(&rep.test[i]);
  probe = make_batch(probe_list, rsv, rtv);
}

// ---------------------------------------------------------------- Part 1
void KeyValueLesson::self_attention_intro() const {
  L.heading("Part 1: decoder self-attention", "第一部分：解码器自注意力");
  L.say(
      "The lecture's \"self attention on the decoder side\" (解码器侧的自我关注): the decoder\n"
      "also attends to its own earlier states d_1..d_{t-1}, with d_t as the query.",
      "讲义中的“解码器侧的自我关注”，这里叫解码器自注意力：解码器以 d_t 为查询，同时关注\n"
      "它自己之前的状态 d_1..d_{t-1}。");
  L.example(rep.train[0].src, rep.train[0].tgt);
  L.say(
      fmt::format(
          "Task 'repeat': {}..{} symbols, then the same symbols again. The second half of the\n"
          "target is its own first half: step n+j writes what step j wrote. Two models, the\n"
          "same but for decoder self-attention; score function general for the attention\n"
          "over the source (--score changes part 2), {} updates, {} training seeds each.",
          rc.min_len, rc.max_len, rep_steps, kSeeds),
      fmt::format("任务「repeat」：{}..{} 个符号，然后把同样的符号再写一遍。目标序列的后半段就是\n"
                  "它自己的前半段：第 n+j 步写出第 j 步写过的符号。两个模型只差解码器自注意力；\n"
                  "对源序列的注意力用打分函数 general（--score 改变的是第二部分），\n"
                  "{} 次更新，每个模型训练 {} 个随机种子。",
                  rc.min_len, rc.max_len, rep_steps, kSeeds));
}

void KeyValueLesson::train_self_attention() {
  for (int k = 0; k < kSeeds; ++k) {
    const uint64_t seed = tutorial::run_seed(args.seed, k);
    for (bool self : {false, true}) {
      ModelConfig mc = base_config(rsv, rtv, seed);
      mc.attn.score = "general";  // part 1 keeps the usual score; --score is for part 2
      mc.attn.self_attention = self;
      if (k == 0) tutorial::print_model(L, mc);
      Trained r = train_and_test(L, mc, rep, rsv, rtv, rep_steps, seed);
      (self ? ex_self : ex_plain).push_back(r.exact);
      if (!self) continue;
      if (k == 0) sw = self_attention_weights(*r.model, probe);  // for the figure
      if (k == 0)
        tutorial::explore(L.lang(), L.tr("the decoder attending to itself", "解码器关注自身"),
                          *r.model, rsv, rtv, {rep.test.begin(), rep.test.begin() + 6});
      if (k == 0) tutorial::page_log().explorers.back()["focus"] = "self";  // shown first
      flatten_self_attention(*r.model);
      ex_flat.push_back(evaluate(*r.model, rep.test, rsv, rtv).exact);
    }
  }
}

void KeyValueLesson::self_attention_table() const {
  tutorial::Table t({Align::left, Align::right, Align::right, Align::right});
  t.row({L.tr("training seed", "训练种子"), L.tr("without", "无自注意力"),
         L.tr("with", "有自注意力"), L.tr("with, spread evenly", "有，但均匀分配")});
  for (int k = 0; k < kSeeds; ++k) {
    const auto i = static_cast<size_t>(k);
    t.row({std::to_string(tutorial::run_seed(args.seed, k)),
           fmt::format("{:.1f}", 100 * ex_plain[i]), fmt::format("{:.1f}", 100 * ex_self[i]),
           fmt::format("{:.1f}", 100 * ex_flat[i])});
  }
  t.row({L.tr("mean (min-max)", "均值（最小-最大）"),
         tutorial::format_spread(tutorial::spread(ex_plain), 100, 1),
         tutorial::format_spread(tutorial::spread(ex_self), 100, 1),
         tutorial::format_spread(tutorial::spread(ex_flat), 100, 1)});
  L.say(fmt::format("{} % on {} test sentences:", L.tr(term::exact_match), rc.n_test),
        fmt::format("{} %，{} 个测试句子：", L.tr(term::exact_match), rc.n_test));
  t.print();
  L.say(
      "'spread evenly': the trained self-attention model with its self-attention score matrix\n"
      "set to zero, so every earlier step gets the same weight (an ablation at test time).",
      "「有，但均匀分配」：把训练好的自注意力模型的自注意力打分矩阵置零，\n"
      "每个之前的步得到相同的权重（测试时的消融实验）。");
}

void KeyValueLesson::self_attention_claims() {
  const tutorial::Spread sp_plain = tutorial::spread(ex_plain), sp_self = tutorial::spread(ex_self),
                         sp_flat = tutorial::spread(ex_flat);
  const double self_gain = 100 * (sp_self.mean - sp_plain.mean);
  // Gain in points, mean of 3 seeds (distribution: docs/claims-history.md).
  L.claim(
      "self_gain", self_gain, Cmp::ge, 5,
      fmt::format("decoder self-attention helps on 'repeat': mean exact match {:.1f}% vs "
                  "{:.1f}% without, a gain of {:.1f} points",
                  100 * sp_self.mean, 100 * sp_plain.mean, self_gain),
      fmt::format("解码器自注意力在「repeat」任务上有帮助：平均完全匹配率 {:.1f}%，没有自注意力时 "
                  "{:.1f}%，高出 {:.1f} 个百分点",
                  100 * sp_self.mean, 100 * sp_plain.mean, self_gain));
  const double where_gain = 100 * (sp_self.mean - sp_flat.mean);
  // The ablation: the same trained model with its self-attention spread evenly.
  L.claim("self_where", where_gain, Cmp::ge, 8,
          fmt::format("the model depends on the self-attention weights it learned: spread "
                      "evenly, its exact match falls by {:.1f} points ({:.1f}% -> {:.1f}%)",
                      where_gain, 100 * sp_self.mean, 100 * sp_flat.mean),
          fmt::format("模型依赖它学到的自注意力权重：改成均匀分配后，完全匹配率下降 {:.1f} 个百分点"
                      "（{:.1f}% -> {:.1f}%）",
                      where_gain, 100 * sp_self.mean, 100 * sp_flat.mean));
  const double on_copy = weight_on_first_copy(sw, probe), uniform = uniform_on_first_copy(probe);
  L.say(fmt::format("In the second half, step t (training seed {}) puts {:.2f} of its weight on\n"
                    "step t-n, the step that wrote the same symbol in the first half (spread\n"
                    "evenly it would be {:.2f}).",
                    tutorial::run_seed(args.seed, 0), on_copy, uniform),
        fmt::format("在后半段，第 t 步（训练种子 {}）把 {:.2f} 的权重放在第 t−n 步上，也就是\n"
                    "前半段写出同一个符号的那一步（均匀分配时是 {:.2f}）。",
                    tutorial::run_seed(args.seed, 0), on_copy, uniform));
}

void KeyValueLesson::self_attention_figure() const {
  const tutorial::Spread sp_plain = tutorial::spread(ex_plain), sp_flat = tutorial::spread(ex_flat);
  const double on_copy = weight_on_first_copy(sw, probe), uniform = uniform_on_first_copy(probe);
  {
    size_t shown_row = 0;  // a short sentence reads best
    for (size_t r = 0; r < probe_list.size(); ++r)
      if (probe.src_len[r] == 5) {
        shown_row = r;
        break;
      }
    const Example& ex = *probe_list[shown_row];
    const std::vector<std::string> steps = with_eos(ex.tgt);
    const auto n = static_cast<int64_t>(steps.size());
    Tensor w({n, n});
    for (int64_t t = 0; t < n; ++t)
      for (int64_t j = 0; j < n; ++j) w[t * n + j] = sw[shown_row][t * probe.T + j];
    fmt::print("\n");
    L.example(ex.src, ex.tgt);
    fmt::print("{}", attention_terminal(w, steps, steps));
    HeatmapOptions ho;
    ho.title = L.tr("decoder self-attention on 'repeat'", "解码器自注意力：「repeat」任务");
    ho.x_title =
        L.tr("earlier decoder steps (the token each wrote)", "解码器之前的各步（该步写出的词元）");
    ho.y_title = L.tr("decoder step (the token it writes)", "解码器当前步（写出的词元）");
    ho.font_family = L.font();
    write_file(L.path("self_attention.svg"), attention_svg(w, steps, steps, ho));
    fmt::print("  {}\n", L.path("self_attention.svg"));
  }
  L.say(fmt::format(
            "Row t: where step t looked among the steps before it (nothing above the diagonal:\n"
            "it cannot look ahead). What the figure shows: most rows put most of their weight on\n"
            "the first step, whose state still holds the encoder's summary of the source; step\n"
            "t-n, which wrote the same symbol, gets {:.2f} of the weight, against {:.2f} if it\n"
            "were spread evenly. So the model did not learn to copy from step t-n. The ablation\n"
            "shows something weaker: the model depends on the weights it learned (spread evenly:\n"
            "{:.1f}%; without self-attention: {:.1f}%). The picture changes with the seed (try\n"
            "--seed); the claims above are means over {} training seeds.",
            on_copy, uniform, 100 * sp_flat.mean, 100 * sp_plain.mean, kSeeds),
        fmt::format(
            "第 t 行：第 t 步在它之前的各步中看向哪里（对角线以上为空：它不能往后看）。\n"
            "图上能看到的是：多数行把大部分权重放在第一步上，那一步的状态还带着编码器对源序列\n"
            "的概括；写出同一个符号的第 t−n 步只分到 {:.2f} 的权重，均匀分配时是 {:.2f}。\n"
            "所以模型并没有学会从第 t−n 步照抄。消融实验说明的要弱一些：模型依赖它学到的权重\n"
            "（均匀分配后为 {:.1f}%，没有自注意力的模型为 {:.1f}%）。图会随随机种子变化\n"
            "（试试 --seed）；上面的结论是 {} 个训练种子上的平均。",
            on_copy, uniform, 100 * sp_flat.mean, 100 * sp_plain.mean, kSeeds));
}

// ---------------------------------------------------------------- Part 2
void KeyValueLesson::key_value_intro() const {
  L.heading("Part 2: key-value attention", "第二部分：键值注意力");
  L.say(
      "The lecture's key-value attention (关键-价值 注意机制). Words: the query is the vector\n"
      "that asks (d_t), a key is what it is compared with to give the score e_t,i, a value is\n"
      "what gets averaged into c_t. Plain attention uses h_i as both key and value; here the\n"
      "key is k_i = W_K h_i and the value v_i = W_V h_i.",
      "讲义中的“关键-价值 注意机制”，这里叫键值注意力。术语：查询是提出问题的向量（d_t）；\n"
      "键是与查询比较、得到分数 e_t,i 的向量；值是被加权平均进 c_t 的向量。普通注意力里\n"
      "h_i 既是键也是值；这里键为 k_i = W_K h_i，值为 v_i = W_V h_i。");
  L.say(
      fmt::format(
          "Task 'reverse': {}..{} symbols. Score function {} (--score); 'global' scores and\n"
          "averages h_i, 'key-value' scores k_i = W_K h_i and averages v_i = W_V h_i (both of\n"
          "size H). {} updates, {} training seeds each.",
          tc.min_len, tc.max_len, args.model.score, kv_steps, kv_seeds),
      fmt::format("任务 reverse：{}..{} 个符号。打分函数 {}（--score）；global 直接对 h_i 打分并\n"
                  "加权平均，key-value 用 k_i = W_K h_i 打分，对 v_i = W_V h_i 加权平均（两者维度\n"
                  "都是 H）。{} 次更新，每个模型训练 {} 个随机种子。",
                  tc.min_len, tc.max_len, args.model.score, kv_steps, kv_seeds));
}

void KeyValueLesson::train_key_value() {
  for (int k = 0; k < kv_seeds; ++k) {
    const uint64_t seed = tutorial::run_seed(args.seed, k);
    for (AttentionVariant variant : {AttentionVariant::global, AttentionVariant::key_value}) {
      ModelConfig mc = base_config(sv, tv, seed);
      mc.attn.variant = variant;
      if (k == 0) tutorial::print_model(L, mc);
      Trained r = train_and_test(L, mc, data, sv, tv, kv_steps, seed);
      const bool split = variant == AttentionVariant::key_value;
      (split ? kv_split : kv_plain).push_back(r.exact);
      (split ? aer_split : aer_plain).push_back(r.aer);
      (split ? params_split : params_plain) = r.params;
    }
  }
}

void KeyValueLesson::key_value_table() const {
  tutorial::Table t({Align::left, Align::right, Align::right, Align::right, Align::right});
  t.group({{"", 1}, {L.tr(term::exact_match) + std::string(" %"), 2}, {"AER", 2}});
  t.row({L.tr("training seed", "训练种子"), "global", "key-value", "global", "key-value"});
  for (int k = 0; k < kv_seeds; ++k) {
    const auto i = static_cast<size_t>(k);
    t.row({std::to_string(tutorial::run_seed(args.seed, k)),
           fmt::format("{:.1f}", 100 * kv_plain[i]), fmt::format("{:.1f}", 100 * kv_split[i]),
           fmt::format("{:.3f}", aer_plain[i]), fmt::format("{:.3f}", aer_split[i])});
  }
  t.row({L.tr("mean (min-max)", "均值（最小-最大）"),
         tutorial::format_spread(tutorial::spread(kv_plain), 100, 1),
         tutorial::format_spread(tutorial::spread(kv_split), 100, 1),
         tutorial::format_spread(tutorial::spread(aer_plain), 1, 3),
         tutorial::format_spread(tutorial::spread(aer_split), 1, 3)});
  t.print();
  L.say("AER: alignment error rate against the gold links (0 = the weights land on them).",
        "AER：对照标准对齐的对齐错误率（0 表示权重正好落在标准对齐上）。");
}

void KeyValueLesson::key_value_claims() {
  // Exact: W_K and W_V are (H,He) matrices without bias and the rest of the model
  // has the same shapes (values have size H = He), so the difference is 2·H·He.
  const int64_t extra = params_split - params_plain;
  L.invariant(
      "kv_params", extra == 2 * H * H,
      fmt::format("key-value adds exactly W_K and W_V: {} {} = 2·H·He = 2·{}·{}", extra,
                  L.tr(term::parameters), H, H),
      fmt::format("键值注意力恰好多出 W_K 和 W_V：{} 个参数 = 2·H·He = 2·{}·{}", extra, H, H));
  const tutorial::Spread kp = tutorial::spread(kv_plain), ks = tutorial::spread(kv_split);
  const double kv_gain = 100 * (ks.mean - kp.mean);
  // Gain in points, mean of 3 (quick) or 5 (full) seeds (distribution:
  // docs/claims-history.md).
  L.claim("kv_gain", kv_gain, Cmp::ge, 8,
          fmt::format("with the {} score, separate keys and values win: mean exact match {:.1f}% "
                      "vs {:.1f}%, a gain of {:.1f} points",
                      args.model.score, 100 * ks.mean, 100 * kp.mean, kv_gain),
          fmt::format("使用 {} 打分函数时，键值分离更好：平均完全匹配率 {:.1f}%，普通注意力 "
                      "{:.1f}%，高出 {:.1f} 个百分点",
                      args.model.score, 100 * ks.mean, 100 * kp.mean, kv_gain));
}

void KeyValueLesson::recorded_results() const {
  // Recorded results of other scores, not measured by this run; the command and date
  // are printed with them (docs/notes/issue-29-claims.md has the runs).
  L.say(
      "Why cosine: cos(d_t, h_i) compares the whole state, including the parts that carry the\n"
      "symbol to be read, and it has no matrix to pick the parts that say \"I am the position\n"
      "you want\"; cos(d_t, W_K h_i) has one. It depends on the score function (--score):\n"
      "  general  d_tᵀ W (W_K h_i) = d_tᵀ (W W_K) h_i, and W_V folds into W_c the same way:\n"
      "           the same functions as plain attention, so no gain to expect.\n"
      "  dot      d_t·(W_K h_i) is exactly the general score.\n"
      "Recorded on 2026-12-06, not measured by this run: `09_key_value_attention --quick\n"
      "--score general` and `--score dot` (seed 42; mean exact match of 3 training seeds,\n"
      "plain vs key-value): general 84.2% vs 86.3%, dot 90.7% vs 86.5%. Run them to measure.\n"
      "The claims above are about cosine and may fail with the other scores.",
      "为什么是 cosine：cos(d_t, h_i) 比较的是整个状态，包括携带待读取符号的那部分，\n"
      "而且它没有矩阵去挑出表示「我就是你要找的位置」的那部分；cos(d_t, W_K h_i) 有。\n"
      "这取决于打分函数（--score）：\n"
      "  general  d_tᵀ W (W_K h_i) = d_tᵀ (W W_K) h_i，W_V 也以同样方式并入 W_c：\n"
      "           与普通注意力是同一族函数，所以不应期待增益。\n"
      "  dot      d_t·(W_K h_i) 正好就是 general 打分函数。\n"
      "以下结果记录于 2026-12-06，不是本次运行测得的：命令 09_key_value_attention --quick\n"
      "--score general 和 --score dot（种子 42；3 个训练种子的平均完全匹配率，普通注意力对\n"
      "键值注意力）：general 为 84.2% 对 86.3%，dot 为 90.7% 对 "
      "86.5%。运行这两条命令即可自己测量。\n"
      "上面的结论针对 cosine，换成其他打分函数时可能不成立。");
  L.say("Next: 10_translation — the whole pipeline on a toy English -> Spanish task.",
        "下一步：10_translation —— 在玩具英语 -> 西班牙语任务上走完整个流程。");
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(
      argc, argv, "09_key_value_attention",
      "decoder self-attention, then separate keys (to score) and values (to average)", {},
      {.cell = "gru", .score = "cosine", .placement = "output"});
  tutorial::Lesson L(args);
  KeyValueLesson lesson(args, L);
  lesson.self_attention_intro();  // part 1: decoder self-attention
  lesson.train_self_attention();
  lesson.self_attention_table();
  lesson.self_attention_claims();
  lesson.self_attention_figure();
  lesson.key_value_intro();  // part 2: key-value attention
  lesson.train_key_value();
  lesson.key_value_table();
  lesson.key_value_claims();
  lesson.recorded_results();
  return L.finish();
}
