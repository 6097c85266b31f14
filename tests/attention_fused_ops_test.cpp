// The fused attention ops (core additive_scores and attend) against the core
// ops they replace: values and every input's gradient, on random inputs of
// several shapes including B=1 and S=1, and clear errors for bad shapes.
#include <doctest/doctest.h>

#include <functional>

#include "core/error.hpp"
#include "core/fast/fast.hpp"
#include "core/tensor_math.hpp"

using namespace s2s;

namespace {
// Double agrees to rounding; float to a few ulp per op (the sums run in a
// different order, the fast float tanh is shared by both paths).
const double kRtol = kDoublePrecision ? 1e-12 : 1e-5;
const double kAtol = kDoublePrecision ? 1e-13 : 1e-5;

struct Result {
  Tensor value;
  std::vector<Tensor> grads;
};

// Runs f on leaves made from `inputs`, backpropagates L = Σ f(x) ⊙ R and
// returns f's value and every input's gradient.
Result run(const std::function<Var(const std::vector<Var>&)>& f, const std::vector<Tensor>& inputs,
           const Tensor& R) {
  std::vector<Var> x;
  for (const Tensor& t : inputs) x.emplace_back(t, true);
  Var y = f(x);
  sum(y * Var(R)).backward();
  Result r{y.value(), {}};
  for (const Var& xi : x) r.grads.push_back(xi.grad());
  return r;
}

void check_same(const Result& fused, const Result& composed) {
  CHECK(allclose(fused.value, composed.value, kRtol, kAtol));
  REQUIRE(fused.grads.size() == composed.grads.size());
  for (size_t i = 0; i < fused.grads.size(); ++i) {
    CAPTURE(i);
    CHECK(allclose(fused.grads[i], composed.grads[i], kRtol, kAtol));
    CHECK(max_abs(fused.grads[i]) > 0);  // gradients really flowed
  }
}

// (B,S,A) or (B,S,H): batch 1, a single position, odd sizes and sizes past
// the 16-lane dot product's blocks.
const std::vector<Shape> kShapes{{3, 5, 7}, {1, 4, 6},  {2, 1, 5},
                                 {1, 1, 3}, {2, 3, 37}, {4, 6, 64}};
}  // namespace

TEST_CASE("attention: fused additive_scores equals the composed ops, values and gradients") {
  Rng rng(31);
  for (const Shape& sh : kShapes) {
    const int64_t B = sh[0], S = sh[1], A = sh[2];
    CAPTURE(shape_str(sh));
    const std::vector<Tensor> in{Tensor::normal({B, S, A}, rng), Tensor::normal({B, A}, rng),
                                 Tensor::normal({A}, rng)};
    const Tensor R = Tensor::normal({B, S}, rng);
    const Result fused =
        run([](const std::vector<Var>& x) { return additive_scores(x[0], x[1], x[2]); }, in, R);
    const Result composed = run(
        [&](const std::vector<Var>& x) {
          Var hidden = tanh(x[0] + reshape(x[1], {B, 1, A}));             // (B,S,A)
          return reshape(matmul(hidden, reshape(x[2], {A, 1})), {B, S});  // (B,S)
        },
        in, R);
    REQUIRE(fused.value.shape() == Shape{B, S});
    check_same(fused, composed);
  }
}

TEST_CASE("attention: fused attend equals the composed weighted sum, values and gradients") {
  Rng rng(32);
  for (const Shape& sh : kShapes) {
    const int64_t B = sh[0], S = sh[1], H = sh[2];
    CAPTURE(shape_str(sh));
    const std::vector<Tensor> in{Tensor::uniform({B, S}, rng, 0, 1),
                                 Tensor::normal({B, S, H}, rng)};
    const Tensor R = Tensor::normal({B, H}, rng);
    const Result fused =
        run([](const std::vector<Var>& x) { return fused_weighted_sum(x[0], x[1]); }, in, R);
    const Result composed = run(
        [&](const std::vector<Var>& x) {
          return reshape(matmul(reshape(x[0], {B, 1, S}), x[1]), {B, H});
        },
        in, R);
    REQUIRE(fused.value.shape() == Shape{B, H});
    check_same(fused, composed);
  }
}

TEST_CASE("attention: fused ops with inputs that need no gradient") {
  Rng rng(33);
  Var kp(Tensor::normal({2, 3, 4}, rng), true), qp(Tensor::normal({2, 4}, rng));
  Var v(Tensor::normal({4}, rng));
  Var values(Tensor::normal({2, 3, 5}, rng));
  Var ctx = fused_weighted_sum(softmax(additive_scores(kp, qp, v), 1),
                               values);  // only kp needs a gradient
  sum(ctx).backward();
  CHECK(max_abs(kp.grad()) > 0);
  CHECK_FALSE(qp.has_grad());
  // No input needs a gradient: no graph is kept.
  Var e = additive_scores(Var(kp.value()), qp, v);
  CHECK_FALSE(e.requires_grad());
}

TEST_CASE("attention: fused ops reject bad shapes with clear messages") {
  auto V = [](Shape s) { return Var(Tensor(std::move(s))); };
  CHECK_THROWS_WITH_AS(additive_scores(V({2, 3}), V({2, 3}), V({3})),
                       doctest::Contains("additive_scores: kp must be (B,S,A), got (2,3)"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(additive_scores(V({2, 3, 4}), V({3, 4}), V({4})),
                       doctest::Contains("qp must be (B,A) = (2,4) for kp (2,3,4), got (3,4)"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(additive_scores(V({2, 3, 4}), V({2, 4}), V({1, 4})),
                       doctest::Contains("v must be (A) = (4) for kp (2,3,4), got (1,4)"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(fused_weighted_sum(Var(), V({2, 3, 5})),
                       doctest::Contains("fused_weighted_sum: an input Var is undefined"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(fused_weighted_sum(V({2, 3}), V({2, 3})),
                       doctest::Contains("fused_weighted_sum: values must be (B,S,H), got (2,3)"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(
      fused_weighted_sum(V({2, 4}), V({2, 3, 5})),
      doctest::Contains("weights must be (B,S) = (2,3) for values (2,3,5), got (2,4)"), s2s::Error);
}
