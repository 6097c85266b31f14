// One table, every core op: analytic gradients (backward) against central
// differences in double precision, tolerance 1e-6. Inputs are kept away from
// kinks (relu at 0, ties in max) and from log/sqrt/div singularities.
#include <doctest/doctest.h>

#include <cmath>

#include "core/fast/fast.hpp"
#include "core/gradcheck.hpp"
#include "core/tensor_math.hpp"

using namespace s2s;

namespace {

struct Case {
  std::string op;
  GradFn f;
  std::vector<Shape> shapes;
  enum Domain { kAny, kPositive, kAwayFromZero } domain = kAny;
};

// Random input with a domain: positive (log, sqrt, pow) or |x| >= 0.3 (relu, div).
Tensor make_input(const Shape& s, Case::Domain d, Rng& rng) {
  Tensor t = Tensor::uniform(s, rng, -1, 1);
  for (real& x : t.values()) {
    if (d == Case::kPositive) x = std::abs(x) + real(0.5);
    if (d == Case::kAwayFromZero) x = (x < 0 ? -1 : 1) * (std::abs(x) + real(0.3));
  }
  return t;
}

std::vector<Case> cases() {
  using V = const std::vector<Var>&;
  const Ids ids{2, 0, 3, 2, 1, 1};
  const Tensor mask = Tensor::from({2, 1, 3}, {0, 1, 0, 1, 0, 0});
  const Tensor cond = Tensor::from({3}, {1, 0, 1});
  return {
      // elementwise arithmetic, same shapes and broadcasting
      {"add", [](V x) { return x[0] + x[1]; }, {{2, 3}, {2, 3}}},
      {"add (broadcast row)", [](V x) { return x[0] + x[1]; }, {{2, 3}, {3}}},
      {"add (broadcast both)", [](V x) { return x[0] + x[1]; }, {{2, 1, 3}, {4, 1}}},
      {"sub (broadcast col)", [](V x) { return x[0] - x[1]; }, {{2, 3}, {2, 1}}},
      {"mul", [](V x) { return x[0] * x[1]; }, {{2, 3}, {2, 3}}},
      {"mul (broadcast scalar-shaped)", [](V x) { return x[0] * x[1]; }, {{2, 3}, {1}}},
      {"mul (batch 1)", [](V x) { return x[0] * x[1]; }, {{1, 3}, {1, 3}}},
      {"div", [](V x) { return x[0] / x[1]; }, {{2, 3}, {2, 3}}, Case::kAwayFromZero},
      {"div (broadcast)", [](V x) { return x[0] / x[1]; }, {{2, 3}, {3}}, Case::kAwayFromZero},
      {"neg", [](V x) { return -x[0]; }, {{2, 3}}},
      {"add_scalar", [](V x) { return x[0] + real(2); }, {{3}}},
      {"mul_scalar", [](V x) { return x[0] * real(-1.5); }, {{2, 2}}},
      // elementwise functions
      {"exp", [](V x) { return exp(x[0]); }, {{2, 3}}},
      {"log", [](V x) { return log(x[0]); }, {{2, 3}}, Case::kPositive},
      {"tanh", [](V x) { return tanh(x[0]); }, {{2, 3}}},
      {"sigmoid", [](V x) { return sigmoid(x[0]); }, {{2, 3}}},
      {"relu", [](V x) { return relu(x[0]); }, {{2, 3}}, Case::kAwayFromZero},
      {"sqrt", [](V x) { return sqrt(x[0]); }, {{2, 3}}, Case::kPositive},
      {"square", [](V x) { return square(x[0]); }, {{2, 3}}},
      {"pow", [](V x) { return pow(x[0], real(2.5)); }, {{2, 3}}, Case::kPositive},
      // matrix products
      {"matmul 2-D", [](V x) { return matmul(x[0], x[1]); }, {{2, 3}, {3, 4}}},
      {"matmul 2-D (1x1)", [](V x) { return matmul(x[0], x[1]); }, {{1, 1}, {1, 1}}},
      {"matmul 3-D batched", [](V x) { return matmul(x[0], x[1]); }, {{2, 3, 4}, {2, 4, 2}}},
      {"matmul 3-D @ 2-D", [](V x) { return matmul(x[0], x[1]); }, {{2, 3, 4}, {4, 5}}},
      {"linear", [](V x) { return linear(x[0], x[1], &x[2]); }, {{3, 4}, {5, 4}, {5}}},
      {"linear 3-D, no bias", [](V x) { return linear(x[0], x[1], nullptr); }, {{2, 3, 4}, {2, 4}}},
      {"linear with addend",
       [](V x) { return linear_add(x[0], x[1], &x[2], x[3]); },
       {{3, 4}, {5, 4}, {5}, {3, 5}}},
      {"linear with addend, no bias",
       [](V x) { return linear_add(x[0], x[1], nullptr, x[2]); },
       {{2, 3, 4}, {2, 4}, {2, 3, 2}}},
      // reductions
      {"sum axis 0", [](V x) { return sum(x[0], 0); }, {{2, 3}}},
      {"sum axis 1 keepdim", [](V x) { return sum(x[0], 1, true); }, {{2, 3, 2}}},
      {"sum all", [](V x) { return sum(x[0]); }, {{2, 3}}},
      {"mean axis -1", [](V x) { return mean(x[0], -1); }, {{2, 3}}},
      {"mean all", [](V x) { return mean(x[0]); }, {{2, 3}}},
      {"max axis 1", [](V x) { return max(x[0], 1); }, {{3, 4}}},
      {"max axis 0 keepdim", [](V x) { return max(x[0], 0, true); }, {{3, 4}}},
      {"max all", [](V x) { return max(x[0]); }, {{3, 4}}},
      // softmax
      {"softmax axis -1", [](V x) { return softmax(x[0], -1); }, {{2, 4}}},
      {"softmax axis 0", [](V x) { return softmax(x[0], 0); }, {{3, 2}}},
      {"log_softmax", [](V x) { return log_softmax(x[0], 1); }, {{2, 5}}},
      // shapes
      {"reshape",
       [](V x) {
         return reshape(x[0], {3, 2});
       },
       {{2, 3}}},
      {"transpose", [](V x) { return transpose(x[0], 0, 1); }, {{2, 3}}},
      {"permute",
       [](V x) {
         return permute(x[0], {2, 0, 1});
       },
       {{2, 3, 4}}},
      {"slice", [](V x) { return slice(x[0], 1, 1, 3); }, {{2, 4}}},
      {"select", [](V x) { return select(x[0], 1, 2); }, {{2, 3, 2}}},
      {"concat",
       [](V x) {
         return concat({x[0], x[1]}, 1);
       },
       {{2, 3}, {2, 1}}},
      {"stack",
       [](V x) {
         return stack({x[0], x[1]}, 1);
       },
       {{2, 3}, {2, 3}}},
      {"split",
       [](V x) {
         auto p = split(x[0], {1, 2}, 1);
         return p[0] * sum(p[1], 1, true);
       },
       {{2, 3}}},
      // indexing and selection
      {"gather_rows",
       [ids](V x) {
         return gather_rows(x[0], ids, {2, 3});
       },
       {{4, 3}}},
      {"masked_fill", [mask](V x) { return masked_fill(x[0], mask, -5); }, {{2, 4, 3}}},
      {"where", [cond](V x) { return where(cond, x[0], x[1]); }, {{2, 3}, {3}}},
      // loss
      {"cross_entropy",
       [](V x) {
         return cross_entropy(x[0], {1, 0, 3});
       },
       {{3, 4}}},
      {"cross_entropy (ignore)",
       [](V x) {
         return cross_entropy(x[0], {1, -100, 3, 2});
       },
       {{4, 4}}},
      {"cross_entropy (ignore 0)",
       [](V x) {
         return cross_entropy(x[0], {0, 2, 0}, 0);
       },
       {{3, 3}}},
  };
}

}  // namespace

