// Graders for the backward exercises (core/ops_*.cpp): each is a gradient check,
// backward against central differences in double precision.
// 反向传播练习的评分:梯度检验,即反向传播结果与中心差分比较。
#include "core/engine.hpp"
#include "exercise_util.hpp"

using namespace s2s;
using namespace s2s::exercise;
using V = const std::vector<Var>&;

TEST_CASE("tanh-backward gradcheck") {
  EngineGuard reference(Engine::reference);
  check_gradients("tanh", [](V x) { return tanh(x[0]); },
                  {Tensor::from({2, 3}, {-1.5, -0.4, 0, 0.3, 0.9, 2.0})});
  check_gradients("tanh", [](V x) { return tanh(x[0]); },
                  {Tensor::from({4}, {0.1, -0.7, 1.2, -2})});
}

TEST_CASE("sigmoid-backward gradcheck") {
  EngineGuard reference(Engine::reference);
  check_gradients("sigmoid", [](V x) { return sigmoid(x[0]); },
                  {Tensor::from({2, 3}, {-1.5, -0.4, 0, 0.3, 0.9, 2.0})});
  check_gradients("sigmoid", [](V x) { return sigmoid(x[0]); },
                  {Tensor::from({4}, {0.1, -0.7, 1.2, -2})});
}

TEST_CASE("matmul-backward gradcheck") {
  EngineGuard reference(Engine::reference);
  Rng rng(7);
  auto mm = [](V x) { return matmul(x[0], x[1]); };
  // (M,K)@(K,N)
  check_gradients("matmul", mm,
                  {Tensor::uniform({2, 3}, rng, -1, 1), Tensor::uniform({3, 4}, rng, -1, 1)});
  // (B,M,K)@(K,N): the batch folds into the rows
  check_gradients("matmul", mm,
                  {Tensor::uniform({2, 2, 3}, rng, -1, 1), Tensor::uniform({3, 4}, rng, -1, 1)});
  // (B,M,K)@(B,K,N): one product per batch entry
  check_gradients("matmul", mm,
                  {Tensor::uniform({2, 2, 3}, rng, -1, 1), Tensor::uniform({2, 3, 4}, rng, -1, 1)});
}

TEST_CASE("softmax-backward gradcheck") {
  EngineGuard reference(Engine::reference);
  check_gradients("softmax", [](V x) { return softmax(x[0], 1); },
                  {Tensor::from({2, 4}, {0.5, -1, 2, 0.1, 1.5, 1.4, -0.3, 0})});
  check_gradients("softmax", [](V x) { return softmax(x[0], 0); },
                  {Tensor::from({3, 2}, {0.2, -0.6, 1.1, 0.4, -2, 0.9})});
}

TEST_CASE("cross-entropy-backward gradcheck") {
  EngineGuard reference(Engine::reference);
  const Tensor logits =
      Tensor::from({3, 4}, {0.5, -1, 2, 0.1, 1.5, 1.4, -0.3, 0, -0.2, 0.8, 0.3, -1});
  check_gradients("cross_entropy", [](V x) { return cross_entropy(x[0], Ids{2, 0, 3}); }, {logits});
  // The row with target -100 (the ignore index) contributes nothing.
  check_gradients("cross_entropy (ignored row)",
                  [](V x) {
                    return cross_entropy(x[0], Ids{1, -100, 3});
                  },
                  {logits});
  // The loss is scaled by dL: a loss inside a larger expression.
  check_gradients("cross_entropy * 3",
                  [](V x) {
                    return cross_entropy(x[0], Ids{0, 1, 2}) * real(3);
                  },
                  {logits});
  // Every row ignored: the loss is the constant 0 and the gradient is zero.
  check_gradients("cross_entropy (all ignored)",
                  [](V x) {
                    return cross_entropy(x[0], Ids{-100, -100, -100});
                  },
                  {logits});
}
