#pragma once
// Length buckets: "how does accuracy change with sentence length?" is the
// classic experiment behind attention (without it, long sentences degrade).
// edges are increasing inclusive upper bounds: {5, 10, 20} gives buckets
// "1-5", "6-10", "11-20" and an overflow bucket "21+" (always present, maybe empty).
#include <cstdint>
#include <string>
#include <vector>

#include "seq2seq/data/example.hpp"

namespace s2s {

// Index of the bucket holding a sequence of length len: 0..edges.size().
int bucket_index(int64_t len, const std::vector<int>& edges);
std::vector<std::string> bucket_labels(const std::vector<int>& edges);
// Groups examples by source length; result has edges.size() + 1 buckets.
std::vector<std::vector<const Example*>> bucket_by_length(const std::vector<Example>& examples,
                                                          const std::vector<int>& edges);

}  // namespace s2s
