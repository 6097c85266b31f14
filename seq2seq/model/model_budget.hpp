#pragma once
// Sizes before allocation: a model's parameter count and memory, estimated from
// its ModelConfig alone (flags, or a checkpoint's metadata), so that
// `--hidden 100000` or a hostile checkpoint is refused with a message instead of
// dying in bad_alloc.
#include <string>

#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

struct ModelBudget {
  double parameters = 0;    // an upper estimate of Seq2Seq(c).num_parameters()
  double train_bytes = 0;   // weights, gradients, two Adam moments, one batch's activations
  double decode_bytes = 0;  // weights and a beam's decoder states and scores
};

// batch: training batch size; max_len: longest sequence; beam: beam size.
ModelBudget estimate_budget(const ModelConfig& c, int64_t batch = 32, int64_t max_len = 50,
                            int64_t beam = 1);

// The memory a run may use: physical memory (or a cgroup limit, if lower), times 0.8.
double memory_limit_bytes();

// "1.9 TB", "310 MB".
std::string human_bytes(double bytes);

// Throws s2s::Error when a size is out of range or the estimate exceeds
// memory_limit_bytes(): the message names the setting that weighs most and the
// estimate. `training` picks train_bytes, else decode_bytes. `source` says where
// the sizes came from ("flags" or "checkpoint 'DIR'").
void check_budget(const ModelConfig& c, bool training, const std::string& source,
                  int64_t batch = 32, int64_t max_len = 50, int64_t beam = 1);

}  // namespace s2s
