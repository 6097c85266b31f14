// Graders for the cell exercises (nn/*_cell.cpp, reference engine): one step
// against numbers worked out by hand from the weights below, and a gradient check.
// 循环单元练习的评分:与按下列权重手算的数值比较,并做梯度检验。
#include "core/engine.hpp"
#include "exercise_util.hpp"
#include "nn/gru_cell.hpp"
#include "nn/lstm_cell.hpp"
#include "nn/rnn_cell.hpp"

using namespace s2s;
using namespace s2s::exercise;
using V = const std::vector<Var>&;

TEST_CASE("rnn-cell-step values and gradcheck") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  RNNCell cell(2, 2, rng);  // E = 2, H = 2
  set_param(cell, "weight_ih", Tensor::from({2, 2}, {0.5, -0.3, 0.2, 0.4}));
  set_param(cell, "bias_ih", Tensor::from({2}, {0.1, -0.2}));
  set_param(cell, "weight_hh", Tensor::from({2, 2}, {0.3, 0.1, -0.4, 0.2}));
  set_param(cell, "bias_hh", Tensor::from({2}, {0.05, 0}));
  const Tensor x = Tensor::from({1, 2}, {1, -2}), h = Tensor::from({1, 2}, {0.5, -0.5});
  RecurrentState next = cell.step(Var(x), {Var(h), Var()});
  // h' = tanh(W_ih x + b_ih + W_hh h + b_hh) = tanh(2.07), tanh(-1.1)
  check_values(next.h.value(), {0.8740532878860071, -0.8004990217606297});
  CHECK_FALSE(next.c.defined());
  check_gradients("RNNCell::step", [&](V v) { return cell.step(v[0], {v[1], Var()}).h; }, {x, h});
}

TEST_CASE("lstm-cell-step values and gradcheck") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  LSTMCell cell(2, 1, rng);  // E = 2, H = 1: rows i, f, g, o
  set_param(cell, "weight_ih", Tensor::from({4, 2}, {0.5, -0.3, 0.2, 0.4, -0.6, 0.1, 0.3, 0.3}));
  set_param(cell, "bias_ih", Tensor::from({4}, {0.1, 0.2, -0.1, 0}));
  set_param(cell, "weight_hh", Tensor::from({4, 1}, {0.2, -0.5, 0.7, 0.1}));
  set_param(cell, "bias_hh", Tensor::from({4}, {0, 0.1, 0.05, -0.2}));
  const Tensor x = Tensor::from({1, 2}, {1, -0.5}), h = Tensor::from({1, 1}, {0.4}),
               c = Tensor::from({1, 1}, {-0.3});
  RecurrentState next = cell.step(Var(x), {Var(h), Var(c)});
  // pre = (0.83, -0.2, -0.47, 0.19): c' = σ(-0.2)(-0.3) + σ(0.83) tanh(-0.47), h' = σ(0.19)
  // tanh(c')
  check_values(next.c.value(), {-0.433898219367522});
  check_values(next.h.value(), {-0.20326554959101326});
  check_gradients("LSTMCell::step",
                  [&](V v) {
                    RecurrentState s = cell.step(v[0], {v[1], v[2]});
                    return s.h + s.c * real(0.5);
                  },
                  {x, h, c});
}

TEST_CASE("gru-cell-step values and gradcheck") {
  EngineGuard reference(Engine::reference);
  Rng rng(1);
  GRUCell cell(2, 1, rng);  // E = 2, H = 1: rows r, z, n
  set_param(cell, "weight_ih", Tensor::from({3, 2}, {0.5, -0.3, 0.2, 0.4, -0.6, 0.1}));
  set_param(cell, "bias_ih", Tensor::from({3}, {0.1, 0.2, -0.1}));
  set_param(cell, "weight_hh", Tensor::from({3, 1}, {0.2, -0.5, 0.7}));
  set_param(cell, "bias_hh", Tensor::from({3}, {0, 0.1, 0.05}));
  const Tensor x = Tensor::from({1, 2}, {1, -0.5}), h = Tensor::from({1, 1}, {0.4});
  RecurrentState next = cell.step(Var(x), {Var(h), Var()});
  // r = σ(0.83), z = σ(0.1), n = tanh(-0.75 + r·0.33), h' = (1-z) n + z·0.4
  check_values(next.h.value(), {-0.017000143554510072});
  check_gradients("GRUCell::step", [&](V v) { return cell.step(v[0], {v[1], Var()}).h; }, {x, h});
}
