#pragma once
// Weight initialisation from an explicit seeded generator.
#include "core/tensor.hpp"

namespace s2s::init {

// uniform(-1/√fan_in, 1/√fan_in): PyTorch's default for Linear and RNN cells
// (for RNNs fan_in is taken as the hidden size H). Keeps pre-activations O(1).
Tensor uniform_fan_in(const Shape& shape, int64_t fan_in, Rng& rng);
// N(0, 1), PyTorch's default for Embedding.
Tensor normal(const Shape& shape, Rng& rng, real stddev = 1);

}  // namespace s2s::init
