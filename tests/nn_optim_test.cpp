// Optimizers, gradient clipping and learning-rate schedules.
#include <doctest/doctest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "nn/adam.hpp"
#include "nn/clip_grad.hpp"
#include "nn/lr_schedule.hpp"
#include "nn/sgd.hpp"

using namespace s2s;

namespace {
// Sets a leaf's gradient directly, as backward() would.
void set_grad(Var& p, std::vector<real> g) { p.node()->grad = Tensor::from(p.shape(), g); }
}  // namespace

TEST_CASE("nn: adam matches hand-computed values for two steps") {
  Var p(Tensor::from({1}, {1}), true);
  Adam adam({p}, real(0.1));
  // Step 1, g = 2:  m = 0.1·2 = 0.2,  v = 0.001·4 = 0.004
  //   m̂ = 0.2/(1-0.9) = 2,  v̂ = 0.004/(1-0.999) = 4,  p = 1 - 0.1·2/(√4 + 1e-8) = 0.9000000005
  set_grad(p, {2});
  adam.step();
  CHECK(p.value()[0] == doctest::Approx(0.9000000005).epsilon(1e-6));
  // Step 2, g = -1: m = 0.9·0.2 + 0.1·(-1) = 0.08,  v = 0.999·0.004 + 0.001·1 = 0.004996
  //   m̂ = 0.08/(1-0.81) = 0.421052631...,  v̂ = 0.004996/(1-0.998001) = 2.499249624...
  //   p = 0.9000000005 - 0.1·0.421052631/(1.580901522 + 1e-8) = 0.873366296...
  set_grad(p, {-1});
  adam.step();
  CHECK(p.value()[0] == doctest::Approx(0.8733662967).epsilon(1e-6));
  CHECK(adam.steps() == 2);
}

TEST_CASE("nn: adam skips parameters without gradient") {
  Var a(Tensor::from({1}, {1}), true), b(Tensor::from({1}, {5}), true);
  Adam adam({a, b}, real(0.1));
  set_grad(a, {1});
  adam.step();
  CHECK(a.value()[0] < 1);
  CHECK(b.value()[0] == 5);
}

TEST_CASE("nn: sgd with momentum converges on a quadratic") {
  // L(w) = Σ (w - target)², minimum at target.
  const Tensor target = Tensor::from({3}, {1, -2, 3});
  for (real mu : {real(0), real(0.9)}) {
    CAPTURE(mu);
    Var w(Tensor::zeros({3}), true);
    SGD sgd({w}, real(0.05), mu);
    for (int it = 0; it < 200; ++it) {
      sgd.zero_grad();
      sum(square(w - Var(target))).backward();
      sgd.step();
    }
    for (int i = 0; i < 3; ++i) CHECK(w.value()[i] == doctest::Approx(target[i]).epsilon(1e-3));
  }
}

TEST_CASE("nn: sgd first step is p - lr g, momentum accumulates") {
  Var w(Tensor::from({1}, {1}), true);
  SGD sgd({w}, real(0.5), real(0.9));
  set_grad(w, {2});
  sgd.step();  // v = 2, w = 1 - 0.5·2 = 0
  CHECK(w.value()[0] == doctest::Approx(0));
  sgd.step();  // v = 0.9·2 + 2 = 3.8, w = 0 - 0.5·3.8 = -1.9
  CHECK(w.value()[0] == doctest::Approx(-1.9));
  CHECK_THROWS_WITH_AS(SGD({w}, real(0.1), real(1.5)), doctest::Contains("momentum"), Error);
  CHECK_THROWS_WITH_AS(SGD({w}, real(-1)), doctest::Contains("learning rate"), Error);
}

TEST_CASE("nn: clip_grad_norm returns the total norm and scales") {
  Var a(Tensor::zeros({2}), true), b(Tensor::zeros({1}), true), none(Tensor::zeros({1}), true);
  set_grad(a, {3, 0});
  set_grad(b, {4});  // total norm = 5
  real n = clip_grad_norm({a, b, none}, 1);
  CHECK(n == doctest::Approx(5));
  CHECK(a.grad()[0] == doctest::Approx(0.6).epsilon(1e-5));
  CHECK(b.grad()[0] == doctest::Approx(0.8).epsilon(1e-5));
  // Below the limit: untouched.
  real n2 = clip_grad_norm({a, b}, 10);
  CHECK(n2 == doctest::Approx(1).epsilon(1e-5));
  CHECK(b.grad()[0] == doctest::Approx(0.8).epsilon(1e-5));
  CHECK_THROWS_WITH_AS(clip_grad_norm({a}, 0), doctest::Contains("max_norm"), Error);
}

TEST_CASE("nn: learning-rate schedules") {
  StepDecay step(1, 10, real(0.5));
  CHECK(step.at(0) == doctest::Approx(1));
  CHECK(step.at(9) == doctest::Approx(1));
  CHECK(step.at(10) == doctest::Approx(0.5));
  CHECK(step.at(25) == doctest::Approx(0.25));
  ExponentialDecay ex(2, real(0.9));
  CHECK(ex.at(0) == doctest::Approx(2));
  CHECK(ex.at(2) == doctest::Approx(2 * 0.81));
  CHECK_THROWS_WITH_AS(StepDecay(1, 0, 1), doctest::Contains("step_size"), Error);
  CHECK_THROWS_WITH_AS(ex.at(-1), doctest::Contains("epoch"), Error);
}

TEST_CASE("nn: plateau decay lowers the rate after `patience` validations without progress") {
  PlateauDecay p(real(0.5), 2, real(0.1));
  real lr = 1;
  lr = p.update(3.0, lr);  // new best
  CHECK(lr == 1);
  lr = p.update(3.5, lr);  // 1 without progress
  CHECK(lr == 1);
  lr = p.update(3.2, lr);  // 2: decay
  CHECK(lr == doctest::Approx(0.5));
  lr = p.update(2.0, lr);  // new best: no decay, count restarts
  CHECK(lr == doctest::Approx(0.5));
  for (int i = 0; i < 10; ++i) lr = p.update(9.0, lr);
  CHECK(lr == doctest::Approx(0.1));  // never below min_lr
}

TEST_CASE("nn: hold then anneal keeps the rate, then falls geometrically to min_lr") {
  HoldThenAnneal a(real(1e-2), real(1e-4), 0.5);
  CHECK(a.at(0) == doctest::Approx(1e-2));
  CHECK(a.at(0.5) == doctest::Approx(1e-2));
  CHECK(a.at(0.75) == doctest::Approx(1e-3));  // halfway from 1e-2 to 1e-4 in log
  CHECK(a.at(1) == doctest::Approx(1e-4));
  CHECK(a.at(7) == doctest::Approx(1e-4));  // past the budget: stays at min_lr
  CHECK_THROWS_AS(HoldThenAnneal(real(1e-2), real(0), 0.5), s2s::Error);
}
