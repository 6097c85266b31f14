// Gradient checks (double precision, tolerance 1e-6) of the fused LSTM op
// lstm_cell_update / lstm_hidden and of FusedLSTMCell::step, which uses it, over two steps, and
// of the hoisted form (project_input once, step_preactivated per step).
#include <doctest/doctest.h>

#include "core/fast/fast.hpp"
#include "core/gradcheck.hpp"
#include "core/tensor_math.hpp"
#include "core/fast/fused_cells.hpp"

using namespace s2s;

TEST_CASE("gradcheck: lstm_cell_update and lstm_hidden w.r.t. pre-activations and cell state") {
  Rng rng(21);
  // Pre-activations up to ±3 reach the saturating parts of σ and tanh.
  const Tensor pre = Tensor::uniform({3, 4 * 5}, rng, -3, 3);
  const Tensor c = Tensor::uniform({3, 5}, rng, -2, 2);
  GradCheckResult r = gradcheck(
      "lstm_cell_update", [](const std::vector<Var>& in) { return lstm_cell_update(in[0], in[1]); },
      {pre, c});
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked == 3 * 20 + 3 * 5);
  GradCheckResult r2 =
      gradcheck("lstm_hidden", [](const std::vector<Var>& in) { return lstm_hidden(in[0], in[1]); },
                {pre, c});
  INFO(r2.message);
  CHECK(r2.ok);
  CHECK(r2.checked == 3 * 20 + 3 * 5);
  // Both together, as a cell step uses them: c' feeds h', so dc' has two parts.
  GradCheckResult r3 = gradcheck("lstm step pointwise",
                                 [](const std::vector<Var>& in) {
                                   Var c_new = lstm_cell_update(in[0], in[1]);
                                   return concat({lstm_hidden(in[0], c_new), c_new}, 1);
                                 },
                                 {pre, c});
  INFO(r3.message);
  CHECK(r3.ok);
}

TEST_CASE("gradcheck: FusedLSTMCell::step over two steps, inputs, state and parameters") {
  Rng rng(22);
  FusedLSTMCell cell(3, 4, rng, /*forget_bias=*/1);
  Var* slots[] = {&cell.weight_ih, &cell.weight_hh, &cell.bias_ih, &cell.bias_hh};
  std::vector<Tensor> inputs{
      Tensor::uniform({2, 3}, rng, -1, 1), Tensor::uniform({2, 3}, rng, -1, 1),
      Tensor::uniform({2, 4}, rng, -1, 1), Tensor::uniform({2, 4}, rng, -1, 1)};
  for (Var* s : slots) inputs.push_back(s->value());
  GradCheckResult r = gradcheck(
      "lstm step x2",
      [&](const std::vector<Var>& in) {
        for (size_t j = 0; j < 4; ++j) *slots[j] = in[4 + j];
        RecurrentState s{in[2], in[3]};
        s = cell.step(in[0], s);
        s = cell.step(in[1], s);
        return concat({s.h, s.c}, 1);
      },
      inputs);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 100);
}

TEST_CASE(
    "gradcheck: FusedLSTMCell with inputs projected for all steps (project_input + step_preactivated)") {
  // The hoisted form of bench/reference_model.hpp: one projection of both
  // steps' inputs (time-major rows s·B + b), then a row slice per step.
  Rng rng(23);
  FusedLSTMCell cell(3, 4, rng, /*forget_bias=*/1);
  Var* slots[] = {&cell.weight_ih, &cell.weight_hh, &cell.bias_ih, &cell.bias_hh};
  std::vector<Tensor> inputs{Tensor::uniform({2 * 2, 3}, rng, -1, 1),
                             Tensor::uniform({2, 4}, rng, -1, 1),
                             Tensor::uniform({2, 4}, rng, -1, 1)};
  for (Var* s : slots) inputs.push_back(s->value());
  GradCheckResult r = gradcheck(
      "lstm project_input + step_preactivated x2",
      [&](const std::vector<Var>& in) {
        for (size_t j = 0; j < 4; ++j) *slots[j] = in[3 + j];
        Var x_pre = cell.project_input(in[0]);  // (2·B,4H)
        RecurrentState s{in[1], in[2]};
        s = cell.step_preactivated(slice(x_pre, 0, 0, 2), s);
        s = cell.step_preactivated(slice(x_pre, 0, 2, 4), s);
        return concat({s.h, s.c}, 1);
      },
      inputs);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 100);
}
