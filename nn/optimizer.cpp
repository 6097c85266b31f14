#include "nn/optimizer.hpp"

#include "core/error.hpp"

namespace s2s {

Optimizer::Optimizer(std::vector<Var> params, real lr_) : lr(lr_), params_(std::move(params)) {
  S2S_CHECK(lr > 0, "Optimizer: learning rate must be > 0, got {}", lr);
  for (size_t i = 0; i < params_.size(); ++i)
    S2S_CHECK(params_[i].defined() && params_[i].requires_grad(),
              "Optimizer: parameter {} ('{}') is undefined or does not require grad", i,
              params_[i].defined() ? params_[i].name() : "");
}

void Optimizer::zero_grad() {
  for (auto& p : params_) p.zero_grad();
}

}  // namespace s2s
