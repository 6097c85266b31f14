#include "seq2seq/cli/ensemble_models.hpp"

#include <fmt/format.h>

#include "seq2seq/cli/validate.hpp"
#include "seq2seq/data/read_limits.hpp"
#include "seq2seq/model/model_budget.hpp"

namespace s2s::cli {

namespace {

std::string quoted(const std::string& s) { return "'" + printable(s, 60) + "'"; }

// "" when a and b are the same tokens in the same order; else the first difference.
std::string first_difference(const Vocab& a, const Vocab& b) {
  const int64_t n = std::min(a.size(), b.size());
  const std::string sizes =
      a.size() == b.size()
          ? fmt::format("{} tokens each", a.size())
          : fmt::format("the first has {} tokens, the second {}", a.size(), b.size());
  for (int64_t i = 0; i < n; ++i)
    if (a.word(i) != b.word(i))
      return fmt::format("{}; token {} is {} in the first and {} in the second", sizes, i,
                         quoted(a.word(i)), quoted(b.word(i)));
  if (a.size() == b.size()) return "";
  return fmt::format("{}; the first {} are the same", sizes, n);
}

}  // namespace

void check_model_count(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw UsageError("--model is required");
  if (dirs.size() > kMaxModels)
    throw UsageError(fmt::format(
        "--model is given {} times, more than the limit of {} (an ensemble holds every model in "
        "memory and runs each one at every step)",
        dirs.size(), kMaxModels));
}

void check_same_vocabularies(const LoadedModel& a, const std::string& a_dir, const LoadedModel& b,
                             const std::string& b_dir) {
  for (const bool source : {true, false}) {
    const std::string diff = source ? first_difference(a.src_vocab, b.src_vocab)
                                    : first_difference(a.tgt_vocab, b.tgt_vocab);
    if (diff.empty()) continue;
    throw Error(fmt::format(
        "--model {} and --model {} cannot decode together: their {} vocabularies differ ({}). "
        "An ensemble averages the models' log-probabilities token by token, so all its models "
        "need the same source and target vocabularies (train them on the same data)",
        quoted(a_dir), quoted(b_dir), source ? "source" : "target", diff));
  }
}

std::vector<LoadedModel> load_models(const std::vector<std::string>& dirs) {
  check_model_count(dirs);
  std::vector<LoadedModel> models;
  models.reserve(dirs.size());
  double bytes = 0;  // the models loaded so far, together (load_model checks each alone)
  for (size_t m = 0; m < dirs.size(); ++m) {
    models.push_back(load_model(dirs[m]));
    if (m > 0) check_same_vocabularies(models.front(), dirs.front(), models.back(), dirs[m]);
    bytes += estimate_budget(models.back().model->config()).decode_bytes;
    if (m + 1 < dirs.size() && bytes > memory_limit_bytes())
      throw Error(fmt::format(
          "the first {} --model folders already take about {}, more than the limit of {}: give "
          "fewer or smaller models",
          m + 1, human_bytes(bytes), human_bytes(memory_limit_bytes())));
  }
  return models;
}

Ensemble ensemble_of(const std::vector<LoadedModel>& models) {
  Ensemble e;
  for (const LoadedModel& lm : models) e.push_back(lm.model.get());
  return e;
}

std::vector<const LoadedModel*> pointers_to(const std::vector<LoadedModel>& models) {
  std::vector<const LoadedModel*> p;
  for (const LoadedModel& lm : models) p.push_back(&lm);
  return p;
}

std::string describe_ensemble(const std::vector<LoadedModel>& models,
                              const std::vector<std::string>& dirs) {
  std::string s = fmt::format(
      "ensemble of {} models (their log-probabilities averaged at each step):\n", models.size());
  for (size_t m = 0; m < models.size(); ++m)
    s += fmt::format("  {}. {}: {} ({} parameters)\n", m + 1, printable(dirs[m], 200),
                     models[m].model->describe(), models[m].model->num_parameters());
  return s;
}

std::string heatmap_note(const std::vector<LoadedModel>& models,
                         const std::vector<std::string>& dirs) {
  if (models.size() < 2) return "";
  const int64_t shown = attention_source(ensemble_of(models));
  if (shown < 0) return "";
  return fmt::format("(attention of model {} of {}, {}, along the ensemble's output)\n", shown + 1,
                     models.size(), quoted(dirs[static_cast<size_t>(shown)]));
}

}  // namespace s2s::cli
