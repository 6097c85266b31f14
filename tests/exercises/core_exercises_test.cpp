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
  grade("tanh-backward", [] {
    check_gradients("tanh", [](V x) { return tanh(x[0]); },
                    {Tensor::from({2, 3}, {-1.5, -0.4, 0, 0.3, 0.9, 2.0})});
    check_gradients("tanh", [](V x) { return tanh(x[0]); },
                    {Tensor::from({4}, {0.1, -0.7, 1.2, -2})});
  });
}

TEST_CASE("sigmoid-backward gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("sigmoid-backward", [] {
    check_gradients("sigmoid", [](V x) { return sigmoid(x[0]); },
                    {Tensor::from({2, 3}, {-1.5, -0.4, 0, 0.3, 0.9, 2.0})});
    check_gradients("sigmoid", [](V x) { return sigmoid(x[0]); },
                    {Tensor::from({4}, {0.1, -0.7, 1.2, -2})});
  });
}

TEST_CASE("matmul-backward gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("matmul-backward", [] {
    Rng rng(7);
    auto mm = [](V x) { return matmul(x[0], x[1]); };
    // (M,K)@(K,N), M = 3, K = 4, N = 5: no two sizes alike, so no transpose hides
    check_gradients("matmul (M,K)@(K,N)", mm,
                    {Tensor::uniform({3, 4}, rng, -1, 1), Tensor::uniform({4, 5}, rng, -1, 1)});
    // (B,M,K)@(K,N), B = 2: the batch folds into the rows
    check_gradients("matmul (B,M,K)@(K,N)", mm,
                    {Tensor::uniform({2, 3, 4}, rng, -1, 1), Tensor::uniform({4, 5}, rng, -1, 1)});
    // (B,M,K)@(B,K,N): one product per batch entry
    check_gradients(
        "matmul (B,M,K)@(B,K,N)", mm,
        {Tensor::uniform({2, 3, 4}, rng, -1, 1), Tensor::uniform({2, 4, 5}, rng, -1, 1)});
  });
}

TEST_CASE("softmax-backward gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("softmax-backward", [] {
    check_gradients("softmax axis 1 of (2,4)", [](V x) { return softmax(x[0], 1); },
                    {Tensor::from({2, 4}, {0.5, -1, 2, 0.1, 1.5, 1.4, -0.3, 0})});
    check_gradients("softmax axis 0 of (3,2)", [](V x) { return softmax(x[0], 0); },
                    {Tensor::from({3, 2}, {0.2, -0.6, 1.1, 0.4, -2, 0.9})});
    // the middle axis of (B,S,H) = (2,3,4): the sum must keep that axis, not the last
    Rng rng(3);
    check_gradients("softmax axis 1 of (2,3,4)", [](V x) { return softmax(x[0], 1); },
                    {Tensor::uniform({2, 3, 4}, rng, -2, 2)});
  });
}

TEST_CASE("cross-entropy-backward gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("cross-entropy-backward", [] {
    const Tensor logits =
        Tensor::from({3, 4}, {0.5, -1, 2, 0.1, 1.5, 1.4, -0.3, 0, -0.2, 0.8, 0.3, -1});
    check_gradients("cross_entropy",
                    [](V x) {
                      return cross_entropy(x[0], Ids{2, 0, 3});
                    },
                    {logits});
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
  });
}
