#pragma once
// Tensor: a plain value. Contiguous row-major storage of `real` numbers and a
// shape. Copying a Tensor copies its numbers; it holds no graph history (that
// is Var's job, core/var.hpp).
#include <fmt/format.h>

#include <initializer_list>
#include <span>
#include <utility>
#include <vector>

#include "core/fast/storage_pool.hpp"  // the numeric backend: where the numbers live
#include "core/real.hpp"
#include "core/rng.hpp"
#include "core/shape.hpp"

namespace s2s {

class Tensor {
 public:
  Tensor() : shape_{0} {}  // empty: shape (0,), no elements
  // The numbers: read it as std::vector<real>. Its allocator (the seam,
  // core/fast/storage_pool.hpp) recycles blocks and skips zeroing on resize.
  using Storage = std::vector<real, StorageAllocator<real>>;

  explicit Tensor(Shape shape, real fill = 0);

  // --- factories -------------------------------------------------------------
  static Tensor zeros(Shape shape) { return Tensor(std::move(shape), 0); }
  static Tensor ones(Shape shape) { return Tensor(std::move(shape), 1); }
  static Tensor full(Shape shape, real value) { return Tensor(std::move(shape), value); }
  static Tensor scalar(real value) { return Tensor(Shape{}, value); }
  // The numbers are left unset: only for outputs every element of which is
  // written next (op results computed in full). Reading one first is a bug.
  static Tensor uninitialized(Shape shape);
  // Takes the numbers row-major; their count must equal the shape's size.
  static Tensor from(Shape shape, std::vector<real> values);
  static Tensor arange(int64_t n) { return arange(0, static_cast<real>(n), 1); }
  static Tensor arange(real start, real stop, real step = 1);
  static Tensor normal(Shape shape, Rng& rng, real mean = 0, real stddev = 1);
  static Tensor uniform(Shape shape, Rng& rng, real lo, real hi);

  // --- inspection --------------------------------------------------------------
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t size(int axis) const;  // negative axis counts from the end
  int64_t numel() const { return static_cast<int64_t>(data_.size()); }
  bool empty() const { return data_.empty(); }
  real* data() { return data_.data(); }
  const real* data() const { return data_.data(); }
  Storage& values() { return data_; }
  const Storage& values() const { return data_; }
  std::vector<real> to_vector() const { return {data_.begin(), data_.end()}; }

  // Flat (row-major) element access, unchecked like std::vector::operator[].
  real& operator[](int64_t i) { return data_[static_cast<size_t>(i)]; }
  real operator[](int64_t i) const { return data_[static_cast<size_t>(i)]; }
  // Checked multi-index access: t.at({b, s, h}).
  real& at(std::initializer_list<int64_t> idx);
  real at(std::initializer_list<int64_t> idx) const;
  real item() const;  // the single value of a one-element tensor

  // --- layout ----------------------------------------------------------------
  // reshape moves no elements (and, on an rvalue, copies none): one size may be -1.
  Tensor reshape(Shape shape) const&;
  Tensor reshape(Shape shape) &&;
  Tensor permute(const std::vector<int>& axes) const;         // copies into the new order
  Tensor transpose(int a, int b) const;                       // swap two axes (copy)
  Tensor slice(int axis, int64_t start, int64_t stop) const;  // [start, stop) along axis
  static Tensor concat(const std::vector<Tensor>& parts, int axis);
  static Tensor concat(std::span<const Tensor* const> parts, int axis);  // no copies of the parts
  static Tensor stack(const std::vector<Tensor>& parts, int axis);

  void fill(real v);

 private:
  struct UninitTag {};
  Tensor(UninitTag, Shape shape) : shape_(std::move(shape)) {}
  Shape shape_;
  Storage data_;
  Shape resolve_reshape(Shape shape) const;
};

// True when every element differs by at most atol + rtol*|b|.
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8);
std::string to_string(const Tensor& t);

}  // namespace s2s

// fmt::format("{}", tensor) prints shape and values (nested brackets).
template <>
struct fmt::formatter<s2s::Tensor> : fmt::formatter<std::string_view> {
  auto format(const s2s::Tensor& t, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(s2s::to_string(t), ctx);
  }
};
