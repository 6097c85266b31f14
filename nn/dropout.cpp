#include "nn/dropout.hpp"

#include "core/error.hpp"

namespace s2s {

Tensor dropout_mask(const Shape& shape, real p, Rng& rng) {
  S2S_CHECK(p >= 0 && p < 1, "dropout: p must be in [0, 1), got {}", p);
  Tensor m(shape);
  const real keep_scale = real(1) / (1 - p);
  for (int64_t i = 0; i < m.numel(); ++i) m[i] = rng.uniform() < p ? real(0) : keep_scale;
  return m;
}

Dropout::Dropout(real p_) : p(p_) {
  S2S_CHECK(p >= 0 && p < 1, "Dropout: p must be in [0, 1), got {}", p);
}

Var Dropout::forward(const Var& x, Rng& rng) const {
  if (!training() || p == 0) return x;
  return x * Var(dropout_mask(x.shape(), p, rng));  // the mask is a constant: no gradient
}

}  // namespace s2s
