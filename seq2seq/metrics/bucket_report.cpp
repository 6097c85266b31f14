#include "seq2seq/metrics/bucket_report.hpp"

#include <fmt/format.h>

#include "seq2seq/data/buckets.hpp"

namespace s2s {

BucketReport::BucketReport(std::vector<int> edges) : edges_(std::move(edges)) {
  size_t n = bucket_labels(edges_).size();  // validates the edges
  count_.assign(n, 0);
  num_.assign(n, 0.0);
  den_.assign(n, 0.0);
}

void BucketReport::add(int64_t src_len, double numerator, double denominator) {
  size_t b = static_cast<size_t>(bucket_index(src_len, edges_));
  ++count_[b];
  num_[b] += numerator;
  den_[b] += denominator;
}

std::vector<BucketReport::Row> BucketReport::rows() const {
  std::vector<std::string> labels = bucket_labels(edges_);
  std::vector<Row> out;
  for (size_t b = 0; b < labels.size(); ++b)
    out.push_back({labels[b], count_[b], den_[b] == 0 ? 0.0 : num_[b] / den_[b]});
  return out;
}

std::string BucketReport::table(const std::string& metric_name) const {
  std::string s = fmt::format("{:>8}  {:>6}  {}\n", "src len", "count", metric_name);
  for (const Row& r : rows())
    if (r.count > 0) s += fmt::format("{:>8}  {:>6}  {:.4f}\n", r.label, r.count, r.value);
  return s;
}

}  // namespace s2s
