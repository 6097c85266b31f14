// Elementwise functions. Where the derivative is cheapest in terms of the
// output y (tanh, sigmoid, exp, sqrt), backward uses self.value.
#include <cmath>

#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

namespace {
// dx += dy * f'(...) computed elementwise by `df(x, y, dy)`.
template <class DF>
void accumulate(Node& self, DF df) {
  Tensor* dx = self.input_grad(0);
  if (!dx) return;
  const Tensor &x = self.input(0), &y = self.value, &dy = self.grad;
  for (int64_t i = 0, n = dx->numel(); i < n; ++i) (*dx)[i] += df(x[i], y[i], dy[i]);
}
}  // namespace

// y = exp(x);  dx += dy * y
Var exp(const Var& x) {
  return Var::make("exp", exp(x.value()), {x}, [](Node& self) {
    accumulate(self, [](real, real y, real dy) { return dy * y; });
  });
}

// y = log(x);  dx += dy / x
Var log(const Var& x) {
  return Var::make("log", log(x.value()), {x}, [](Node& self) {
    accumulate(self, [](real x, real, real dy) { return dy / x; });
  });
}

// y = tanh(x);  dx += dy * (1 - y²)
Var tanh(const Var& x) {
  return Var::make("tanh", tanh(x.value()), {x}, [](Node& self) {
    accumulate(self, [](real, real y, real dy) { return dy * (1 - y * y); });
  });
}

// y = σ(x) = 1/(1+e^-x);  dx += dy * y (1 - y)
Var sigmoid(const Var& x) {
  return Var::make("sigmoid", sigmoid(x.value()), {x}, [](Node& self) {
    accumulate(self, [](real, real y, real dy) { return dy * y * (1 - y); });
  });
}

// y = max(x, 0);  dx += dy * [x > 0]
Var relu(const Var& x) {
  return Var::make("relu", map(x.value(), [](real v) { return v > 0 ? v : real(0); }), {x},
                   [](Node& self) {
                     accumulate(self, [](real x, real, real dy) { return x > 0 ? dy : real(0); });
                   });
}

// y = √x;  dx += dy / (2y)
Var sqrt(const Var& x) {
  return Var::make("sqrt", sqrt(x.value()), {x}, [](Node& self) {
    accumulate(self, [](real, real y, real dy) { return dy / (2 * y); });
  });
}

// y = x²;  dx += dy * 2x
Var square(const Var& x) {
  return Var::make("square", map(x.value(), [](real v) { return v * v; }), {x}, [](Node& self) {
    accumulate(self, [](real x, real, real dy) { return dy * 2 * x; });
  });
}

// y = x^p;  dx += dy * p x^(p-1)
Var pow(const Var& x, real p) {
  return Var::make(
      "pow", map(x.value(), [p](real v) { return std::pow(v, p); }), {x}, [p](Node& self) {
        accumulate(self, [p](real x, real, real dy) { return dy * p * std::pow(x, p - 1); });
      });
}

}  // namespace s2s
