#include "nn/sgd.hpp"

#include "core/error.hpp"

namespace s2s {

SGD::SGD(std::vector<Var> params, real lr, real mu)
    : Optimizer(std::move(params), lr), momentum(mu) {
  S2S_CHECK(momentum >= 0 && momentum < 1, "SGD: momentum must be in [0, 1), got {}", momentum);
  for (auto& p : params_) velocity_.push_back(Tensor::zeros(p.shape()));
}

void SGD::step() {
  for (size_t i = 0; i < params_.size(); ++i) {
    Var& p = params_[i];
    if (!p.has_grad()) continue;
    const real* g = p.grad().data();
    real* v = velocity_[i].data();
    real* w = p.value().data();
    for (int64_t j = 0, n = p.value().numel(); j < n; ++j) {
      v[j] = momentum * v[j] + g[j];
      w[j] -= lr * v[j];
    }
  }
}

}  // namespace s2s
