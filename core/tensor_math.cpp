#include "core/tensor_math.hpp"

#include <algorithm>
#include <limits>

#include "core/fast/gemm.hpp"  // the numeric backend: the matrix kernel behind matmul
#include "core/op_table.hpp"

namespace s2s {

namespace detail {
Shape broadcast_strides(const Shape& s, const Shape& out) {
  Shape st(out.size(), 0);
  auto own = strides_of(s);
  size_t off = out.size() - s.size();
  for (size_t i = 0; i < s.size(); ++i) st[off + i] = s[i] == 1 ? 0 : own[i];
  return st;
}
}  // namespace detail

Tensor operator+(const Tensor& a, const Tensor& b) {
  return zip(
      a, b, [](real x, real y) { return x + y; }, "add");
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return zip(
      a, b, [](real x, real y) { return x - y; }, "sub");
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return zip(
      a, b, [](real x, real y) { return x * y; }, "mul");
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return zip(
      a, b, [](real x, real y) { return x / y; }, "div");
}
Tensor operator-(const Tensor& a) {
  return map(a, [](real x) { return -x; });
}
Tensor operator+(const Tensor& a, real s) {
  return map(a, [s](real x) { return x + s; });
}
Tensor operator*(const Tensor& a, real s) {
  return map(a, [s](real x) { return x * s; });
}
Tensor operator-(real s, const Tensor& a) {
  return map(a, [s](real x) { return s - x; });
}

Tensor& operator+=(Tensor& a, const Tensor& b) {
  if (a.shape() == b.shape()) {
    real* x = a.data();
    const real* y = b.data();
    for (int64_t i = 0, n = a.numel(); i < n; ++i) x[i] += y[i];
    return a;
  }
  S2S_CHECK(broadcast_shapes(a.shape(), b.shape(), "+=") == a.shape(),
            "+=: cannot accumulate shape {} into shape {}", shape_str(b.shape()),
            shape_str(a.shape()));
  a = a + b;
  return a;
}
Tensor& operator-=(Tensor& a, const Tensor& b) {
  if (a.shape() == b.shape()) {  // fast path: no temporary -b
    real* x = a.data();
    const real* y = b.data();
    for (int64_t i = 0, n = a.numel(); i < n; ++i) x[i] -= y[i];
    return a;
  }
  return a += -b;
}
Tensor& operator*=(Tensor& a, real s) {
  for (real& x : a.values()) x *= s;
  return a;
}

Tensor broadcast_to(const Tensor& a, const Shape& shape) {
  S2S_CHECK(broadcast_shapes(a.shape(), shape, "broadcast_to") == shape,
            "broadcast_to: cannot broadcast {} to {}", shape_str(a.shape()), shape_str(shape));
  return Tensor(shape) + a;
}

Tensor sum_to(Tensor g, const Shape& shape) {
  if (g.shape() == shape) return g;  // nothing was broadcast (g moves out, no copy)
  // Sum leading axes away, then axes where shape has size 1.
  Tensor out = std::move(g);
  while (out.rank() > static_cast<int64_t>(shape.size())) out = sum(out, 0, false);
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 1 && out.shape()[i] != 1) out = sum(out, static_cast<int>(i), true);
  S2S_CHECK(out.shape() == shape, "sum_to: cannot reduce {} to {}", shape_str(out.shape()),
            shape_str(shape));
  return out;
}

namespace {
// View a tensor as (outer, n, inner) around `axis`.
struct AxisView {
  int64_t outer, n, inner;
};
AxisView axis_view(const Shape& s, int axis) {
  return {shape_numel(Shape(s.begin(), s.begin() + axis)), s[axis],
          shape_numel(Shape(s.begin() + axis + 1, s.end()))};
}
Shape reduced_shape(const Shape& s, int axis, bool keepdim) {
  Shape out = s;
  if (keepdim)
    out[axis] = 1;
  else
    out.erase(out.begin() + axis);
  return out;
}
}  // namespace

Tensor sum(const Tensor& a, int axis, bool keepdim) {
  int ax = normalize_axis(axis, a.rank(), "sum");
  auto [outer, n, inner] = axis_view(a.shape(), ax);
  Tensor out(reduced_shape(a.shape(), ax, keepdim));
  const real* x = a.data();
  real* y = out.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < n; ++k)
      for (int64_t i = 0; i < inner; ++i) y[o * inner + i] += x[(o * n + k) * inner + i];
  return out;
}

Tensor max(const Tensor& a, int axis, bool keepdim) {
  int ax = normalize_axis(axis, a.rank(), "max");
  auto [outer, n, inner] = axis_view(a.shape(), ax);
  S2S_CHECK(n > 0, "max: axis {} of shape {} is empty", ax, shape_str(a.shape()));
  Tensor out(reduced_shape(a.shape(), ax, keepdim), -std::numeric_limits<real>::infinity());
  const real* x = a.data();
  real* y = out.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < n; ++k)
      for (int64_t i = 0; i < inner; ++i)
        y[o * inner + i] = std::max(y[o * inner + i], x[(o * n + k) * inner + i]);
  return out;
}

std::vector<int64_t> argmax(const Tensor& a, int axis) {
  int ax = normalize_axis(axis, a.rank(), "argmax");
  auto [outer, n, inner] = axis_view(a.shape(), ax);
  S2S_CHECK(n > 0, "argmax: axis {} of shape {} is empty", ax, shape_str(a.shape()));
  std::vector<int64_t> out(static_cast<size_t>(outer * inner), 0);
  const real* x = a.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      for (int64_t k = 1; k < n; ++k)
        if (x[(o * n + k) * inner + i] > x[(o * n + best) * inner + i]) best = k;
      out[o * inner + i] = best;
    }
  return out;
}

