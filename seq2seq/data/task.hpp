#pragma once
// One entry point for every generated dataset:
//   Splits s = make_task("reverse", TaskConfig{.seed = 7, .n_train = 5000});
// Each task is deterministic given the seed (only s2s::Rng is used), comes with
// gold alignments, and its splits share no source sentence (test never
// overlaps train), so test scores measure generalisation, not memory.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "nn/registry.hpp"
#include "seq2seq/data/example.hpp"

namespace s2s {

struct TaskConfig {
  uint64_t seed = 1;
  int n_train = 1000, n_valid = 100, n_test = 100;
  int min_len = 1, max_len = 10;  // source length in tokens (ignored by "dates")
  int alphabet = 10;              // copy/reverse/sort: number of symbols (2..26)
  // cmudict: the dictionary file ("" = festlex-cmu's), whether stress is kept, and
  // whether a word keeps its first pronunciation only (seq2seq/data/cmudict.hpp).
  // Its splits are its own (by a hash of the word); n_train / n_valid / n_test
  // and max_len, when > 0, keep only the first so many training pairs / valid and
  // test words / shorter words.
  std::string dict;
  bool stress = false;
  bool first_pronunciation = false;
  // Told one line about the data read, when set (cmudict: the words and
  // pronunciations kept, and how many entries were skipped and why).
  std::function<void(const std::string&)> note;
  double timeout_seconds = 0;  // cmudict read from a pipe: give up after this (0: wait)
};

// The one list of tasks: the CLI's --task choices and help read it.
struct TaskEntry {
  const char* name;  // on the CLI
  const char* help;
  Splits (*make)(const TaskConfig& cfg);
};
const Registry<TaskEntry>& task_registry();

// Builds the task called `name`; an unknown name throws s2s::Error listing the known ones.
Splits make_task(const std::string& name, const TaskConfig& cfg);
std::vector<std::string> task_names();

// Calls draw(rng) until n_train + n_valid + n_test examples with distinct
// sources are collected, then deals them out in order to train, valid, test.
// Throws (naming `task`) when the space of sentences is too small.
Splits draw_unique_splits(const std::function<Example(Rng&)>& draw, uint64_t seed, int n_train,
                          int n_valid, int n_test, const std::string& task);

}  // namespace s2s
