// Softmax along an axis: s_k = e^{x_k} / Σ_j e^{x_j}.
#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

// y = softmax(x);  dx_k += y_k (dy_k - Σ_j dy_j y_j)
Var softmax(const Var& x, int axis) {
  int ax = normalize_axis(axis, x.rank(), "softmax");
  return Var::make("softmax", softmax(x.value(), ax), {x}, [ax](Node& self) {
    const Tensor &y = self.value, &dy = self.grad;
    // BEGIN EXERCISE softmax-backward
    if (Tensor* dx = self.input_grad(0)) *dx += y * (dy - sum(dy * y, ax, true));
    // END EXERCISE
  });
}

// y = x - logΣe^x;  dx_k += dy_k - softmax(x)_k Σ_j dy_j  (softmax = e^y)
Var log_softmax(const Var& x, int axis) {
  int ax = normalize_axis(axis, x.rank(), "log_softmax");
  return Var::make("log_softmax", log_softmax(x.value(), ax), {x}, [ax](Node& self) {
    const Tensor &y = self.value, &dy = self.grad;
    if (Tensor* dx = self.input_grad(0)) *dx += dy - exp(y) * sum(dy, ax, true);
  });
}

}  // namespace s2s
