#pragma once
// Shapes are lists of sizes, outermost first: (B,S,H) = {B, S, H}.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace s2s {

// A list of at most kMaxRank sizes, stored inline. It reads like a
// std::vector<int64_t> (size, [], begin/end, push_back, insert, erase, ==), but
// never touches the heap: every tensor and every op result has a shape, and
// a heap-allocated one made a malloc and a free per tensor (a training step
// of the small reference model made over a thousand of them).
class Shape {
 public:
  static constexpr size_t kMaxRank = 8;
  using value_type = int64_t;
  using size_type = size_t;
  using iterator = int64_t*;
  using const_iterator = const int64_t*;

  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : Shape(dims.begin(), dims.end()) {}
  explicit Shape(size_t rank, int64_t value = 0) { resize(rank, value); }
  template <class It, class = decltype(*std::declval<It>())>
  Shape(It first, It last) {
    for (; first != last; ++first) push_back(static_cast<int64_t>(*first));
  }
  Shape(const std::vector<int64_t>& dims) : Shape(dims.begin(), dims.end()) {}  // NOLINT

  size_t size() const { return rank_; }
  bool empty() const { return rank_ == 0; }
  int64_t* data() { return dims_; }
  const int64_t* data() const { return dims_; }
  iterator begin() { return dims_; }
  iterator end() { return dims_ + rank_; }
  const_iterator begin() const { return dims_; }
  const_iterator end() const { return dims_ + rank_; }
  int64_t& operator[](size_t i) { return dims_[i]; }
  int64_t operator[](size_t i) const { return dims_[i]; }
  int64_t& front() { return dims_[0]; }
  int64_t front() const { return dims_[0]; }
  int64_t& back() { return dims_[rank_ - 1]; }
  int64_t back() const { return dims_[rank_ - 1]; }

  void push_back(int64_t d) {
    if (rank_ >= kMaxRank) too_many(rank_ + 1);
    dims_[rank_++] = d;
  }
  void pop_back() { --rank_; }
  void clear() { rank_ = 0; }
  void resize(size_t rank, int64_t value = 0) {
    if (rank > kMaxRank) too_many(rank);
    for (size_t i = rank_; i < rank; ++i) dims_[i] = value;
    rank_ = static_cast<uint8_t>(rank);
  }
  iterator insert(const_iterator pos, int64_t d) {
    const size_t at = static_cast<size_t>(pos - dims_);
    if (rank_ >= kMaxRank) too_many(rank_ + 1);
    std::copy_backward(dims_ + at, dims_ + rank_, dims_ + rank_ + 1);
    dims_[at] = d;
    ++rank_;
    return dims_ + at;
  }
  iterator erase(const_iterator pos) {
    const size_t at = static_cast<size_t>(pos - dims_);
    std::copy(dims_ + at + 1, dims_ + rank_, dims_ + at);
    --rank_;
    return dims_ + at;
  }
  std::vector<int64_t> to_vector() const { return {begin(), end()}; }

  friend bool operator==(const Shape& a, const Shape& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  [[noreturn]] static void too_many(size_t rank);  // throws Error
  int64_t dims_[kMaxRank] = {};
  uint8_t rank_ = 0;
};

std::string shape_str(const Shape& s);               // "(2,3)"
int64_t shape_numel(const Shape& s);                 // product of sizes; 1 for a scalar ()
void check_shape(const Shape& s, const char* what);  // throws on a negative size
// Turns a possibly negative axis (-1 = last) into 0..rank-1, or throws naming op.
int normalize_axis(int axis, int64_t rank, const char* op);
// numpy broadcasting: sizes aligned from the right must match or be 1.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
// Row-major strides: the last axis has stride 1.
Shape strides_of(const Shape& s);  // (a list of at most 8 numbers, like a shape)

}  // namespace s2s
