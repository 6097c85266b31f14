// Losses: values against hand computation, ignore index, agreement of the two forms.
#include <doctest/doctest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "nn/loss.hpp"

using namespace s2s;

TEST_CASE("nn: cross_entropy_loss value and ignore index") {
  // Row 0: logits (0, 0) -> -log(1/2) = log 2. Row 1 is ignored (target -100).
  Var z(Tensor::from({2, 2}, {0, 0, 5, -5}), true);
  Var L = cross_entropy_loss(z, {1, -100});
  CHECK(L.item() == doctest::Approx(std::log(2.0)).epsilon(1e-5));
  L.backward();
  CHECK(z.grad()[2] == 0);  // ignored row: no gradient
  CHECK(z.grad()[1] == doctest::Approx(-0.5));
  CHECK_THROWS_WITH_AS(cross_entropy_loss(Var(Tensor::zeros({2})), {0}),
                       doctest::Contains("(N,V) or (B,T,V)"), Error);
}

TEST_CASE("nn: nll_loss of log_softmax equals cross entropy") {
  Rng rng(3);
  Tensor z = Tensor::normal({5, 7}, rng);
  Ids t{1, 0, 6, 0, 3};
  real ce = cross_entropy_loss(Var(z), t, 0).item();
  real nll = nll_loss(log_softmax(Var(z), 1), t, 0).item();
  CHECK(nll == doctest::Approx(ce).epsilon(1e-5));
  CHECK(nll_loss(log_softmax(Var(z), 1), {0, 0, 0, 0, 0}, 0).item() == 0);  // all ignored
  CHECK_THROWS_WITH_AS(nll_loss(Var(z), {1, 2}), doctest::Contains("2 targets"), Error);
  CHECK_THROWS_WITH_AS(nll_loss(Var(z), {1, 2, 3, 4, 9}), doctest::Contains("target 9"), Error);
}
