// Selection by a constant mask: masked_fill (attention padding) and where.
#include <cmath>
#include <optional>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

// y = mask ? value : x;  dx += dy * (1 - mask)
Var masked_fill(const Var& x, const Tensor& mask, real value) {
  bool fits = mask.rank() <= x.rank();
  for (int64_t i = 1; fits && i <= mask.rank(); ++i)
    fits = mask.size(-i) == 1 || mask.size(-i) == x.size(-i);
  S2S_CHECK(fits, "masked_fill: mask shape {} does not broadcast to x shape {}",
            shape_str(mask.shape()), shape_str(x.shape()));
  Tensor keep =
      broadcast_to(map(mask, [](real m) { return m != 0 ? real(0) : real(1); }), x.shape());
  Tensor out = zip(
      x.value(), keep, [value](real v, real k) { return k != 0 ? v : value; }, "masked_fill");
  // Filling with -inf is how masks work (e^{-inf} = 0 in a softmax), not an anomaly:
  // anomaly mode skips this output's Inf check. Any NaN/Inf that x brought in was
  // already reported by the op that made x.
  std::optional<AnomalyGuard> deliberate_inf;
  if (std::isinf(value)) deliberate_inf.emplace(false);
  return Var::make("masked_fill", std::move(out), {x}, [keep](Node& self) {
    if (Tensor* dx = self.input_grad(0)) *dx += self.grad * keep;
  });
}

// y = cond ? a : b;  da += dy * cond,  db += dy * (1 - cond)
Var where(const Tensor& cond, const Var& a, const Var& b) {
  Shape shape =
      broadcast_shapes(broadcast_shapes(a.shape(), b.shape(), "where"), cond.shape(), "where");
  Tensor c = broadcast_to(map(cond, [](real m) { return m != 0 ? real(1) : real(0); }), shape);
  Tensor out = c * a.value() + (1 - c) * b.value();
  return Var::make("where", std::move(out), {a, b}, [c](Node& self) {
    if (Tensor* da = self.input_grad(0)) *da += sum_to(self.grad * c, da->shape());
    if (Tensor* db = self.input_grad(1)) *db += sum_to(self.grad * (1 - c), db->shape());
  });
}

}  // namespace s2s
