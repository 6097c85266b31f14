#pragma once
// Dropout (inverted): during training each element is zeroed with probability
// p and the survivors are scaled by 1/(1-p), so E[output] = input and nothing
// needs rescaling at evaluation time, where dropout is the identity.
//
//   y = x ⊙ m,   m_i = 1/(1-p) with probability 1-p, else 0;   dx = dy ⊙ m
//
// The mask comes from an explicit Rng, so a run is reproducible by its seed.
#include "nn/module.hpp"

namespace s2s {

// The scaled keep-mask above, of the given shape.
Tensor dropout_mask(const Shape& shape, real p, Rng& rng);

class Dropout : public Module {
 public:
  explicit Dropout(real p);
  // Identity when !training() or p == 0; otherwise x ⊙ dropout_mask(x.shape, p, rng).
  Var forward(const Var& x, Rng& rng) const;

  real p;
};

}  // namespace s2s
