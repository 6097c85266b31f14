// Reductions. Backward spreads dy back over the reduced axis.
#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

namespace {
// dy reshaped so it broadcasts against the input (the reduced axis as size 1).
Tensor keepdim_grad(const Tensor& dy, const Shape& in, int axis) {
  Shape s = in;
  s[axis] = 1;
  return dy.reshape(s);
}
}  // namespace

// y = Σ_k x_k along axis;  dx_k += dy
Var sum(const Var& x, int axis, bool keepdim) {
  int ax = normalize_axis(axis, x.rank(), "sum");
  return Var::make("sum", sum(x.value(), ax, keepdim), {x}, [ax](Node& self) {
    if (Tensor* dx = self.input_grad(0)) *dx += keepdim_grad(self.grad, dx->shape(), ax);
  });
}

// y = Σ x;  dx += dy
Var sum(const Var& x) {
  return Var::make("sum_all", Tensor::scalar(sum_all(x.value())), {x}, [](Node& self) {
    if (Tensor* dx = self.input_grad(0)) *dx += self.grad;  // scalar broadcasts
  });
}

// y = (1/n) Σ_k x_k;  dx_k += dy / n
Var mean(const Var& x, int axis, bool keepdim) {
  int ax = normalize_axis(axis, x.rank(), "mean");
  S2S_CHECK(x.size(ax) > 0, "mean: axis {} of shape {} is empty", ax, shape_str(x.shape()));
  return mul_scalar(sum(x, ax, keepdim), real(1) / static_cast<real>(x.size(ax)));
}

Var mean(const Var& x) {
  S2S_CHECK(x.value().numel() > 0, "mean: tensor of shape {} is empty", shape_str(x.shape()));
  return mul_scalar(sum(x), real(1) / static_cast<real>(x.value().numel()));
}

// y = max_k x_k;  dx_k += dy at the first k attaining the max, 0 elsewhere
Var max(const Var& x, int axis, bool keepdim) {
  int ax = normalize_axis(axis, x.rank(), "max");
  std::vector<int64_t> arg = argmax(x.value(), ax);
  return Var::make("max", max(x.value(), ax, keepdim), {x}, [ax, arg](Node& self) {
    if (Tensor* dx = self.input_grad(0)) {
      const Shape& s = dx->shape();
      int64_t n = s[ax], inner = shape_numel(Shape(s.begin() + ax + 1, s.end()));
      for (size_t j = 0; j < arg.size(); ++j) {
        int64_t o = static_cast<int64_t>(j) / inner, i = static_cast<int64_t>(j) % inner;
        (*dx)[(o * n + arg[j]) * inner + i] += self.grad[static_cast<int64_t>(j)];
      }
    }
  });
}

Var max(const Var& x) {
  S2S_CHECK(x.value().numel() > 0, "max: tensor of shape {} is empty", shape_str(x.shape()));
  return max(reshape(x, {-1}), 0, false);
}

}  // namespace s2s
