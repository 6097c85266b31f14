// Gradient checks (double precision, tolerance 1e-6) of the fused GRU op
// gru_hidden, and of GRUCell::step, which uses it, over two steps.
#include <doctest/doctest.h>

#include "core/gradcheck.hpp"
#include "core/tensor_math.hpp"
#include "nn/gru_cell.hpp"

using namespace s2s;

TEST_CASE("gradcheck: gru_hidden w.r.t. both projections and the state") {
  Rng rng(31);
  // Projections up to ±3 reach the saturating parts of σ and tanh.
  const Tensor xi = Tensor::uniform({3, 3 * 5}, rng, -3, 3);
  const Tensor hh = Tensor::uniform({3, 3 * 5}, rng, -3, 3);
  const Tensor h = Tensor::uniform({3, 5}, rng, -2, 2);
  GradCheckResult r = gradcheck(
      "gru_hidden", [](const std::vector<Var>& in) { return gru_hidden(in[0], in[1], in[2]); },
      {xi, hh, h});
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked == 2 * 3 * 15 + 3 * 5);
}

TEST_CASE("gradcheck: fused GRUCell::step over two steps, inputs, state and parameters") {
  Rng rng(32);
  GRUCell cell(3, 4, rng);
  Var* slots[] = {&cell.weight_ih, &cell.weight_hh, &cell.bias_ih, &cell.bias_hh};
  std::vector<Tensor> inputs{Tensor::uniform({2, 3}, rng, -1, 1),
                             Tensor::uniform({2, 3}, rng, -1, 1),
                             Tensor::uniform({2, 4}, rng, -1, 1)};
  for (Var* s : slots) inputs.push_back(s->value());
  GradCheckResult r = gradcheck(
      "gru step x2",
      [&](const std::vector<Var>& in) {
        for (size_t j = 0; j < 4; ++j) *slots[j] = in[3 + j];
        RecurrentState s{in[2], Var()};
        s = cell.step(in[0], s);
        s = cell.step(in[1], s);
        return s.h;
      },
      inputs);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 100);
}
