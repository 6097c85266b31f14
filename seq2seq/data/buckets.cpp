#include "seq2seq/data/buckets.hpp"

#include "core/error.hpp"

namespace s2s {

namespace {
void check_edges(const std::vector<int>& edges) {
  S2S_CHECK(!edges.empty(), "buckets: need at least one edge, got none");
  S2S_CHECK(edges[0] >= 1, "buckets: edges must be >= 1, got {}", edges[0]);
  for (size_t i = 1; i < edges.size(); ++i)
    S2S_CHECK(edges[i] > edges[i - 1], "buckets: edges must increase, got {} after {}", edges[i],
              edges[i - 1]);
}
}  // namespace

int bucket_index(int64_t len, const std::vector<int>& edges) {
  check_edges(edges);
  int b = 0;
  while (b < static_cast<int>(edges.size()) && len > edges[static_cast<size_t>(b)]) ++b;
  return b;
}

std::vector<std::string> bucket_labels(const std::vector<int>& edges) {
  check_edges(edges);
  std::vector<std::string> out;
  int lo = 1;
  for (int e : edges) {
    out.push_back(fmt::format("{}-{}", lo, e));
    lo = e + 1;
  }
  out.push_back(fmt::format("{}+", lo));
  return out;
}

std::vector<std::vector<const Example*>> bucket_by_length(const std::vector<Example>& examples,
                                                          const std::vector<int>& edges) {
  check_edges(edges);
  std::vector<std::vector<const Example*>> out(edges.size() + 1);
  for (const auto& ex : examples)
    out[static_cast<size_t>(bucket_index(static_cast<int64_t>(ex.src.size()), edges))].push_back(
        &ex);
  return out;
}

}  // namespace s2s
