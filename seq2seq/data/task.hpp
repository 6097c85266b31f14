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
#include "seq2seq/data/example.hpp"

namespace s2s {

struct TaskConfig {
  uint64_t seed = 1;
  int n_train = 1000, n_valid = 100, n_test = 100;
  int min_len = 1, max_len = 10;  // source length in tokens (ignored by "dates")
  int alphabet = 10;              // copy/reverse/sort: number of symbols (2..26)
};

// name: "copy", "reverse", "sort", "dates" or "toy_en_es".
// An unknown name throws s2s::Error listing the valid names.
Splits make_task(const std::string& name, const TaskConfig& cfg);
const std::vector<std::string>& task_names();

// Calls draw(rng) until n_train + n_valid + n_test examples with distinct
// sources are collected, then deals them out in order to train, valid, test.
// Throws (naming `task`) when the space of sentences is too small.
Splits draw_unique_splits(const std::function<Example(Rng&)>& draw, uint64_t seed, int n_train,
                          int n_valid, int n_test, const std::string& task);

}  // namespace s2s
