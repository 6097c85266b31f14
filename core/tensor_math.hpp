#pragma once
// Plain math on Tensor values: no graph is recorded. Forward passes compute
// with these, and every backward pass is written with them.
#include <cmath>

#include "core/error.hpp"
#include "core/tensor.hpp"

namespace s2s {

// --- elementwise with numpy broadcasting -------------------------------------
// out[i] = f(a[i'], b[i'']) where a, b are broadcast to the common shape.
template <class F>
Tensor zip(const Tensor& a, const Tensor& b, F f, const char* op);
// out[i] = f(a[i]).
template <class F>
Tensor map(const Tensor& a, F f) {
  Tensor out = Tensor::uninitialized(a.shape());
  const real* x = a.data();
  real* y = out.data();
  for (int64_t i = 0, n = a.numel(); i < n; ++i) y[i] = f(x[i]);
  return out;
}

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a);
Tensor operator+(const Tensor& a, real s);
Tensor operator*(const Tensor& a, real s);
inline Tensor operator*(real s, const Tensor& a) { return a * s; }
inline Tensor operator-(const Tensor& a, real s) { return a + (-s); }
inline Tensor operator+(real s, const Tensor& a) { return a + s; }
Tensor operator-(real s, const Tensor& a);
// Accumulate: a += b where b's shape broadcasts to a's (a's shape never changes).
Tensor& operator+=(Tensor& a, const Tensor& b);
Tensor& operator-=(Tensor& a, const Tensor& b);
Tensor& operator*=(Tensor& a, real s);

// --- broadcasting helpers ------------------------------------------------------
Tensor broadcast_to(const Tensor& a, const Shape& shape);
// The reverse of broadcasting: sums g over the axes that were broadcast so the
// result has `shape` (backward of every broadcasting op ends with this).
Tensor sum_to(Tensor g, const Shape& shape);

// --- reductions ----------------------------------------------------------------
Tensor sum(const Tensor& a, int axis, bool keepdim = false);
Tensor max(const Tensor& a, int axis, bool keepdim = false);
std::vector<int64_t> argmax(const Tensor& a,
                            int axis);  // indices along axis, row-major over the rest
real sum_all(const Tensor& a);
real max_abs(const Tensor& a);
real norm(const Tensor& a);  // Euclidean norm of all elements
bool all_finite(const Tensor& a);

// --- math --------------------------------------------------------------------
Tensor exp(const Tensor& a);
Tensor log(const Tensor& a);
Tensor tanh(const Tensor& a);
Tensor sigmoid(const Tensor& a);
Tensor sqrt(const Tensor& a);
Tensor softmax(const Tensor& a, int axis);
Tensor log_softmax(const Tensor& a, int axis);

// matmul: (M,K)@(K,N) -> (M,N); (B,M,K)@(B,K,N) -> (B,M,N); (B,M,K)@(K,N) -> (B,M,N).
Tensor matmul(const Tensor& a, const Tensor& b);

// ===== implementation of zip (a template, so it lives in the header) ==========
namespace detail {
// Strides of `s` seen through the broadcast shape `out` (0 where broadcast).
Shape broadcast_strides(const Shape& s, const Shape& out);
}  // namespace detail

template <class F>
Tensor zip(const Tensor& a, const Tensor& b, F f, const char* op) {
  if (a.shape() == b.shape()) {  // fast path: same shape
    Tensor out = Tensor::uninitialized(a.shape());
    const real *x = a.data(), *y = b.data();
    real* z = out.data();
    for (int64_t i = 0, n = a.numel(); i < n; ++i) z[i] = f(x[i], y[i]);
    return out;
  }
  Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  Tensor out = Tensor::uninitialized(shape);
  if (b.numel() == 1) {  // fast path: tensor with a scalar
    const real* x = a.data();
    real y = b[0];
    real* z = out.data();
    for (int64_t i = 0, n = out.numel(); i < n; ++i) z[i] = f(x[i], y);
    return out;
  }
  const auto sa = detail::broadcast_strides(a.shape(), shape);
  const auto sb = detail::broadcast_strides(b.shape(), shape);
  const int64_t r = static_cast<int64_t>(shape.size());
  const int64_t inner = shape.empty() ? 1 : shape.back();
  const int64_t ia = r ? sa[r - 1] : 0, ib = r ? sb[r - 1] : 0;
  Shape idx(static_cast<size_t>(r), 0);  // (inline: no heap allocation per op)
  const real *x = a.data(), *y = b.data();
  real* z = out.data();
  for (int64_t o = 0, n = out.numel(); o < n; o += inner) {
    int64_t pa = 0, pb = 0;
    for (int64_t i = 0; i + 1 < r; ++i) pa += idx[i] * sa[i], pb += idx[i] * sb[i];
    for (int64_t j = 0; j < inner; ++j) z[o + j] = f(x[pa + j * ia], y[pb + j * ib]);
    for (int64_t i = r - 2; i >= 0; --i) {  // odometer over all but the last axis
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

}  // namespace s2s
