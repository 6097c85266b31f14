#pragma once
// Optimizer: updates parameters in place from their .grad after backward().
// Steps run without recording a graph; parameters that received no gradient
// (has_grad() false) are skipped, as in PyTorch.
#include <vector>

#include "core/var.hpp"

namespace s2s {

class Optimizer {
 public:
  Optimizer(std::vector<Var> params, real lr);
  virtual ~Optimizer() = default;
  virtual void step() = 0;
  void zero_grad();  // clears every parameter's .grad
  const std::vector<Var>& params() const { return params_; }

  real lr;  // learning rate; schedules (nn/lr_schedule.hpp) change it between steps

 protected:
  std::vector<Var> params_;
};

}  // namespace s2s
