// Graders for the attention exercises (attention/*.cpp, reference engine): values
// worked out by hand from the inputs written here, and a gradient check.
// 注意力练习的评分:与按这里写出的输入手算的数值比较,并做梯度检验。
#include <cmath>

#include "attention/additive.hpp"
#include "attention/attention.hpp"
#include "attention/cosine.hpp"
#include "attention/dot.hpp"
#include "attention/general.hpp"
#include "attention/key_value.hpp"
#include "attention/local.hpp"
#include "attention/location.hpp"
#include "core/engine.hpp"
#include "exercise_util.hpp"

using namespace s2s;
using namespace s2s::exercise;
using V = const std::vector<Var>&;

TEST_CASE("masked-softmax values") {
  EngineGuard reference(Engine::reference);
  const Tensor scores = Tensor::from({2, 3}, {1, 2, 3, 0.5, -1, 2});
  const Tensor mask = Tensor::from({2, 3}, {1, 1, 0, 1, 1, 1});
  Var a = masked_softmax(Var(scores), mask);
  // row 0: softmax(1, 2) and exactly 0 at the padding; row 1: softmax(0.5, -1, 2)
  check_values(a.value(), {0.2689414213699951, 0.7310585786300049, 0, 0.1752903921400367,
                           0.039112573270687456, 0.7855970345892759});
  CHECK(a.value()[2] == 0);  // exactly, not nearly
}

TEST_CASE("context-vector values and gradcheck") {
  EngineGuard reference(Engine::reference);
  const Tensor w = Tensor::from({2, 3}, {0.2, 0.3, 0.5, 0.6, 0.4, 0});
  const Tensor v = Tensor::from({2, 3, 2}, {1, 2, 3, -1, 0, 4, -2, 1, 0.5, 0.5, 9, 9});
  Var c = weighted_sum(Var(w), Var(v));
  REQUIRE(c.shape() == Shape({2, 2}));
  // c_0 = 0.2(1,2) + 0.3(3,-1) + 0.5(0,4);  c_1 = 0.6(-2,1) + 0.4(0.5,0.5) + 0(9,9)
  check_values(c.value(), {1.1, 2.1, -1.0, 0.8});
  check_gradients("weighted_sum", [](V x) { return weighted_sum(x[0], x[1]); }, {w, v});
}

TEST_CASE("dot-score values") {
  EngineGuard reference(Engine::reference);
  const Tensor q = Tensor::from({2, 2}, {1, 2, -1, 0.5});
  const Tensor k = Tensor::from({2, 3, 2}, {1, 0, 0, 1, 2, -1, 3, 1, -2, 2, 0.5, 0.5});
  DotScore dot(2, 2, false), scaled(2, 2, true);
  check_values(dot.score(Var(q), Var(k), {}).value(), {1, 2, 0, -2.5, 3, -0.25});
  const double r = 1 / std::sqrt(2.0);  // 1/√Hk
  check_values(scaled.score(Var(q), Var(k), {}).value(), {r, 2 * r, 0, -2.5 * r, 3 * r, -0.25 * r});
}

TEST_CASE("general-score values") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  GeneralScore general(2, 3, rng);
  set_param(general, "W", Tensor::from({2, 3}, {1, 0, 2, 0.5, -1, 1}));
  const Tensor q = Tensor::from({1, 2}, {0.5, -1});
  const Tensor k = Tensor::from({1, 2, 3}, {1, 2, 3, -1, 0, 0.5});
  // qᵀW = (0, 1, 0): e = (2, 0)
  check_values(general.score(Var(q), Var(k), {}).value(), {2, 0});
}

TEST_CASE("additive-score values") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  AdditiveScore additive(2, 2, 2, rng);
  set_param(additive, "W_q", Tensor::from({2, 2}, {0.5, -0.2, 0.1, 0.3}));
  set_param(additive, "W_k", Tensor::from({2, 2}, {0.4, 0.1, -0.3, 0.6}));
  set_param(additive, "v", Tensor::from({2}, {1, -2}));
  const Tensor q = Tensor::from({1, 2}, {1, 0.5});
  const Tensor k = Tensor::from({1, 3, 2}, {1, 0, 0, 1, -1, 2});
  // W_q q = (0.4, 0.25); e_0 = tanh(0.8) - 2 tanh(-0.05), e_1 = tanh(0.5) - 2 tanh(0.85), ...
  check_values(additive.score(Var(q), Var(k), {}).value(),
               {0.7639535201836091, -0.9200217824058512, -1.6853757567696708});
}

TEST_CASE("location-score values") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  LocationScore location(2, 2, 4, rng);  // max_src_len 4
  set_param(location, "W_a", Tensor::from({4, 2}, {1, 2, 0.5, -1, -2, 0.25, 3, 3}));
  const Tensor q = Tensor::from({1, 2}, {0.5, -1});
  const Tensor k = Tensor::zeros({1, 3, 2});  // only S = 3 matters
  // W_a q = (-1.5, 1.25, -1.25, -1.5): the first S = 3
  check_values(location.score(Var(q), Var(k), {}).value(), {-1.5, 1.25, -1.25});
}

TEST_CASE("local-p-window position and weights") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  // cosine scores (not an exercise; β = 1, and its ε in the norms is why tol is 1e-6),
  // half-width D = 2, predictor size P = 1
  LocalAttention local(std::make_unique<CosineScore>(2, 2, rng), LocalMode::predictive, 2, rng, 1);
  set_param(local, "W_p", Tensor::from({1, 2}, {0.8, -0.4}));
  set_param(local, "v_p", Tensor::from({1}, {1.5}));
  const Tensor q = Tensor::from({1, 2}, {0.5, 0.25});
  const Tensor k = Tensor::from({1, 5, 2}, {1, 0, 0, 1, 1, 1, -1, 0.5, 0.3, -0.2});
  AttentionOutput out = local.forward(Var(q), Var(k), Var(k), Tensor::ones({1, 5}), {});
  // p = (L-1) σ(v_p tanh(W_p q)) = 4 σ(1.5 tanh(0.3)); window |s - p| <= 2 is s = 1..4;
  // weights = softmax over the window of cos(q, k_s) - (s - p)² / (2σ²), σ = D/2 = 1
  check_values(out.position.value(), {2.43014619287627});
  check_values(
      out.weights.value(),
      {0, 0.1456331602716789, 0.6095413288264944, 0.12080403040246408, 0.12402148049936276}, 1e-6);
}

TEST_CASE("key-value-split keys and values") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  // H = 5 split into key_size 2 + value_size 3
  KeyValueAttention kv(KeyValueMode::split, "dot", 2, 5, 2, 3, 4, 8, rng);
  const Tensor states = Tensor::from({1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  auto [keys, values] = kv.keys_values(Var(states));
  REQUIRE(keys.shape() == Shape({1, 2, 2}));
  REQUIRE(values.shape() == Shape({1, 2, 3}));
  check_values(keys.value(), {1, 2, 6, 7});
  check_values(values.value(), {3, 4, 5, 8, 9, 10});
}
