#pragma once
// For the tutorials that train a sequence-to-sequence model: the knobs
// (--cell, --score, --placement, parsed in common.hpp) applied to a
// ModelConfig, the model described in the narration's language, training with a
// localized log, and x axes by sentence length.
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
#include "lesson_explorer.hpp"
#include "seq2seq/metrics/alignment.hpp"
#include "seq2seq/model/seq2seq.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

namespace tutorial {

// --- The model knobs ------------------------------------------------------------
// Sets the knobs that apply (a non-empty value in args.model) on a model config.
inline void apply_knobs(s2s::ModelConfig& mc, const Args& a) {
  if (!a.model.cell.empty()) mc.cell = s2s::cell_kind_from_name(a.model.cell);
  if (!a.model.score.empty()) mc.attn.score = a.model.score;
  if (!a.model.placement.empty()) mc.attn.placement = s2s::placement_from_name(a.model.placement);
}

// What a model is, in the narration's language, with the knobs as flag=value:
//   "cell=gru score=general placement=output (bidirectional encoder, E=32, H=64)"
inline std::string describe(const Lesson& L, const s2s::ModelConfig& mc) {
  std::string knobs = fmt::format("cell={}", s2s::to_string(mc.cell));
  std::vector<std::string> notes;
  if (mc.attention) {
    knobs +=
        fmt::format(" score={} placement={}", mc.attn.score, s2s::to_string(mc.attn.placement));
    if (mc.attn.variant != s2s::AttentionVariant::global)
      knobs += fmt::format(" variant={}", s2s::to_string(mc.attn.variant));
    if (mc.attn.self_attention) notes.push_back(L.tr(term::self_attention));
  } else {
    notes.push_back(L.tr("bottleneck: no attention", "瓶颈模型，无注意力"));
  }
  if (mc.reverse_source) notes.push_back(L.tr("source read backwards", "倒序读入源句"));
  notes.push_back(L.tr(mc.bidirectional ? "bidirectional encoder" : "unidirectional encoder",
                       mc.bidirectional ? "双向编码器" : "单向编码器"));
  notes.push_back(fmt::format("E={}", mc.embed));
  notes.push_back(fmt::format("H={}", mc.hidden));
  return L.zh() ? fmt::format("{}（{}）", knobs, fmt::join(notes, "，"))
                : fmt::format("{} ({})", knobs, fmt::join(notes, ", "));
}

// Prints "  model: ..." / "  模型：..." for the model a tutorial trains.
inline void print_model(const Lesson& L, const s2s::ModelConfig& mc) {
  fmt::print("  {}{}\n", L.tr("model: ", "模型："), describe(L, mc));
}

// --- Training with a localized log --------------------------------------------------
// The trainer's own progress lines are English (they serve the CLI too); the
// tutorials turn them off and print one line per epoch here, when `log` is set.
inline void print_epoch(const Lesson& L, const s2s::EpochLog& e) {
  if (L.zh())
    fmt::print(
        "  第 {:>2} 轮：训练损失 {:.4f}  验证损失 {:.4f}  验证集完全匹配率 {:5.1f}%  "
        "梯度范数 {:.2f}  {:.1f} s\n",
        e.epoch, e.train_loss, e.valid_loss, 100 * e.valid_exact, e.grad_norm, e.seconds);
  else
    fmt::print(
        "  epoch {:>2}: train loss {:.4f}  valid loss {:.4f}  valid exact {:5.1f}%  "
        "|g| {:.2f}  {:.1f} s\n",
        e.epoch, e.train_loss, e.valid_loss, 100 * e.valid_exact, e.grad_norm, e.seconds);
}

// A training run bounded by updates only (never by the clock, so a claim does
// not depend on the machine's load): Adam at 3e-3, no early stop.
inline s2s::TrainConfig update_budget(int64_t steps, uint64_t seed) {
  s2s::TrainConfig cfg;
  cfg.epochs = 1000;  // the update budget decides
  cfg.max_steps = steps;
  cfg.patience = 1000;
  cfg.lr = s2s::real(3e-3);
  cfg.seed = seed;
  cfg.valid_examples = 100;
  return cfg;
}

inline s2s::TrainResult train(const Lesson& L, s2s::Seq2Seq& model, const s2s::Splits& data,
                              const s2s::Vocab& sv, const s2s::Vocab& tv, s2s::TrainConfig cfg,
                              bool log = false) {
  cfg.progress = false;
  s2s::TrainResult r = s2s::train(model, data, sv, tv, cfg);
  if (log)
    for (const s2s::EpochLog& e : r.epochs) print_epoch(L, e);
  return r;
}

// --- Alignment error, allowing the shift --------------------------------------------
// A left-to-right encoder's h_{s+1} still carries x_s, so attention may land one
// position right of the gold link and the loss cannot tell (07_score_functions).
// The AER of the greedy outputs three ways: against gold, against gold shifted by
// one ((s, t) -> (min(s+1, n-1), t): the last source token has no h_{n}), and
// allowing the shift (a link on the shifted gold counts as the gold link).
// Predicted links: each output token's most attended source token.
struct AlignmentErrors {
  double gold = 0, shifted = 0, either = 0;
};
inline AlignmentErrors alignment_errors(const s2s::EvalResult& ev,
                                        const std::vector<s2s::Example>& test) {
  std::vector<s2s::Links> pred, gold, shifted, either;
  for (size_t i = 0; i < test.size() && i < ev.outputs.size(); ++i) {
    const s2s::Hypothesis& h = ev.outputs[i];
    const s2s::Example& ex = test[i];
    if (h.weights.empty() || ex.align.empty()) continue;
    const int n = static_cast<int>(ex.src.size());
    const int64_t steps = std::min<int64_t>(h.weights.size(0), std::ssize(h.tokens));
    s2s::Links p = s2s::alignment_from_attention(h.weights.slice(0, 0, steps),
                                                 std::min<int64_t>(n, h.weights.size(1)));
    s2s::Links g(ex.align.begin(), ex.align.end()), sh, e = p;
    for (auto [s, t] : g) sh.emplace_back(std::min(s + 1, n - 1), t);
    for (auto& [s, t] : e)  // move a link that sits on the shifted gold onto gold
      for (size_t k = 0; k < g.size(); ++k)
        if (g[k].second == t && sh[k].first == s) s = g[k].first;
    pred.push_back(std::move(p));
    gold.push_back(std::move(g));
    shifted.push_back(std::move(sh));
    either.push_back(std::move(e));
  }
  return {s2s::corpus_aer(pred, gold), s2s::corpus_aer(pred, shifted),
          s2s::corpus_aer(either, gold)};
}

// --- Plots by sentence length --------------------------------------------------------
// A bucket's middle source length, for an x axis: "6-10" -> 8, "21+" -> 21.
inline double bucket_mid(const s2s::BucketScores& b) {
  const auto dash = b.label.find('-');
  if (dash == std::string::npos) return std::stod(b.label);
  return (std::stod(b.label.substr(0, dash)) + std::stod(b.label.substr(dash + 1))) / 2;
}

// x ticks that name the buckets ("1-5", "6-10", ...) at their middle lengths.
inline std::vector<std::pair<double, std::string>> bucket_ticks(
    const std::vector<s2s::BucketScores>& buckets) {
  std::vector<std::pair<double, std::string>> t;
  for (const auto& b : buckets) t.emplace_back(bucket_mid(b), b.label);
  return t;
}

}  // namespace tutorial
