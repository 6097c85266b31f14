#pragma once
// Vectorizable exp, tanh and sigmoid for float32 activations, and sums.
//
// Why: libm's tanhf/expf are called one element at a time (no SIMD), and the
// reference seq2seq workload spends about 40% of its time in tanhf alone
// (additive attention applies tanh to a (B,S,A) tensor at every decoder step).
// These versions are branch-free arithmetic, so GCC turns the loops of
// tensor_math.cpp into AVX code that does 8 or 16 elements at once.
//
// Accuracy (float): exp within ~2 ulp; tanh and sigmoid within a few ulp
// (relative error < 1e-6, checked in tests/fast_math_test.cpp over a dense
// grid). For double the standard library is used unchanged: gradient checks
// run in double and keep full precision.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace s2s::fast {

// e^x for float by range reduction: x = n ln2 + r with |r| <= ln2/2, then
//   e^x = 2^n · e^r,  e^r ≈ Σ_{k<=7} r^k / k!  (truncation < 6e-9 relative),
// and 2^n is built directly in the float's exponent bits. Like std::exp it
// overflows to +Inf above ln(FLT_MAX) ≈ 88.72; below ln(FLT_MIN) ≈ -87.34,
// where std::exp returns subnormals, it returns 0. NaN stays NaN. (These edges
// matter: a diverging run must still produce Inf/NaN where it used to.)
inline float exp(float x) {
  const float xc = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);  // keeps 2^n a normal float
  // round(x / ln2): adding and subtracting 1.5·2^23 rounds to an integer (the
  // float has no fraction bits left at that size); unlike nearbyint it vectorizes.
  const float n = (xc * 1.44269504f + 12582912.0f) - 12582912.0f;
  // ln2 split in a high part with few bits (n·hi is exact) and a low part.
  const float r = (xc - n * 0.693145752f) - n * 1.42860677e-6f;
  float p = 1.0f / 5040;  // Horner: 1 + r(1 + r(1/2 + r(1/6 + ... r/5040)))
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;  // 2^n
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  const float y = p * scale;
  if (x != x) return x;  // NaN in, NaN out
  return x > 88.7228f ? std::numeric_limits<float>::infinity() : (x < -87.3365f ? 0.0f : y);
}

// tanh(x) = sign(x) (1 - 2 / (e^{2|x|} + 1)). Near 0 that subtraction cancels
// digits, so |x| < 0.25 uses the Taylor series
//   tanh x = x - x³/3 + 2x⁵/15 - 17x⁷/315 + 62x⁹/2835 - 1382x¹¹/155925 + ...
// (the next term is below 1e-10 relative there). Both branches are computed
// and one is selected, which keeps the loop vectorizable.
inline float tanh(float x) {
  const float ax = std::fabs(x);
  const float big = 1.0f - 2.0f / (fast::exp(2.0f * ax) + 1.0f);
  const float x2 = x * x;
  float p = -1382.0f / 155925;
  p = p * x2 + 62.0f / 2835;
  p = p * x2 - 17.0f / 315;
  p = p * x2 + 2.0f / 15;
  p = p * x2 - 1.0f / 3;
  const float small = x + x * x2 * p;
  return ax < 0.25f ? small : std::copysign(big, x);
}

// σ(x) = 1 / (1 + e^{-x}); no cancellation anywhere. For x < -88.72,
// e^{-x} = Inf and σ = 1/Inf = 0, as the two-branch std::exp form gives.
inline float sigmoid(float x) { return 1.0f / (1.0f + fast::exp(-x)); }

// The element type's versions: fast for float, the standard library for double.
template <class T>
T tanh_of(T x) {
  if constexpr (std::is_same_v<T, float>)
    return fast::tanh(x);
  else
    return std::tanh(x);
}
template <class T>
T exp_of(T x) {
  if constexpr (std::is_same_v<T, float>)
    return fast::exp(x);
  else
    return std::exp(x);
}
template <class T>
T sigmoid_of(T x) {
  if constexpr (std::is_same_v<T, float>) {
    return fast::sigmoid(x);
  } else {
    // Two branches keep exp() from overflowing for large |x|.
    if (x >= 0) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }
}

// Σ_{k<n} term(k) in a fixed order that vectorizes: sixteen independent
// partial sums (lane l takes k ≡ l mod 16, the last n % 16 terms go to lane 0),
// added pairwise at the end. A single running sum is a dependency chain the
// compiler may not reorder without -ffast-math, so it would stay scalar.
template <class T, class Term>
T lane_sum(int64_t n, Term term) {
  constexpr int64_t kLanes = 16;
  T part[kLanes] = {};
  int64_t k = 0;
  for (; k + kLanes <= n; k += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) part[l] += term(k + l);
  for (; k < n; ++k) part[0] += term(k);
  for (int64_t w = kLanes / 2; w > 0; w /= 2)  // pairwise: 16 -> 8 -> 4 -> 2 -> 1
    for (int64_t l = 0; l < w; ++l) part[l] += part[l + w];
  return part[0];
}
// Σ x[k] and Σ x[k] y[k] over n elements, in lane_sum's order.
template <class T>
T sum(const T* x, int64_t n) {
  return lane_sum<T>(n, [x](int64_t k) { return x[k]; });
}
template <class T>
T dot(const T* x, const T* y, int64_t n) {
  return lane_sum<T>(n, [x, y](int64_t k) { return x[k] * y[k]; });
}

// max_k x[k] over n >= 1 elements, with sixteen running maxima (lane l takes
// k ≡ l mod 16) combined at the end. One running maximum is a dependency chain
// of compares, one element per compare latency (the whole cost of a softmax
// over a 1000-word vocabulary row); sixteen vectorize. The result is the same
// number in any order (a maximum is exact); like std::max, a NaN element is
// skipped (the softmax's sum then turns NaN anyway).
template <class T>
T max(const T* x, int64_t n) {
  constexpr int64_t kLanes = 16;
  T part[kLanes];
  for (int64_t l = 0; l < kLanes; ++l) part[l] = -std::numeric_limits<T>::infinity();
  int64_t k = 0;
  for (; k + kLanes <= n; k += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) part[l] = part[l] < x[k + l] ? x[k + l] : part[l];
  for (; k < n; ++k) part[0] = part[0] < x[k] ? x[k] : part[0];
  for (int64_t w = kLanes / 2; w > 0; w /= 2)
    for (int64_t l = 0; l < w; ++l) part[l] = part[l] < part[l + w] ? part[l + w] : part[l];
  return part[0];
}

}  // namespace s2s::fast
