#include "nn/adam.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/fast/thread_pool.hpp"

namespace s2s {

// Tensors with at least this many elements are updated on all pool threads
// (below it, handing work to another core costs more than the update).
constexpr int64_t kParallelElements = int64_t{1} << 16;

namespace {
// The update of n elements (PyTorch's Adam, without weight decay):
//   m = β1 m + (1-β1) g          v = β2 v + (1-β2) g²
//   w -= lr/(1-β1^t) · m / (√v / √(1-β2^t) + ε)
// A free function whose arrays are declared non-overlapping (__restrict) and
// whose constants are plain values: written inline in step(), the compiler had
// to assume a store through w might change a hyper-parameter, and left the
// loop scalar (Adam was then 11% of the small reference workload).
void adam_update(real* __restrict w, real* __restrict m, real* __restrict v,
                 const real* __restrict g, int64_t n, real b1, real b2, real step_size,
                 real sqrt_bc2, real eps) {
  for (int64_t j = 0; j < n; ++j) {
    m[j] = b1 * m[j] + (1 - b1) * g[j];
    v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
    w[j] -= step_size * m[j] / (std::sqrt(v[j]) / sqrt_bc2 + eps);
  }
}
}  // namespace

Adam::Adam(std::vector<Var> params, real lr, real b1, real b2, real e)
    : Optimizer(std::move(params), lr), beta1(b1), beta2(b2), eps(e) {
  S2S_CHECK(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1,
            "Adam: betas must be in [0, 1), got ({}, {})", beta1, beta2);
  S2S_CHECK(eps >= 0, "Adam: eps must be >= 0, got {}", eps);
  for (auto& p : params_) {
    m_.push_back(Tensor::zeros(p.shape()));
    v_.push_back(Tensor::zeros(p.shape()));
  }
}

void Adam::step() {
  ++t_;
  // Bias corrections in double: β^t for large t must not lose precision.
  const double bc1 = 1 - std::pow(static_cast<double>(beta1), static_cast<double>(t_));
  const double bc2 = 1 - std::pow(static_cast<double>(beta2), static_cast<double>(t_));
  const real step_size = static_cast<real>(lr / bc1);
  const real sqrt_bc2 = static_cast<real>(std::sqrt(bc2));
  for (size_t i = 0; i < params_.size(); ++i) {
    Var& p = params_[i];
    if (!p.has_grad()) continue;
    const real* g = p.grad().data();
    real* m = m_[i].data();
    real* v = v_[i].data();
    real* w = p.value().data();
    auto update = [&](int64_t begin, int64_t end) {
      adam_update(w + begin, m + begin, v + begin, g + begin, end - begin, beta1, beta2, step_size,
                  sqrt_bc2, eps);
    };
    // Each element's update is independent of the others: large tensors are
    // split across the pool's threads (same numbers for any thread count).
    const int64_t n = p.value().numel();
    if (n >= kParallelElements)
      parallel_for(n, update);  // threads under the fast engine only
    else
      update(0, n);
  }
}

}  // namespace s2s
