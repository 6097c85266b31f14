#include "nn/adam.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/thread_pool.hpp"

namespace s2s {

// Tensors with at least this many elements are updated on all pool threads
// (below it, handing work to another core costs more than the update).
constexpr int64_t kParallelElements = int64_t{1} << 16;

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
      for (int64_t j = begin; j < end; ++j) {
        m[j] = beta1 * m[j] + (1 - beta1) * g[j];
        v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
        w[j] -= step_size * m[j] / (std::sqrt(v[j]) / sqrt_bc2 + eps);
      }
    };
    // Each element's update is independent of the others: large tensors are
    // split across the pool's threads (same numbers for any thread count).
    const int64_t n = p.value().numel();
    if (n >= kParallelElements)
      ThreadPool::global().parallel_for(n, update);
    else
      update(0, n);
  }
}

}  // namespace s2s
