// Recurrent cells, the sequence wrapper and dropout: layouts, equations on
// hand-checkable weights, padding invariance and clear errors.
#include <doctest/doctest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "nn/dropout.hpp"
#include "nn/gru_cell.hpp"
#include "nn/lstm_cell.hpp"
#include "nn/rnn_cell.hpp"
#include "nn/sequence_rnn.hpp"

using namespace s2s;

namespace {
void zero_params(Module& m) {
  for (auto& p : m.parameters()) p.value().fill(0);
}
bool close(const Tensor& a, const Tensor& b) { return allclose(a, b, 1e-5, 1e-6); }
}  // namespace

TEST_CASE("nn: cells have PyTorch's parameter names, shapes and init range") {
  Rng rng(1);
  LSTMCell lstm(3, 4, rng, /*forget_bias=*/1);
  auto np = lstm.named_parameters();
  REQUIRE(np.size() == 4);
  CHECK(np[0].first == "weight_ih");
  CHECK(np[1].first == "weight_hh");
  CHECK(np[2].first == "bias_ih");
  CHECK(np[3].first == "bias_hh");
  CHECK(lstm.weight_ih.shape() == Shape{16, 3});
  CHECK(lstm.weight_hh.shape() == Shape{16, 4});
  CHECK(max_abs(lstm.weight_hh.value()) <= real(0.5));  // 1/√H = 0.5
  // forget bias: the f slice [H, 2H) of bias_ih is shifted by +1.
  for (int64_t j = 4; j < 8; ++j) CHECK(lstm.bias_ih.value()[j] >= real(0.5));
  GRUCell gru(3, 4, rng);
  CHECK(gru.weight_ih.shape() == Shape{12, 3});
  RNNCell rnn(3, 4, rng);
  CHECK(rnn.bias_hh.shape() == Shape{4});
  CHECK(make_cell(CellKind::gru, 2, 5, rng)->kind() == CellKind::gru);
  CHECK(make_cell(CellKind::lstm, 2, 5, rng)->zero_state(3).c.shape() == Shape{3, 5});
  CHECK_FALSE(make_cell(CellKind::rnn, 2, 5, rng)->zero_state(3).c.defined());
  CHECK_THROWS_WITH_AS(cell_kind_from_name("transformer"), doctest::Contains("unknown cell kind"),
                       Error);
}

TEST_CASE("nn: a cell continues another network's state (the decoder from the encoder)") {
  Rng rng(2);
  const Var h(Tensor::normal({2, 3}, rng)), c(Tensor::normal({2, 3}, rng));
  auto lstm = make_cell(CellKind::lstm, 2, 3, rng);
  auto gru = make_cell(CellKind::gru, 2, 3, rng);
  CHECK(lstm->has_cell_state());
  CHECK_FALSE(gru->has_cell_state());
  // LSTM from a GRU encoder: h kept, c starts at zero.
  RecurrentState s = lstm->state_from({h, Var()});
  CHECK(s.h.value().values() == h.value().values());
  CHECK(s.c.value().values() == Tensor::zeros({2, 3}).values());
  // LSTM from an LSTM encoder: c kept; GRU from an LSTM encoder: c dropped.
  CHECK(lstm->state_from({h, c}).c.value().values() == c.value().values());
  s = gru->state_from({h, c});
  CHECK(s.h.value().values() == h.value().values());
  CHECK_FALSE(s.c.defined());
}

TEST_CASE("nn: cell equations on hand-checkable weights") {
  Rng rng(2);
  Tensor h0 = Tensor::from({1, 2}, {0.4, -0.8});
  Tensor c0 = Tensor::from({1, 2}, {2, -1});
  Var x(Tensor::from({1, 1}, {3}));
  SUBCASE("gru with zero weights: r = z = 1/2, n = 0, so h' = h/2") {
    GRUCell gru(1, 2, rng);
    zero_params(gru);
    CHECK(close(gru.step(x, {Var(h0), Var()}).h.value(), h0 * real(0.5)));
  }
  SUBCASE("lstm with zero weights: i = f = o = 1/2, g = 0, so c' = c/2, h' = tanh(c')/2") {
    LSTMCell lstm(1, 2, rng);
    zero_params(lstm);
    RecurrentState s = lstm.step(x, {Var(h0), Var(c0)});
    CHECK(close(s.c.value(), c0 * real(0.5)));
    CHECK(close(s.h.value(), tanh(c0 * real(0.5)) * real(0.5)));
  }
  SUBCASE("rnn: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)") {
    RNNCell rnn(1, 2, rng);
    zero_params(rnn);
    rnn.weight_ih.value() = Tensor::from({2, 1}, {0.1, 0.2});
    rnn.bias_hh.value() = Tensor::from({2}, {0.5, 0});
    // pre = (0.3 + 0.5, 0.6) -> tanh
    CHECK(close(rnn.step(x, {Var(h0), Var()}).h.value(),
                Tensor::from({1, 2}, {std::tanh(real(0.8)), std::tanh(real(0.6))})));
  }
}

