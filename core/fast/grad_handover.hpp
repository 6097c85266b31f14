#pragma once
// Gradient bookkeeping that only fast ops use (core/fast/). Reference ops have
// one way to write a gradient:  if (Tensor* dx = self.input_grad(i)) *dx += ...;
// these three give the same numbers while skipping a zero fill or a copy.
#include <utility>

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "core/var.hpp"

namespace s2s::fast {

// Input i's gradient buffer, or nullptr when it needs none. When input i has
// no gradient yet the buffer is created uninitialised and `fresh` is set: the
// caller must then assign (=) every element instead of adding (+=).
inline Tensor* fresh_input_grad(Node& self, size_t i, bool& fresh) {
  Node& in = *self.inputs[i];
  fresh = false;
  if (!in.requires_grad) return nullptr;
  if (in.grad.empty() && in.value.numel() > 0) {
    in.grad = Tensor::uninitialized(in.value.shape());
    fresh = true;
  }
  return &in.grad;
}

// dinput_i += g for a g of input i's shape: g is moved in when input i has no
// gradient yet. Does nothing when input i needs no gradient.
inline void add_input_grad(Node& self, size_t i, Tensor&& g) {
  Node& in = *self.inputs[i];
  if (!in.requires_grad) return;
  S2S_CHECK(g.shape() == in.value.shape(), "backward of '{}': gradient {} for input {} of shape {}",
            self.op, shape_str(g.shape()), i, shape_str(in.value.shape()));
  if (in.grad.empty())
    in.grad = std::move(g);
  else
    in.grad += g;
}

// This node's gradient, to pass on unchanged to an input: moved out unless
// retain_grad keeps it. Call it last in a backward.
inline Tensor take_grad(Node& self) {
  if (self.retain_grad) return self.grad;
  return std::move(self.grad);
}

}  // namespace s2s::fast
