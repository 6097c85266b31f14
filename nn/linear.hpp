#pragma once
// Linear: y = x Wᵀ + b.  W (out,in), b (out) — PyTorch's layout, so weights
// can be exchanged through safetensors. x (...,in) -> y (...,out).
#include "nn/module.hpp"

namespace s2s {

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, Rng& rng, bool bias = true);
  Var forward(const Var& x) const;
  Var operator()(const Var& x) const { return forward(x); }

  int64_t in_features, out_features;
  Var weight;  // (out,in)
  Var bias;    // (out) — undefined when bias=false
};

}  // namespace s2s