TEST_CASE("nn: cell shape errors are clear") {
  Rng rng(3);
  LSTMCell lstm(3, 4, rng);
  RecurrentState s = lstm.zero_state(2);
  CHECK_THROWS_WITH_AS(lstm.step(Var(Tensor::zeros({2, 5})), s), doctest::Contains("(B,3)"), Error);
  CHECK_THROWS_WITH_AS(lstm.step(Var(Tensor::zeros({3, 3})), s),
                       doctest::Contains("state h must be (3,4)"), Error);
  CHECK_THROWS_WITH_AS(lstm.step(Var(Tensor::zeros({2, 3})), {s.h, Var()}),
                       doctest::Contains("cell state c"), Error);
}

TEST_CASE("nn: sequence rnn shapes, names and length errors") {
  Rng rng(4);
  SequenceRNN one(3, 4, rng, {CellKind::gru, 1, false, 0, 0});
  CHECK(one.named_parameters()[0].first == "cell.weight_ih");
  SequenceRNN deep(3, 4, rng, {CellKind::lstm, 2, true, 0, 0});
  auto names = deep.named_parameters();
  CHECK(names.size() == 16);
  CHECK(names[0].first == "layers.0.fwd.weight_ih");
  CHECK(names.back().first == "layers.1.bwd.bias_hh");
  CHECK(deep.cell(1, 0).input_size == 8);  // reads both directions of layer 0
  Var x(Tensor::normal({2, 5, 3}, rng));
  SequenceOutput o = deep.forward(x, {5, 2});
  CHECK(o.outputs.shape() == Shape{2, 5, 8});
  CHECK(o.final.size() == 4);
  CHECK(o.step_states.size() == 5);
  CHECK(o.step_states[0].shape() == Shape{2, 4});
  // Padded steps output zeros.
  for (int64_t t = 2; t < 5; ++t)
    for (int64_t h = 0; h < 8; ++h) CHECK(o.outputs.value().at({1, t, h}) == 0);
  CHECK_THROWS_WITH_AS(deep.forward(x, {5, 0}), doctest::Contains("lengths[1] = 0"), Error);
  CHECK_THROWS_WITH_AS(deep.forward(x, {6, 1}), doctest::Contains("outside [1, 5]"), Error);
  CHECK_THROWS_WITH_AS(deep.forward(x, {5}), doctest::Contains("1 lengths for a batch of 2"),
                       Error);
  CHECK_THROWS_WITH_AS(deep.forward(Var(Tensor::zeros({2, 5, 4})), {1, 1}),
                       doctest::Contains("(B,S,3)"), Error);
  CHECK_THROWS_WITH_AS(deep.forward(x, {5, 2}, {deep.cell(0).zero_state(2)}),
                       doctest::Contains("need 0 or 4"), Error);
  CHECK_THROWS_WITH_AS(SequenceRNN(3, 4, rng, {CellKind::lstm, 0, false, 0, 0}),
                       doctest::Contains("num_layers"), Error);
}

