#include "nn/clip_grad.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

real clip_grad_norm(const std::vector<Var>& params, real max_norm) {
  S2S_CHECK(max_norm > 0, "clip_grad_norm: max_norm must be > 0, got {}", max_norm);
  double sq = 0;  // accumulate in double: many parameters
  for (const Var& p : params)
    if (p.has_grad())
      for (real g : p.grad().values()) sq += static_cast<double>(g) * g;
  const double total = std::sqrt(sq);
  const double scale = static_cast<double>(max_norm) / (total + 1e-6);
  if (scale < 1)
    for (const Var& p : params)
      if (p.has_grad()) p.node()->grad *= static_cast<real>(scale);
  return static_cast<real>(total);
}

}  // namespace s2s