real sum_all(const Tensor& a) {
  double s = 0;  // accumulate in double so float32 sums stay accurate
  for (real x : a.values()) s += x;
  return static_cast<real>(s);
}
real max_abs(const Tensor& a) {
  real m = 0;
  for (real x : a.values()) m = std::max(m, std::abs(x));
  return m;
}
real norm(const Tensor& a) {
  double s = 0;
  for (real x : a.values()) s += static_cast<double>(x) * x;
  return static_cast<real>(std::sqrt(s));
}
bool all_finite(const Tensor& a) {
  for (real x : a.values())
    if (!std::isfinite(x)) return false;
  return true;
}

Tensor log(const Tensor& a) {
  return map(a, [](real x) { return std::log(x); });
}
// exp, tanh, sigmoid and softmax are the engine's (core/op_table.hpp): the
// readable versions are reference_exp, ... below.
Tensor exp(const Tensor& a) { return engine_ops().exp(a); }
Tensor tanh(const Tensor& a) { return engine_ops().tanh(a); }
Tensor sigmoid(const Tensor& a) { return engine_ops().sigmoid(a); }
Tensor softmax(const Tensor& a, int axis) { return engine_ops().softmax(a, axis, false); }
Tensor log_softmax(const Tensor& a, int axis) { return engine_ops().softmax(a, axis, true); }

Tensor reference_exp(const Tensor& a) {
  return map(a, [](real x) { return std::exp(x); });
}
Tensor reference_tanh(const Tensor& a) {
  // tanh(x) = (1 - e^-2x) / (1 + e^-2x), in the form whose exp cannot overflow
  // (odd: tanh(-x) = -tanh(x)), as sigmoid below.
  return map(a, [](real x) {
    const real e = std::exp(-2 * std::abs(x));
    const real t = (1 - e) / (1 + e);
    return x >= 0 ? t : -t;
  });
}
Tensor reference_sigmoid(const Tensor& a) {
  // σ(x) = 1 / (1 + e^-x), in the form whose exp cannot overflow.
  return map(a, [](real x) {
    if (x >= 0) return 1 / (1 + std::exp(-x));
    const real e = std::exp(x);
    return e / (1 + e);
  });
}
Tensor sqrt(const Tensor& a) {
  return map(a, [](real x) { return std::sqrt(x); });
}

// softmax (log = false): y_k = e^{x_k - m} / Σ_j e^{x_j - m}
// log_softmax (log = true): y_k = x_k - (m + log Σ_j e^{x_j - m})
// along `axis`, with m = max_j x_j for stability (the result does not depend on m).
Tensor reference_softmax(const Tensor& a, int axis, bool log) {
  int ax = normalize_axis(axis, a.rank(), log ? "log_softmax" : "softmax");
  auto [outer, n, inner] = axis_view(a.shape(), ax);
  Tensor out = Tensor::uninitialized(a.shape());
  const real* x = a.data();
  real* y = out.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      // (init-captures: clang < 16 cannot capture structured bindings directly)
      auto at = [&, n = n, inner = inner](int64_t k) { return (o * n + k) * inner + i; };
      real m = -std::numeric_limits<real>::infinity();
      for (int64_t k = 0; k < n; ++k) m = std::max(m, x[at(k)]);
      if (!log && m == -std::numeric_limits<real>::infinity()) m = 0;  // fully masked: stays 0
      real s = 0;
      for (int64_t k = 0; k < n; ++k) s += std::exp(x[at(k)] - m);
      if (log) {
        const real lse = m + std::log(s);  // log-sum-exp
        for (int64_t k = 0; k < n; ++k) y[at(k)] = x[at(k)] - lse;
      } else {
        for (int64_t k = 0; k < n; ++k) y[at(k)] = s > 0 ? std::exp(x[at(k)] - m) / s : real(0);
      }
    }
  return out;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.rank() == 2 && b.rank() == 2) {
    S2S_CHECK(a.size(1) == b.size(0), "matmul: inner sizes differ: a {} vs b {}",
              shape_str(a.shape()), shape_str(b.shape()));
    Tensor out = Tensor::uninitialized({a.size(0), b.size(1)});
    gemm(false, false, a.size(0), b.size(1), a.size(1), a.data(), a.size(1), b.data(), b.size(1),
         out.data(), b.size(1), false);
    return out;
  }
  if (a.rank() == 3 && b.rank() == 2) {  // shared right operand: fold batch into rows
    S2S_CHECK(a.size(2) == b.size(0), "matmul: inner sizes differ: a {} vs b {}",
              shape_str(a.shape()), shape_str(b.shape()));
    return matmul(a.reshape({a.size(0) * a.size(1), a.size(2)}), b)
        .reshape({a.size(0), a.size(1), b.size(1)});
  }
  S2S_CHECK(a.rank() == 3 && b.rank() == 3,
            "matmul: expected 2-D or 3-D operands (M,K)@(K,N), (B,M,K)@(B,K,N) or "
            "(B,M,K)@(K,N), got a {} and b {}",
            shape_str(a.shape()), shape_str(b.shape()));
  S2S_CHECK(a.size(0) == b.size(0) && a.size(2) == b.size(1),
            "matmul: batched shapes do not fit: a {} vs b {} (need (B,M,K) and (B,K,N))",
            shape_str(a.shape()), shape_str(b.shape()));
  const int64_t B = a.size(0), M = a.size(1), K = a.size(2), N = b.size(2);
  Tensor out = Tensor::uninitialized({B, M, N});
  for (int64_t i = 0; i < B; ++i)
    gemm(false, false, M, N, K, a.data() + i * M * K, K, b.data() + i * K * N, N,
         out.data() + i * M * N, N, false);
  return out;
}

}  // namespace s2s
