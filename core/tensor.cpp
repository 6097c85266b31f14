#include "core/tensor.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace s2s {

Tensor::Tensor(Shape shape, real fill) : shape_(std::move(shape)) {
  check_shape(shape_, "Tensor");
  data_.assign(static_cast<size_t>(shape_numel(shape_)), fill);
}

Tensor Tensor::uninitialized(Shape shape) {
  check_shape(shape, "Tensor::uninitialized");
  Tensor t(UninitTag{}, std::move(shape));  // (not Tensor(): its shape (0,) would be a malloc)
  t.data_.resize(static_cast<size_t>(shape_numel(t.shape_)));
  return t;
}

Tensor Tensor::from(Shape shape, std::vector<real> values) {
  check_shape(shape, "Tensor::from");
  S2S_CHECK(static_cast<int64_t>(values.size()) == shape_numel(shape),
            "Tensor::from: shape {} needs {} values, got {}", shape_str(shape), shape_numel(shape),
            values.size());
  Tensor t;
  t.shape_ = std::move(shape);
  t.data_.assign(values.begin(), values.end());
  return t;
}

Tensor Tensor::arange(real start, real stop, real step) {
  S2S_CHECK(step != 0, "Tensor::arange: step must not be 0");
  std::vector<real> v;
  for (real x = start; step > 0 ? x < stop : x > stop; x += step) v.push_back(x);
  int64_t n = static_cast<int64_t>(v.size());
  return from({n}, std::move(v));
}

Tensor Tensor::normal(Shape shape, Rng& rng, real mean, real stddev) {
  Tensor t(std::move(shape));
  for (real& x : t.data_) x = static_cast<real>(rng.normal(mean, stddev));
  return t;
}

Tensor Tensor::uniform(Shape shape, Rng& rng, real lo, real hi) {
  Tensor t(std::move(shape));
  for (real& x : t.data_) x = static_cast<real>(rng.uniform(lo, hi));
  return t;
}

int64_t Tensor::size(int axis) const { return shape_[normalize_axis(axis, rank(), "size")]; }

namespace {
int64_t flat_index(const Shape& shape, std::initializer_list<int64_t> idx) {
  S2S_CHECK(idx.size() == shape.size(), "Tensor::at: {} indices for a tensor of shape {}",
            idx.size(), shape_str(shape));
  int64_t flat = 0, i = 0;
  for (int64_t k : idx) {
    S2S_CHECK(k >= 0 && k < shape[i], "Tensor::at: index {} out of range for axis {} of shape {}",
              k, i, shape_str(shape));
    flat = flat * shape[i] + k;
    ++i;
  }
  return flat;
}
}  // namespace

real& Tensor::at(std::initializer_list<int64_t> idx) { return data_[flat_index(shape_, idx)]; }
real Tensor::at(std::initializer_list<int64_t> idx) const { return data_[flat_index(shape_, idx)]; }

real Tensor::item() const {
  S2S_CHECK(numel() == 1, "item: needs a tensor with one element, got shape {}", shape_str(shape_));
  return data_[0];
}

Shape Tensor::resolve_reshape(Shape shape) const {
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      S2S_CHECK(infer < 0, "reshape: only one size may be -1, got {}", shape_str(shape));
      infer = static_cast<int>(i);
    } else {
      S2S_CHECK(shape[i] >= 0, "reshape: sizes must be >= 0 or -1, got {}", shape_str(shape));
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    S2S_CHECK(known != 0 && numel() % known == 0, "reshape: cannot reshape {} into {}",
              shape_str(shape_), shape_str(shape));
    shape[infer] = numel() / known;
  }
  S2S_CHECK(shape_numel(shape) == numel(), "reshape: cannot reshape {} ({} elements) into {}",
            shape_str(shape_), numel(), shape_str(shape));
  return shape;
}

Tensor Tensor::reshape(Shape shape) const& {
  Tensor t = *this;
  t.shape_ = resolve_reshape(std::move(shape));
  return t;
}
Tensor Tensor::reshape(Shape shape) && {
  shape_ = resolve_reshape(std::move(shape));
  return std::move(*this);
}

