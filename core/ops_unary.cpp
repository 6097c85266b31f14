// Elementwise functions. Where the derivative is cheapest in terms of the
// output y (tanh, sigmoid, exp, sqrt), backward uses self.value.
#include <cmath>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

// y = exp(x);  dx += dy * y
Var exp(const Var& x) {
  return Var::make("exp", exp(x.value()), {x}, [](Node& self) {
    const Tensor &y = self.value, &dy = self.grad;
    if (Tensor* dx = self.input_grad(0)) *dx += dy * y;
  });
}

// y = log(x);  dx += dy / x
Var log(const Var& x) {
  return Var::make("log", log(x.value()), {x}, [](Node& self) {
    const Tensor &x = self.input(0), &dy = self.grad;
    if (Tensor* dx = self.input_grad(0)) *dx += dy / x;
  });
}

// y = tanh(x);  dx += dy * (1 - y²)
Var tanh(const Var& x) {
  return Var::make("tanh", tanh(x.value()), {x}, [](Node& self) {
    const Tensor &y = self.value, &dy = self.grad;
    // BEGIN EXERCISE tanh-backward
    if (Tensor* dx = self.input_grad(0)) *dx += dy * (1 - y * y);
    // END EXERCISE
  });
}

// y = σ(x) = 1/(1+e^-x);  dx += dy * y (1 - y)
Var sigmoid(const Var& x) {
  return Var::make("sigmoid", sigmoid(x.value()), {x}, [](Node& self) {
    const Tensor &y = self.value, &dy = self.grad;
    // BEGIN EXERCISE sigmoid-backward
    if (Tensor* dx = self.input_grad(0)) *dx += dy * y * (1 - y);
    // END EXERCISE
  });
}

// y = max(x, 0);  dx += dy * [x > 0]
Var relu(const Var& x) {
  return Var::make("relu", map(x.value(), [](real v) { return v > 0 ? v : real(0); }), {x},
                   [](Node& self) {
                     const Tensor &x = self.input(0), &dy = self.grad;
                     if (Tensor* dx = self.input_grad(0))
                       *dx += dy * map(x, [](real v) { return real(v > 0); });
                   });
}

// y = √x;  dx += dy / (2y)
Var sqrt(const Var& x) {
  return Var::make("sqrt", sqrt(x.value()), {x}, [](Node& self) {
    const Tensor &y = self.value, &dy = self.grad;
    if (Tensor* dx = self.input_grad(0)) *dx += dy / (y * 2);
  });
}

// y = x²;  dx += dy * 2x
Var square(const Var& x) {
  return Var::make("square", map(x.value(), [](real v) { return v * v; }), {x}, [](Node& self) {
    const Tensor &x = self.input(0), &dy = self.grad;
    if (Tensor* dx = self.input_grad(0)) *dx += dy * x * 2;
  });
}

// y = x^p;  dx += dy * p x^(p-1)
Var pow(const Var& x, real p) {
  return Var::make(
      "pow", map(x.value(), [p](real v) { return std::pow(v, p); }), {x}, [p](Node& self) {
        const Tensor &x = self.input(0), &dy = self.grad;
        if (Tensor* dx = self.input_grad(0))
          *dx += dy * map(x, [p](real v) { return p * std::pow(v, p - 1); });
      });
}

}  // namespace s2s
