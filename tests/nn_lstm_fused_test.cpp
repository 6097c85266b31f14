// The fast LSTM cell's step (FusedLSTMCell, fused lstm_cell_update and lstm_hidden)
// against the reference engine (one core op per equation): values and
// gradients over several steps, the hoisted form, and the bench's reference
// seq2seq model trained for 50 Adam steps in both engines.
#include <doctest/doctest.h>

#include "bench/reference_model.hpp"
#include "core/fast/fast.hpp"
#include "core/tensor_math.hpp"
#include "fused_cell_check.hpp"
#include "nn/adam.hpp"
#include "core/fast/fused_cells.hpp"

using namespace s2s;

namespace {
const double kRtol = testing::kFusedRtol;
const double kAtol = testing::kFusedAtol;
}  // namespace

TEST_CASE("engine contract: lstm cell step, fast equals reference, values and gradients") {
  Rng rng(3);
  FusedLSTMCell cell(5, 6, rng, /*forget_bias=*/1);
  testing::check_fast_equals_reference(cell, /*with_c=*/true, /*B=*/4, /*steps=*/5, rng);
}

TEST_CASE("nn: fused lstm with a zero state that needs no gradient, and bad shapes") {
  Rng rng(4);
  FusedLSTMCell cell(2, 3, rng);
  testing::check_fast_from_zero_state(cell, rng);
  CHECK_THROWS_WITH_AS(lstm_cell_update(Var(Tensor({2, 11})), Var(Tensor({2, 3}))),
                       doctest::Contains("must be (B,4H) = (2,12)"), s2s::Error);
  CHECK_THROWS_WITH_AS(lstm_cell_update(Var(Tensor({12})), Var(Tensor({3}))),
                       doctest::Contains("cell state must be (B,H)"), s2s::Error);
  CHECK_THROWS_WITH_AS(
      lstm_hidden(Var(Tensor({2, 12})), Var(Tensor({3, 3}))),
      doctest::Contains("lstm_hidden: gate pre-activations must be (B,4H) = (3,12)"), s2s::Error);
}

TEST_CASE("engine contract: lstm inputs projected for all steps (fast) equal reference steps") {
  Rng rng(5);
  FusedLSTMCell cell(5, 6, rng, /*forget_bias=*/1);
  const int64_t B = 3, S = 4;
  const Tensor xs = Tensor::normal({B, S, 5}, rng);
  const Tensor h0 = Tensor::normal({B, 6}, rng), c0 = Tensor::normal({B, 6}, rng);
  const Tensor R = Tensor::normal({B, 12}, rng);  // a random projection as the loss

  struct Run {
    Tensor h, c, dx, dh0, dc0;
    std::vector<Tensor> dparams;
  };
  auto run = [&](bool hoisted) {
    cell.zero_grad();
    Var x(xs, true);
    RecurrentState s{Var(h0, true), Var(c0, true)};
    const Var h_init = s.h, c_init = s.c;
    if (hoisted) {
      Var x_pre = cell.project_input(x);  // (B,S,4H), one product for all steps
      REQUIRE(x_pre.shape() == Shape{B, S, 24});
      for (int64_t t = 0; t < S; ++t) s = cell.step_preactivated(select(x_pre, 1, t), s);
    } else {
      EngineGuard reference(Engine::reference);
      for (int64_t t = 0; t < S; ++t) s = cell.step(select(x, 1, t), s);
    }
    sum(concat({s.h, s.c}, 1) * Var(R)).backward();
    Run r{s.h.value(), s.c.value(), x.grad(), h_init.grad(), c_init.grad(), {}};
    for (const Var& p : cell.parameters()) r.dparams.push_back(p.grad());
    return r;
  };
  const Run hz = run(true), st = run(false);
  CHECK(allclose(hz.h, st.h, kRtol, kAtol));
  CHECK(allclose(hz.c, st.c, kRtol, kAtol));
  CHECK(allclose(hz.dx, st.dx, kRtol, kAtol));
  CHECK(allclose(hz.dh0, st.dh0, kRtol, kAtol));
  CHECK(allclose(hz.dc0, st.dc0, kRtol, kAtol));
  REQUIRE(hz.dparams.size() == 4);
  for (size_t p = 0; p < hz.dparams.size(); ++p)
    CHECK(allclose(hz.dparams[p], st.dparams[p], kRtol, kAtol));
  CHECK(max_abs(hz.dx) > 0);  // gradients really flowed

  const RecurrentState z = cell.zero_state(2);
  CHECK_THROWS_WITH_AS(
      cell.step_preactivated(Var(Tensor({2, 23})), z),
      doctest::Contains("input pre-activations must be (B,4H) = (B,24), got (2,23)"), s2s::Error);
  CHECK_THROWS_WITH_AS(cell.step_preactivated(Var(Tensor({3, 24})), z),
                       doctest::Contains("state h and c must be (3,6), got (2,6) and (2,6)"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(cell.project_input(Var(Tensor({2, 4}))),
                       doctest::Contains("project_input needs x (...,5), got (2,4)"), s2s::Error);
}

TEST_CASE("engine contract: bench reference model, 50 Adam steps, fast equals reference") {
  const bench::ReferenceSizes z = bench::reference_sizes("small");
  auto losses = [&](bool fused) {
    EngineGuard engine(fused ? Engine::fast : Engine::reference);
    Rng rng(1234);
    bench::ReferenceModel model(z, rng);
    Ids src(static_cast<size_t>(z.B * z.S)), tgt(static_cast<size_t>(z.B * (z.T + 1)));
    for (auto& id : src) id = static_cast<int64_t>(rng.below(static_cast<uint64_t>(z.V)));
    for (auto& id : tgt) id = static_cast<int64_t>(rng.below(static_cast<uint64_t>(z.V)));
    Adam adam(model.parameters(), real(1e-3));
    std::vector<double> out;
    for (int i = 0; i < 50; ++i) {
      adam.zero_grad();
      Var loss = model.loss(src, tgt);
      loss.backward();
      adam.step();
      out.push_back(loss.item());
    }
    return out;
  };
  const std::vector<double> f = losses(true), c = losses(false);
  CHECK(f.back() < f.front() - 0.1);  // it trains
  for (size_t i = 0; i < f.size(); ++i) {
    CAPTURE(i);
    CHECK(f[i] == doctest::Approx(c[i]).epsilon(kDoublePrecision ? 1e-10 : 1e-4));
  }
}