Tensor Tensor::permute(const std::vector<int>& axes) const {
  const int64_t r = rank();
  S2S_CHECK(static_cast<int64_t>(axes.size()) == r,
            "permute: {} axes given for a tensor of shape {}", axes.size(), shape_str(shape_));
  std::vector<int> ax(axes.size());
  std::vector<bool> seen(axes.size(), false);
  for (size_t i = 0; i < axes.size(); ++i) {
    ax[i] = normalize_axis(axes[i], r, "permute");
    S2S_CHECK(!seen[ax[i]], "permute: axis {} given twice", ax[i]);
    seen[ax[i]] = true;
  }
  Shape out_shape(r);
  for (int64_t i = 0; i < r; ++i) out_shape[i] = shape_[ax[i]];
  Tensor out = uninitialized(out_shape);
  if (r == 0) out.data_[0] = data_[0];  // a scalar: nothing to permute
  if (r == 0 || out.numel() == 0) return out;
  auto in_st = strides_of(shape_);
  // The output is written in order, one row (its last axis) at a time; along a row
  // the input is read with the stride of the axis that became the last.
  const int64_t row = out_shape[r - 1], step = in_st[ax[r - 1]];
  Shape idx(static_cast<size_t>(r), 0);  // odometer over the output's rows
  for (int64_t o = 0; o < out.numel(); o += row) {
    int64_t src = 0;
    for (int64_t i = 0; i < r - 1; ++i) src += idx[i] * in_st[ax[i]];
    for (int64_t k = 0; k < row; ++k) out.data_[o + k] = data_[src + k * step];
    for (int64_t i = r - 2; i >= 0; --i) {
      if (++idx[i] < out_shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

Tensor Tensor::transpose(int a, int b) const {
  std::vector<int> ax(rank());
  for (int i = 0; i < rank(); ++i) ax[i] = i;
  int na = normalize_axis(a, rank(), "transpose"), nb = normalize_axis(b, rank(), "transpose");
  std::swap(ax[na], ax[nb]);
  return permute(ax);
}

Tensor Tensor::slice(int axis, int64_t start, int64_t stop) const {
  int a = normalize_axis(axis, rank(), "slice");
  S2S_CHECK(0 <= start && start <= stop && stop <= shape_[a],
            "slice: range [{}, {}) is outside axis {} of size {} (shape {})", start, stop, a,
            shape_[a], shape_str(shape_));
  Shape out_shape = shape_;
  out_shape[a] = stop - start;
  Tensor out = uninitialized(out_shape);
  int64_t outer = shape_numel(Shape(shape_.begin(), shape_.begin() + a));
  int64_t inner = shape_numel(Shape(shape_.begin() + a + 1, shape_.end()));
  int64_t n = stop - start;
  for (int64_t o = 0; o < outer; ++o)
    std::copy_n(data_.begin() + (o * shape_[a] + start) * inner, n * inner,
                out.data_.begin() + o * n * inner);
  return out;
}

Tensor Tensor::concat(const std::vector<Tensor>& parts, int axis) {
  std::vector<const Tensor*> ptrs;
  ptrs.reserve(parts.size());
  for (const Tensor& p : parts) ptrs.push_back(&p);
  return concat(std::span<const Tensor* const>(ptrs), axis);
}

Tensor Tensor::concat(std::span<const Tensor* const> parts, int axis) {
  S2S_CHECK(!parts.empty(), "concat: needs at least one tensor");
  const Shape& s0 = parts[0]->shape();
  int a = normalize_axis(axis, static_cast<int64_t>(s0.size()), "concat");
  Shape out_shape = s0;
  out_shape[a] = 0;
  for (const Tensor* p : parts) {
    bool ok = p->rank() == static_cast<int64_t>(s0.size());
    for (size_t i = 0; ok && i < s0.size(); ++i)
      if (static_cast<int>(i) != a && p->shape()[i] != s0[i]) ok = false;
    S2S_CHECK(ok, "concat: shapes {} and {} differ outside axis {}", shape_str(s0),
              shape_str(p->shape()), a);
    out_shape[a] += p->shape()[a];
  }
  Tensor out = uninitialized(out_shape);
  int64_t outer = shape_numel(Shape(s0.begin(), s0.begin() + a));
  int64_t inner = shape_numel(Shape(s0.begin() + a + 1, s0.end()));
  int64_t row = out_shape[a] * inner, offset = 0;
  for (const Tensor* p : parts) {
    int64_t n = p->shape()[a] * inner;
    for (int64_t o = 0; o < outer; ++o)
      std::copy_n(p->data_.begin() + o * n, n, out.data_.begin() + o * row + offset);
    offset += n;
  }
  return out;
}

Tensor Tensor::stack(const std::vector<Tensor>& parts, int axis) {
  S2S_CHECK(!parts.empty(), "stack: needs at least one tensor");
  int a = normalize_axis(axis, parts[0].rank() + 1, "stack");
  std::vector<Tensor> expanded;
  expanded.reserve(parts.size());
  for (const Tensor& p : parts) {
    S2S_CHECK(p.shape() == parts[0].shape(), "stack: shapes {} and {} differ",
              shape_str(parts[0].shape()), shape_str(p.shape()));
    Shape s = p.shape();
    s.insert(s.begin() + a, 1);
    expanded.push_back(p.reshape(s));
  }
  return concat(expanded, a);
}

void Tensor::fill(real v) { std::fill(data_.begin(), data_.end(), v); }

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol) {
  if (a.shape() != b.shape()) return false;
  for (int64_t i = 0; i < a.numel(); ++i) {
    double x = a[i], y = b[i];
    if (!(std::abs(x - y) <= atol + rtol * std::abs(y))) return false;
  }
  return true;
}

namespace {
void format_rec(std::string& out, const Tensor& t, size_t axis, int64_t offset, const Shape& st) {
  if (axis == t.shape().size()) {
    out += fmt::format("{:.4g}", static_cast<double>(t[offset]));
    return;
  }
  out += '[';
  const int64_t n = t.shape()[axis];
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    if (n > 12 && i == 6) {  // long axes: first 6, "...", last 3
      out += "..., ";
      i = n - 3;
    }
    format_rec(out, t, axis + 1, offset + i * st[axis], st);
  }
  out += ']';
}
}  // namespace

std::string to_string(const Tensor& t) {
  std::string body;
  format_rec(body, t, 0, 0, strides_of(t.shape()));
  return fmt::format("Tensor{} {}", shape_str(t.shape()), body);
}

}  // namespace s2s
