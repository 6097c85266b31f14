#pragma once
// Part of the engine contract (core/engine.hpp), shared by nn_lstm_fused_test.cpp,
// nn_gru_fused_test.cpp and engine_contract_test.cpp: runs a cell's step() for
// several steps once under the fast engine (fused ops) and once under the
// reference engine (one core op per equation) and checks that the final state
// and every gradient (inputs, initial state, parameters) agree.
#include <doctest/doctest.h>

#include "core/engine.hpp"
#include "core/tensor_math.hpp"
#include "nn/recurrent_cell.hpp"

namespace s2s::testing {

// Tolerance: double agrees to rounding; float to a few ulp per op in the chain
// (the fast engine's float tanh/sigmoid/exp are within 1e-6 of libm's).
inline const double kFusedRtol = kDoublePrecision ? 1e-12 : 2e-5;
inline const double kFusedAtol = kDoublePrecision ? 1e-13 : 2e-6;

// with_c: the state has a cell part c (LSTM).
template <class Cell>
void check_fast_equals_reference(Cell& cell, bool with_c, int64_t B, int64_t steps, Rng& rng) {
  const int64_t E = cell.input_size, H = cell.hidden_size;
  std::vector<Tensor> xs;
  for (int64_t t = 0; t < steps; ++t) xs.push_back(Tensor::normal({B, E}, rng));
  const Tensor h0 = Tensor::normal({B, H}, rng), c0 = Tensor::normal({B, H}, rng);
  const Tensor R = Tensor::normal({B, 2 * H}, rng);  // a random projection as the loss

  struct Run {
    Tensor h, c, dh0, dc0;
    std::vector<Tensor> dx, dparams;
  };
  auto run = [&](bool fused) {
    EngineGuard engine(fused ? Engine::fast : Engine::reference);
    cell.zero_grad();
    std::vector<Var> x;
    for (const Tensor& t : xs) x.emplace_back(t, true);
    RecurrentState s{Var(h0, true), with_c ? Var(c0, true) : Var()};
    const RecurrentState init = s;
    for (const Var& xt : x) s = cell.step(xt, s);
    const Var out = with_c ? concat({s.h, s.c}, 1) : concat({s.h, s.h}, 1);  // (B,2H)
    sum(out * Var(R)).backward();
    Run r{s.h.value(),
          with_c ? s.c.value() : Tensor(),
          init.h.grad(),
          with_c ? init.c.grad() : Tensor(),
          {},
          {}};
    for (const Var& xt : x) r.dx.push_back(xt.grad());
    for (const Var& p : cell.parameters()) r.dparams.push_back(p.grad());
    return r;
  };
  const Run f = run(true), c = run(false);
  const double rtol = kFusedRtol, atol = kFusedAtol;
  CHECK(allclose(f.h, c.h, rtol, atol));
  CHECK(allclose(f.dh0, c.dh0, rtol, atol));
  if (with_c) {
    CHECK(allclose(f.c, c.c, rtol, atol));
    CHECK(allclose(f.dc0, c.dc0, rtol, atol));
  }
  for (size_t t = 0; t < f.dx.size(); ++t) CHECK(allclose(f.dx[t], c.dx[t], rtol, atol));
  REQUIRE(f.dparams.size() == 4);
  for (size_t p = 0; p < f.dparams.size(); ++p)
    CHECK(allclose(f.dparams[p], c.dparams[p], rtol, atol));
  CHECK(max_abs(f.dh0) > 0);  // gradients really flowed
  CHECK(max_abs(f.dparams[1]) > 0);
  if (with_c) CHECK(max_abs(f.dc0) > 0);
}

// From a zero state that needs no gradient (the first step of a sequence), the
// fast step agrees with the reference one, and the gradient reaches the input.
template <class Cell>
void check_fast_from_zero_state(Cell& cell, Rng& rng) {
  Var x(Tensor::normal({2, cell.input_size}, rng), true);
  RecurrentState s = cell.step(x, cell.zero_state(2));
  RecurrentState sc = [&] {
    EngineGuard reference(Engine::reference);
    return cell.step(x, cell.zero_state(2));
  }();
  CHECK(allclose(s.h.value(), sc.h.value(), kFusedRtol, kFusedAtol));
  sum(s.h).backward();
  CHECK(max_abs(x.grad()) > 0);
}

}  // namespace s2s::testing
