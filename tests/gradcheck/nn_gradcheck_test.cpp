// Gradient checks (float64, tol 1e-6) for the nn layers: every input and every
// parameter of each module is compared against central differences.
#include <doctest/doctest.h>

#include "nn/dropout.hpp"
#include "nn/embedding.hpp"
#include "nn/linear.hpp"
#include "nn/loss.hpp"
#include "nn/sequence_rnn.hpp"
#include "tests/gradcheck/nn_module_check.hpp"

using namespace s2s;
using s2s::testing::gradcheck_module;

TEST_CASE("nn: gradcheck linear") {
  Rng rng(1);
  Linear lin(4, 3, rng);
  S2S_CHECK_GRAD(gradcheck_module("linear", lin, [&](auto& v) { return lin(v[0]); },
                                  {Tensor::normal({2, 5, 4}, rng)}));
  Linear nobias(4, 3, rng, false);
  S2S_CHECK_GRAD(gradcheck_module("linear no bias", nobias, [&](auto& v) { return nobias(v[0]); },
                                  {Tensor::normal({2, 4}, rng)}));
}

TEST_CASE("nn: gradcheck embedding with padding row") {
  Rng rng(2);
  Embedding emb(6, 3, rng, /*padding_idx=*/0);
  Ids ids{1, 0, 5, 5, 2, 0};
  auto r = gradcheck_module("embedding", emb, [&](auto&) { return emb.forward(ids, {2, 3}); }, {});
  S2S_CHECK_GRAD(r);
  // The padding row receives no gradient.
  emb.zero_grad();
  sum(emb.forward(ids, {2, 3})).backward();
  for (int64_t e = 0; e < 3; ++e) CHECK(emb.weight.grad()[e] == 0);
  CHECK(emb.weight.grad()[5 * 3] == 2);  // id 5 appears twice
}

TEST_CASE("nn: gradcheck cells, one step and three steps") {
  for (const CellEntry& entry : cell_registry().entries()) {
    const std::string kind = entry.name;
    CAPTURE(kind);
    Rng rng(3);
    auto cell = make_cell(entry.kind, 3, 4, rng, entry.kind == CellKind::lstm ? real(1) : real(0));
    const bool lstm = cell->has_cell_state();
    // Inputs: x_0..x_2 (2,3), h0 (2,4), c0 (2,4).
    std::vector<Tensor> in{Tensor::normal({2, 3}, rng), Tensor::normal({2, 3}, rng),
                           Tensor::normal({2, 3}, rng), Tensor::normal({2, 4}, rng),
                           Tensor::normal({2, 4}, rng)};
    auto run = [&](const std::vector<Var>& v, int steps) {
      RecurrentState s{v[3], lstm ? v[4] : Var()};
      std::vector<Var> hs;
      for (int t = 0; t < steps; ++t) {
        s = cell->step(v[t], s);
        hs.push_back(lstm ? s.h + s.c : s.h);  // c's gradient is checked too
      }
      return stack(hs, 0);
    };
    S2S_CHECK_GRAD(gradcheck_module(
        kind + " 1 step", *cell, [&](auto& v) { return run(v, 1); }, in));
    S2S_CHECK_GRAD(gradcheck_module(
        kind + " 3 steps", *cell, [&](auto& v) { return run(v, 3); }, in));
  }
}

TEST_CASE("nn: gradcheck sequence rnn stacked, bidirectional, padded") {
  struct Case {
    CellKind kind;
    int64_t layers;
    bool bidir;
  };
  for (auto c : {Case{CellKind::gru, 2, false}, Case{CellKind::lstm, 1, true},
                 Case{CellKind::rnn, 2, true}, Case{CellKind::lstm, 1, false}}) {
    CAPTURE(to_string(c.kind));
    CAPTURE(c.layers);
    CAPTURE(c.bidir);
    Rng rng(4);
    SequenceRNN rnn(3, 2, rng, {c.kind, c.layers, c.bidir, 0, 0});
    std::vector<int64_t> lengths{4, 2, 3};
    auto f = [&](const std::vector<Var>& v) {
      SequenceOutput o = rnn.forward(v[0], lengths);
      // Outputs and every final state enter the checked loss.
      std::vector<Var> parts{reshape(o.outputs, {-1})};
      for (auto& s : o.final) {
        parts.push_back(reshape(s.h, {-1}));
        if (s.c.defined()) parts.push_back(reshape(s.c, {-1}));
      }
      return concat(parts, 0);
    };
    S2S_CHECK_GRAD(gradcheck_module("sequence rnn", rnn, f, {Tensor::normal({3, 4, 3}, rng)}));
  }
}

TEST_CASE("nn: gradcheck sequence rnn with an initial state") {
  Rng rng(5);
  SequenceRNN rnn(2, 3, rng, {CellKind::lstm, 1, false, 0, 0});
  auto f = [&](const std::vector<Var>& v) {
    return rnn.forward(v[0], {3, 1}, {RecurrentState{v[1], v[2]}}).outputs;
  };
  S2S_CHECK_GRAD(gradcheck_module(
      "sequence rnn initial state", rnn, f,
      {Tensor::normal({2, 3, 2}, rng), Tensor::normal({2, 3}, rng), Tensor::normal({2, 3}, rng)}));
}

TEST_CASE("nn: gradcheck dropout with a fixed mask") {
  Rng rng(6);
  Tensor x = Tensor::normal({3, 4}, rng);
  Dropout drop(0.5);
  auto f = [&](const std::vector<Var>& v) {
    Rng mask_rng(99);  // the same mask on every evaluation
    return drop.forward(v[0], mask_rng);
  };
  S2S_CHECK_GRAD(gradcheck_module("dropout", drop, f, {x}));
}

TEST_CASE("nn: gradcheck losses with ignore index") {
  Rng rng(7);
  Ids targets{2, 0, 4, 1};  // 4 is the ignore index here
  auto ce =
      gradcheck("cross_entropy_loss", [&](auto& v) { return cross_entropy_loss(v[0], targets, 4); },
                {Tensor::normal({4, 5}, rng)});
  INFO(ce.message);
  CHECK(ce.ok);
  auto ce3 = gradcheck("cross_entropy_loss 3d",
                       [&](auto& v) { return cross_entropy_loss(v[0], targets, 4); },
                       {Tensor::normal({2, 2, 5}, rng)});
  CHECK(ce3.ok);
  auto nll =
      gradcheck("nll_loss", [&](auto& v) { return nll_loss(log_softmax(v[0], 1), targets, 4); },
                {Tensor::normal({4, 5}, rng)});
  INFO(nll.message);
  CHECK(nll.ok);
  auto nll_raw = gradcheck("nll_loss raw", [&](auto& v) { return nll_loss(v[0], targets, 4); },
                           {Tensor::normal({4, 5}, rng)});
  CHECK(nll_raw.ok);
}
