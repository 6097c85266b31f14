// Gradient check (double precision, tolerance 1e-6) of the fused GRU op
// gru_hidden. FusedGRUCell::step, which uses it (make_cell's GRU under the fast engine), is
// checked over one and three steps (inputs, state and every parameter) by "nn: gradcheck
// cells" in nn_gradcheck_test.cpp.
#include <doctest/doctest.h>

#include "core/fast/fast.hpp"
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
