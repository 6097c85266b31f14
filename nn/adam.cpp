#include "nn/adam.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/op_table.hpp"

namespace s2s {

// The update of n elements (PyTorch's Adam, without weight decay):
//   m = β1 m + (1-β1) g          v = β2 v + (1-β2) g²
//   w -= lr/(1-β1^t) · m / (√v / √(1-β2^t) + ε)
// A free function whose arrays are declared non-overlapping (__restrict) and
// whose constants are plain values (k is a copy): written inline in step(), the
// compiler had to assume a store through w might change a hyper-parameter, and
// left the loop scalar. The fast engine's twin runs it on slices of large
// tensors on the thread pool (core/op_table.hpp).
void reference_adam_update(real* __restrict w, real* __restrict m, real* __restrict v,
                            const real* __restrict g, int64_t n, AdamStep k) {
  const real b1 = k.beta1, b2 = k.beta2, step_size = k.step_size, sqrt_bc2 = k.sqrt_bc2;
  const real eps = k.eps;
  for (int64_t j = 0; j < n; ++j) {
    m[j] = b1 * m[j] + (1 - b1) * g[j];
    v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
    w[j] -= step_size * m[j] / (std::sqrt(v[j]) / sqrt_bc2 + eps);
  }
}

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
  const AdamStep k{beta1, beta2, static_cast<real>(lr / bc1),
                   static_cast<real>(std::sqrt(bc2)), eps};
  for (size_t i = 0; i < params_.size(); ++i) {
    Var& p = params_[i];
    if (!p.has_grad()) continue;
    engine_ops().adam_update(p.value().data(), m_[i].data(), v_[i].data(), p.grad().data(),
                             p.value().numel(), k);
  }
}

}  // namespace s2s