TEST_CASE("gradcheck: every core op, double precision, tolerance 1e-6") {
  REQUIRE(kDoublePrecision);
  Rng rng(2024);
  double worst = 0;
  for (const Case& c : cases()) {
    std::vector<Tensor> inputs;
    for (const Shape& s : c.shapes) inputs.push_back(make_input(s, c.domain, rng));
    GradCheckResult r = gradcheck(c.op, c.f, inputs);
    INFO(r.message);
    CHECK_MESSAGE(r.ok, r.message);
    CHECK(r.max_error <= 1e-6);
    CHECK(r.checked > 0);
    worst = std::max(worst, r.max_error);
    MESSAGE(r.message);
  }
  MESSAGE(fmt::format("worst max error over all ops: {:.3g}", worst));
}

TEST_CASE("gradcheck: catches a deliberately wrong backward") {
  // y = x² with a backward that forgets the factor 2.
  GradFn wrong = [](const std::vector<Var>& x) {
    Tensor y = x[0].value() * x[0].value();
    return Var::make("bad_square", y, {x[0]}, [](Node& self) {
      if (Tensor* g = self.input_grad(0)) *g += self.grad * self.inputs[0]->value;
    });
  };
  Rng rng(1);
  GradCheckResult r = gradcheck("bad_square", wrong, {Tensor::uniform({2, 2}, rng, 0.5, 1)});
  CHECK_FALSE(r.ok);
  CHECK(r.message.find("op 'bad_square'") != std::string::npos);
  CHECK(r.message.find("input 0") != std::string::npos);
  CHECK(r.message.find("index 0 (0,0)") != std::string::npos);
  CHECK(r.message.find("analytic") != std::string::npos);
  CHECK(r.message.find("numeric") != std::string::npos);
}

