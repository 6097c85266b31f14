// Elementwise arithmetic with numpy broadcasting. Every backward ends with
// sum_to(..., input shape): a broadcast input receives the sum of the
// gradients of all the places it was copied to.
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

#define X(i) (self.inputs[i]->value)

namespace {
// dinput_i += sum_to(dy, input i's shape), without the copy sum_to makes when
// no axis was broadcast (the common case; the copy showed up in profiles).
void accumulate_sum_to(Node& self, size_t i, const Tensor& dy) {
  const Shape& s = self.inputs[i]->value.shape();
  if (s == dy.shape())
    self.accumulate_input_grad(i, dy);
  else
    self.accumulate_input_grad(i, sum_to(dy, s));
}
}  // namespace

// y = a + b;  da += dy,  db += dy
Var add(const Var& a, const Var& b) {
  return Var::make("add", a.value() + b.value(), {a, b}, [](Node& self) {
    accumulate_sum_to(self, 1, self.grad);
    // da last, so that dy itself can be handed over when a has its shape (a
    // (B,4H) copy per LSTM step otherwise).
    if (self.inputs[0]->value.shape() == self.grad.shape())
      self.accumulate_input_grad(0, self.take_grad());
    else
      accumulate_sum_to(self, 0, self.grad);
  });
}

// y = a - b;  da += dy,  db -= dy
Var sub(const Var& a, const Var& b) {
  return Var::make("sub", a.value() - b.value(), {a, b}, [](Node& self) {
    accumulate_sum_to(self, 0, self.grad);
    if (Tensor* g = self.input_grad(1)) *g -= sum_to(self.grad, g->shape());
  });
}

// y = a * b;  da += dy * b,  db += dy * a
Var mul(const Var& a, const Var& b) {
  return Var::make("mul", a.value() * b.value(), {a, b}, [](Node& self) {
    if (Tensor* g = self.input_grad(0)) *g += sum_to(self.grad * X(1), g->shape());
    if (Tensor* g = self.input_grad(1)) *g += sum_to(self.grad * X(0), g->shape());
  });
}

// y = a / b;  da += dy / b,  db -= dy * a / b²  (= dy * y / b)
Var div(const Var& a, const Var& b) {
  return Var::make("div", a.value() / b.value(), {a, b}, [](Node& self) {
    if (Tensor* g = self.input_grad(0)) *g += sum_to(self.grad / X(1), g->shape());
    if (Tensor* g = self.input_grad(1)) *g -= sum_to(self.grad * self.value / X(1), g->shape());
  });
}

// y = -a;  da -= dy
Var neg(const Var& a) {
  return Var::make("neg", -a.value(), {a}, [](Node& self) {
    if (Tensor* g = self.input_grad(0)) *g -= self.grad;
  });
}

// y = a + s;  da += dy
Var add_scalar(const Var& a, real s) {
  return Var::make("add_scalar", a.value() + s, {a}, [](Node& self) {
    if (Tensor* g = self.input_grad(0)) *g += self.grad;
  });
}

// y = a * s;  da += dy * s
Var mul_scalar(const Var& a, real s) {
  return Var::make("mul_scalar", a.value() * s, {a}, [s](Node& self) {
    if (Tensor* g = self.input_grad(0)) *g += self.grad * s;
  });
}

}  // namespace s2s
