#pragma once
// For the tutorials that train a sequence-to-sequence model: the knobs
// (--cell, --score, --placement, parsed in common.hpp) applied to a
// ModelConfig, the model described in the narration's language, training with a
// localized log, and x axes by sentence length.
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
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

inline s2s::TrainResult train(const Lesson& L, s2s::Seq2Seq& model, const s2s::Splits& data,
                              const s2s::Vocab& sv, const s2s::Vocab& tv, s2s::TrainConfig cfg,
                              bool log = false) {
  cfg.progress = false;
  s2s::TrainResult r = s2s::train(model, data, sv, tv, cfg);
  if (log)
    for (const s2s::EpochLog& e : r.epochs) print_epoch(L, e);
  return r;
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
