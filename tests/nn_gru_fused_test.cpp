// The fast GRU cell's step (FusedGRUCell, fused gru_hidden) against the reference
// engine (one core op per equation): values and gradients over several steps,
// a state that needs no gradient, and gru_hidden's errors for bad shapes.
#include <doctest/doctest.h>

#include "core/fast/fast.hpp"
#include "core/tensor_math.hpp"
#include "fused_cell_check.hpp"
#include "core/fast/fused_cells.hpp"

using namespace s2s;

TEST_CASE("engine contract: gru cell step, fast equals reference, values and gradients") {
  Rng rng(6);
  FusedGRUCell cell(5, 6, rng);
  testing::check_fast_equals_reference(cell, /*with_c=*/false, /*B=*/4, /*steps=*/5, rng);
}

TEST_CASE("nn: fused gru with a zero state that needs no gradient, and bad shapes") {
  Rng rng(7);
  FusedGRUCell cell(2, 3, rng);
  testing::check_fast_from_zero_state(cell, rng);
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
