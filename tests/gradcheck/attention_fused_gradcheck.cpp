// Gradient checks (double precision, tolerance 1e-6) of the fused attention
// ops additive_scores and fused_weighted_sum, alone and chained as one attention step.
#include <doctest/doctest.h>

#include "core/fast/fast.hpp"
#include "core/gradcheck.hpp"
#include "core/tensor_math.hpp"

using namespace s2s;

TEST_CASE("gradcheck: additive_scores w.r.t. kp, qp and v") {
  Rng rng(41);
  const int64_t B = 2, S = 3, A = 4;
  // Pre-activations up to about ±3 reach tanh's saturating part.
  const std::vector<Tensor> in{Tensor::uniform({B, S, A}, rng, -1.5, 1.5),
                               Tensor::uniform({B, A}, rng, -1.5, 1.5),
                               Tensor::uniform({A}, rng, -1, 1)};
  GradCheckResult r = gradcheck(
      "additive_scores",
      [](const std::vector<Var>& x) { return additive_scores(x[0], x[1], x[2]); }, in);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked == B * S * A + B * A + A);
}

TEST_CASE("gradcheck: fused_weighted_sum w.r.t. weights and values") {
  Rng rng(42);
  const int64_t B = 2, S = 3, H = 5;
  const std::vector<Tensor> in{Tensor::uniform({B, S}, rng, 0, 1),
                               Tensor::uniform({B, S, H}, rng, -1, 1)};
  GradCheckResult r = gradcheck(
      "fused_weighted_sum",
      [](const std::vector<Var>& x) { return fused_weighted_sum(x[0], x[1]); }, in);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked == B * S + B * S * H);
}

TEST_CASE("gradcheck: additive attention step from the fused ops, batch 1 and S=1") {
  Rng rng(43);
  for (int64_t S : {1, 4}) {
    CAPTURE(S);
    const int64_t B = 1, A = 3, H = 2;
    const std::vector<Tensor> in{
        Tensor::uniform({B, S, A}, rng, -1, 1), Tensor::uniform({B, A}, rng, -1, 1),
        Tensor::uniform({A}, rng, -1, 1), Tensor::uniform({B, S, H}, rng, -1, 1)};
    GradCheckResult r = gradcheck(
        "attention step",
        [](const std::vector<Var>& x) {
          return fused_weighted_sum(softmax(additive_scores(x[0], x[1], x[2]), 1), x[3]);
        },
        in);
    INFO(r.message);
    CHECK(r.ok);
  }
}
