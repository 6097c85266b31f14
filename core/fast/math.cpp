// The fast engine's tensor math: core/tensor_math.cpp's exp, tanh, sigmoid and
// softmax (reference_exp, ...) with fast_math.hpp's vectorisable functions and
// the thread pool.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/fast/fast.hpp"
#include "core/fast/fast_math.hpp"
#include "core/fast/thread_pool.hpp"
#include "core/op_table.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

namespace {
// out[i] = f(a[i]), in rows of 1024 elements split across the pool when large.
template <class F>
Tensor map_rows(const Tensor& a, F f) {
  constexpr int64_t kRow = 1024;
  Tensor out = Tensor::uninitialized(a.shape());
  const real* x = a.data();
  real* y = out.data();
  const int64_t n = a.numel();
  for_each_row((n + kRow - 1) / kRow, kRow, [=](int64_t r) {
    for (int64_t i = r * kRow, end = std::min(n, i + kRow); i < end; ++i) y[i] = f(x[i]);
  });
  return out;
}
}  // namespace

Tensor fast_exp(const Tensor& a) {
  return map_rows(a, [](real x) { return fast::exp_of(x); });
}
Tensor fast_tanh(const Tensor& a) {
  return map_rows(a, [](real x) { return fast::tanh_of(x); });
}
Tensor fast_sigmoid(const Tensor& a) {
  return map_rows(a, [](real x) { return fast::sigmoid_of(x); });
}

// Rows (nothing after the axis but sizes 1) as below; otherwise the reference softmax.
Tensor fast_softmax(const Tensor& a, int axis, bool log) {
  const int ax = normalize_axis(axis, a.rank(), log ? "log_softmax" : "softmax");
  const Shape& s = a.shape();
  const int64_t rows = shape_numel(Shape(s.begin(), s.begin() + ax));
  if (shape_numel(Shape(s.begin() + ax + 1, s.end())) != 1) return reference_softmax(a, ax, log);
  Tensor out = Tensor::uninitialized(s);
  fast_softmax_rows(a.data(), out.data(), rows, s[ax], log);
  return out;
}

// Loops over a row vectorize: max, then e^(x - max) written to y, their sum,
// then one pass to normalise. Rows are independent, so a large matrix (the
// output layer's (B·T,V) logits) is split across the pool's threads.
void fast_softmax_rows(const real* x, real* y, int64_t rows, int64_t n, bool log) {
  for_each_row(rows, n, [=](int64_t r) {
    const real* xr = x + r * n;
    real* yr = y + r * n;
    real m = fast::max(xr, n);
    if (!log && m == -std::numeric_limits<real>::infinity()) m = 0;  // fully masked row stays 0
    for (int64_t k = 0; k < n; ++k) yr[k] = fast::exp_of(xr[k] - m);
    const real s = fast::sum(yr, n);
    if (log) {
      const real lse = m + std::log(s);  // log-sum-exp, shifted by the max for stability
      for (int64_t k = 0; k < n; ++k) yr[k] = xr[k] - lse;
    } else if (s > 0) {
      const real inv = 1 / s;
      for (int64_t k = 0; k < n; ++k) yr[k] *= inv;
    }
  });
}

}  // namespace s2s
