#pragma once
// Stochastic gradient descent with (heavy-ball) momentum, PyTorch's form:
//   v ← μ v + g          (v starts at 0, so the first step uses v = g)
//   p ← p - lr · v
// μ = 0 is plain gradient descent.
#include "nn/optimizer.hpp"

namespace s2s {

class SGD : public Optimizer {
 public:
  SGD(std::vector<Var> params, real lr, real momentum = 0);
  void step() override;

  real momentum;

 private:
  std::vector<Tensor> velocity_;  // one per parameter
};

}  // namespace s2s