TEST_CASE("nn: padding a batch never changes the unpadded sequences' results") {
  for (CellKind kind : {CellKind::rnn, CellKind::gru, CellKind::lstm}) {
    CAPTURE(to_string(kind));
    Rng rng(5);
    SequenceRNN rnn(3, 4, rng, {kind, 2, true, 0, 0});
    Tensor alone = Tensor::normal({1, 3, 3}, rng);  // one sequence of length 3
    Tensor other = Tensor::normal({1, 6, 3}, rng);  // a longer one
    // Batch: row 0 = `alone` then 3 steps of junk padding, row 1 = `other`.
    Tensor junk = Tensor::full({1, 3, 3}, 7);
    Tensor batch = Tensor::concat({Tensor::concat({alone, junk}, 1), other}, 0);
    SequenceOutput a = rnn.forward(Var(alone), {3});
    SequenceOutput b = rnn.forward(Var(batch), {3, 6});
    CHECK(close(a.outputs.value(), b.outputs.value().slice(0, 0, 1).slice(1, 0, 3)));
    for (size_t i = 0; i < a.final.size(); ++i) {
      CAPTURE(i);
      CHECK(close(a.final[i].h.value(), b.final[i].h.value().slice(0, 0, 1)));
      if (a.final[i].c.defined())
        CHECK(close(a.final[i].c.value(), b.final[i].c.value().slice(0, 0, 1)));
    }
    // And the longer row does not care about its neighbour either.
    SequenceOutput c = rnn.forward(Var(other), {6});
    CHECK(close(c.outputs.value(), b.outputs.value().slice(0, 1, 2)));
  }
}

TEST_CASE("nn: backward direction starts at the last real token") {
  Rng rng(6);
  SequenceRNN rnn(2, 3, rng, {CellKind::gru, 1, true, 0, 0});
  Tensor x = Tensor::normal({1, 4, 2}, rng);
  SequenceOutput o = rnn.forward(Var(x), {2});
  // By hand: the backward cell reads x_1 then x_0 from a zero state.
  const RecurrentCell& bwd = rnn.cell(0, 1);
  RecurrentState s = bwd.zero_state(1);
  s = bwd.step(Var(x.slice(1, 1, 2).reshape({1, 2})), s);
  Tensor h_at_1 = s.h.value();
  s = bwd.step(Var(x.slice(1, 0, 1).reshape({1, 2})), s);
  CHECK(close(o.final[1].h.value(), s.h.value()));
  CHECK(close(o.outputs.value().slice(1, 1, 2).slice(2, 3, 6).reshape({1, 3}), h_at_1));
}

TEST_CASE("nn: step states can retain their gradients") {
  Rng rng(7);
  SequenceRNN rnn(2, 3, rng, {CellKind::rnn, 1, false, 0, 0});
  SequenceOutput o = rnn.forward(Var(Tensor::normal({2, 4, 2}, rng)), {4, 4});
  for (auto& h : o.step_states) h.retain_grad();
  sum(o.final[0].h).backward();
  for (auto& h : o.step_states) CHECK(h.has_grad());
  CHECK(norm(o.step_states[0].grad()) > 0);
  CHECK(norm(o.step_states[3].grad()) == doctest::Approx(std::sqrt(6.0)));  // dL/dh_T = ones(2,3)
}

TEST_CASE("nn: dropout is seeded, inverted and the identity in eval mode") {
  Dropout drop(0.25);
  Var x(Tensor::ones({100, 100}));
  Rng r1(9), r2(9);
  Tensor y1 = drop.forward(x, r1).value(), y2 = drop.forward(x, r2).value();
  CHECK(y1.values() == y2.values());
  int64_t zeros = 0;
  for (real v : y1.values()) {
    CHECK((v == 0 || std::abs(v - real(1) / real(0.75)) < 1e-5));
    zeros += v == 0;
  }
  CHECK(std::abs(static_cast<double>(zeros) / 1e4 - 0.25) < 0.02);
  CHECK(std::abs(sum_all(y1) / 1e4 - 1) < 0.03);  // inverted: mean preserved
  drop.eval();
  CHECK(drop.forward(x, r1).value().values() == x.value().values());
  CHECK_THROWS_WITH_AS(Dropout(1), doctest::Contains("[0, 1)"), Error);

  Rng rng(10);
  SequenceRNN deep(2, 3, rng, {CellKind::gru, 2, false, 0.5, 0});
  Var in(Tensor::normal({1, 3, 2}, rng));
  CHECK_THROWS_WITH_AS(deep.forward(in, {3}), doctest::Contains("needs a dropout_rng"), Error);
  Rng d(1);
  CHECK(deep.forward(in, {3}, {}, &d).outputs.shape() == Shape{1, 3, 3});
  deep.eval();
  CHECK(deep.forward(in, {3}).outputs.shape() == Shape{1, 3, 3});  // no rng needed in eval
}
