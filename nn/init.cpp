#include "nn/init.hpp"

#include <cmath>

#include "core/error.hpp"

namespace s2s::init {

Tensor uniform_fan_in(const Shape& shape, int64_t fan_in, Rng& rng) {
  S2S_CHECK(fan_in > 0, "init::uniform_fan_in: fan_in must be > 0, got {}", fan_in);
  real bound = real(1) / std::sqrt(static_cast<real>(fan_in));
  return Tensor::uniform(shape, rng, -bound, bound);
}

Tensor normal(const Shape& shape, Rng& rng, real stddev) {
  return Tensor::normal(shape, rng, 0, stddev);
}

}  // namespace s2s::init
