#pragma once
// `s2s eval` and `s2s translate` with --model given several times: the folders
// load one by one (each with load_model's checks and read limits; nothing is
// written), and must share both vocabularies, checked before any decoding.
#include <string>
#include <vector>

#include "seq2seq/decoding/ensemble.hpp"
#include "seq2seq/model/checkpoint.hpp"

namespace s2s::cli {

// At most this many --model folders: each is held in memory at once, and each
// adds a full decoder pass to every step.
inline constexpr size_t kMaxModels = 16;

// Throws UsageError for no folder or more than kMaxModels.
void check_model_count(const std::vector<std::string>& dirs);

// Loads every folder, in order; the second and later are checked against the
// first as soon as they are read (check_same_vocabularies).
std::vector<LoadedModel> load_models(const std::vector<std::string>& dirs);

// Throws s2s::Error naming both folders and the first difference when the
// source or the target vocabularies are not the same tokens in the same order.
void check_same_vocabularies(const LoadedModel& a, const std::string& a_dir, const LoadedModel& b,
                             const std::string& b_dir);

// The models, for decoding (decoding/ensemble.hpp); and as LoadedModel pointers.
Ensemble ensemble_of(const std::vector<LoadedModel>& models);
std::vector<const LoadedModel*> pointers_to(const std::vector<LoadedModel>& models);

// "ensemble of 2 models (log-probabilities averaged at each step):\n  1. DIR: gru, H=64, ...\n"
std::string describe_ensemble(const std::vector<LoadedModel>& models,
                              const std::vector<std::string>& dirs);

// What --heatmap shows with several models: one line, or "" for one model
// (the heatmap then is that model's, as always).
std::string heatmap_note(const std::vector<LoadedModel>& models,
                         const std::vector<std::string>& dirs);

}  // namespace s2s::cli