TEST_CASE("gradcheck: linear equals the composed matmul(x, Wᵀ) + b") {
  Rng rng(3);
  Var x(Tensor::normal({4, 3}, rng), true), W(Tensor::normal({2, 3}, rng), true),
      b(Tensor::normal({2}, rng), true);
  Var fused = linear(x, W, &b);
  Var composed = matmul(x, transpose(W, 0, 1)) + b;
  CHECK(allclose(fused.value(), composed.value(), 1e-12, 1e-12));
  sum(fused * fused).backward();
  Tensor dx = x.grad(), dW = W.grad(), db = b.grad();
  x.zero_grad(), W.zero_grad(), b.zero_grad();
  sum(composed * composed).backward();
  CHECK(allclose(dx, x.grad(), 1e-12, 1e-12));
  CHECK(allclose(dW, W.grad(), 1e-12, 1e-12));
  CHECK(allclose(db, b.grad(), 1e-12, 1e-12));
}

TEST_CASE("gradcheck: linear with an addend equals addend + linear, values and gradients") {
  Rng rng(4);
  Var x(Tensor::normal({4, 3}, rng), true), W(Tensor::normal({2, 3}, rng), true),
      b(Tensor::normal({2}, rng), true), a(Tensor::normal({4, 2}, rng), true);
  Var fused = linear_add(x, W, &b, a);
  Var composed = a + linear(x, W, &b);
  CHECK(fused.value().to_vector() == composed.value().to_vector());  // same rounding
  sum(fused * fused).backward();
  Tensor dx = x.grad(), dW = W.grad(), db = b.grad(), da = a.grad();
  x.zero_grad(), W.zero_grad(), b.zero_grad(), a.zero_grad();
  sum(composed * composed).backward();
  CHECK(allclose(dx, x.grad(), 1e-12, 1e-12));
  CHECK(allclose(dW, W.grad(), 1e-12, 1e-12));
  CHECK(allclose(db, b.grad(), 1e-12, 1e-12));
  CHECK(allclose(da, a.grad(), 1e-12, 1e-12));
  CHECK_THROWS_WITH_AS(linear_add(x, W, &b, Var(Tensor({4, 3}))),
                       doctest::Contains("addend must have the output's shape (4,2), got (4,3)"),
                       Error);
}
