#pragma once
// Adam (Kingma & Ba, 2015), computed exactly as PyTorch does. At step t:
//   m ← β1 m + (1-β1) g            running mean of gradients
//   v ← β2 v + (1-β2) g²           running mean of squared gradients
//   p ← p - (lr / (1-β1^t)) · m / (√v / √(1-β2^t) + ε)
// The (1-β^t) factors undo the bias of m and v towards their zero start.
// Each parameter moves about lr per step whatever its gradient's scale.
#include "nn/optimizer.hpp"

namespace s2s {

class Adam : public Optimizer {
 public:
  Adam(std::vector<Var> params, real lr = real(1e-3), real beta1 = real(0.9),
       real beta2 = real(0.999), real eps = real(1e-8));
  void step() override;

  real beta1, beta2, eps;
  int64_t steps() const { return t_; }

 private:
  int64_t t_ = 0;
  std::vector<Tensor> m_, v_;  // first and second moments, one per parameter
};

}  // namespace s2s
