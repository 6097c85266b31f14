// The fused GRU step (GRUCell::step with core gru_hidden) against the composed
// one (GRUCell::step_composed, one core op per equation): values and gradients
// over several steps, a state that needs no gradient, and bad shapes.
#include <doctest/doctest.h>

#include "core/tensor_math.hpp"
#include "fused_cell_check.hpp"
#include "nn/gru_cell.hpp"

using namespace s2s;

TEST_CASE("nn: fused gru step equals the composed step, values and gradients") {
  Rng rng(6);
  GRUCell cell(5, 6, rng);
  testing::check_fused_equals_composed(cell, /*with_c=*/false, /*B=*/4, /*steps=*/5, rng);
}

TEST_CASE("nn: fused gru with a zero state that needs no gradient, and bad shapes") {
  Rng rng(7);
  GRUCell cell(2, 3, rng);
  testing::check_fused_from_zero_state(cell, rng);
  const Var h(Tensor({2, 3})), good(Tensor({2, 9}));
  CHECK_THROWS_WITH_AS(gru_hidden(Var(Tensor({2, 8})), good, h),
                       doctest::Contains("input projection xi must be (B,3H) = (2,9)"), s2s::Error);
  CHECK_THROWS_WITH_AS(gru_hidden(good, Var(Tensor({3, 9})), h),
                       doctest::Contains("hidden projection hh must be (B,3H) = (2,9)"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(gru_hidden(Var(Tensor({9})), Var(Tensor({9})), Var(Tensor({3}))),
                       doctest::Contains("hidden state must be (B,H)"), s2s::Error);
  CHECK_THROWS_WITH_AS(gru_hidden(good, good, Var()), doctest::Contains("undefined"), s2s::Error);
}
