// Elementwise arithmetic with numpy broadcasting. Every backward ends with
// sum_to(..., input shape): a broadcast input receives the sum of the
// gradients of all the places it was copied to.
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

// y = a + b;  da += dy,  db += dy
Var add(const Var& a, const Var& b) {
  return Var::make("add", a.value() + b.value(), {a, b}, [](Node& self) {
    if (Tensor* da = self.input_grad(0)) *da += sum_to(self.grad, da->shape());
    if (Tensor* db = self.input_grad(1)) *db += sum_to(self.grad, db->shape());
  });
}

// y = a - b;  da += dy,  db += -dy
Var sub(const Var& a, const Var& b) {
  return Var::make("sub", a.value() - b.value(), {a, b}, [](Node& self) {
    if (Tensor* da = self.input_grad(0)) *da += sum_to(self.grad, da->shape());
    if (Tensor* db = self.input_grad(1)) *db += sum_to(-self.grad, db->shape());
  });
}

// y = a * b;  da += dy * b,  db += dy * a
Var mul(const Var& a, const Var& b) {
  return Var::make("mul", a.value() * b.value(), {a, b}, [](Node& self) {
    if (Tensor* da = self.input_grad(0)) *da += sum_to(self.grad * self.input(1), da->shape());
    if (Tensor* db = self.input_grad(1)) *db += sum_to(self.grad * self.input(0), db->shape());
  });
}

// y = a / b;  da += dy / b,  db += -dy * a / b²  (= -dy * y / b)
Var div(const Var& a, const Var& b) {
  return Var::make("div", a.value() / b.value(), {a, b}, [](Node& self) {
    if (Tensor* da = self.input_grad(0)) *da += sum_to(self.grad / self.input(1), da->shape());
    if (Tensor* db = self.input_grad(1))
      *db += sum_to(-self.grad * self.value / self.input(1), db->shape());
  });
}

// y = -a;  da += -dy
Var neg(const Var& a) {
  return Var::make("neg", -a.value(), {a}, [](Node& self) {
    if (Tensor* da = self.input_grad(0)) *da += -self.grad;
  });
}

// y = a + s;  da += dy
Var add_scalar(const Var& a, real s) {
  return Var::make("add_scalar", a.value() + s, {a}, [](Node& self) {
    if (Tensor* da = self.input_grad(0)) *da += self.grad;
  });
}

// y = a * s;  da += dy * s
Var mul_scalar(const Var& a, real s) {
  return Var::make("mul_scalar", a.value() * s, {a}, [s](Node& self) {
    if (Tensor* da = self.input_grad(0)) *da += self.grad * s;
  });
}

}  // namespace s2s
