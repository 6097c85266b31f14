#pragma once
// BucketReport: any metric, aggregated per source-length bucket.
//   BucketReport rep({5, 10, 20, 40});
//   for each test example: rep.add(src_len, correct ? 1 : 0);          // exact match
//   or:                    rep.add(src_len, n_correct_tokens, n_tokens); // token accuracy
//   fmt::print("{}", rep.table("exact match"));
// A bucket's value is sum(numerator) / sum(denominator).
#include <cstdint>
#include <string>
#include <vector>

namespace s2s {

class BucketReport {
 public:
  explicit BucketReport(std::vector<int> edges);  // edges as in seq2seq/data/buckets.hpp

  void add(int64_t src_len, double numerator, double denominator = 1.0);

  struct Row {
    std::string label;  // "6-10"
    int64_t count;      // number of add() calls
    double value;       // numerator / denominator; 0 when empty
  };
  std::vector<Row> rows() const;  // one per bucket, empty ones included
  // A plain-text table of the non-empty buckets: "bucket  count  <metric>".
  std::string table(const std::string& metric_name) const;

 private:
  std::vector<int> edges_;
  std::vector<int64_t> count_;
  std::vector<double> num_, den_;
};

}  // namespace s2s
