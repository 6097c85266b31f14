// Graders for the cell exercises (nn/*_cell.cpp, reference engine): one step of a
// batch of B = 2 with E = 4, H = 3 (no two sizes alike, so a transposed or
// mis-broadcast term cannot pass) against numbers worked out by hand from the
// weights below (tests/exercises/hand_values.py is the calculator), and a gradient
// check over x, h (and c). 循环单元练习的评分:B=2、E=4、H=3 的一步,与手算数值比较,并做梯度检验。
#include "core/engine.hpp"
#include "exercise_util.hpp"
#include "nn/gru_cell.hpp"
#include "nn/lstm_cell.hpp"
#include "nn/rnn_cell.hpp"

using namespace s2s;
using namespace s2s::exercise;
using V = const std::vector<Var>&;

namespace {
// The inputs of every cell test: x (B,E) = (2,4), h (B,H) = (2,3), c (B,H).
const Tensor kX = Tensor::from({2, 4}, {1, -0.5, 0.25, 2, -1, 0.5, 1.5, -0.75});
const Tensor kH = Tensor::from({2, 3}, {0.5, -0.5, 0.25, -0.2, 0.4, 0.1});
const Tensor kC = Tensor::from({2, 3}, {-0.3, 0.6, 0.2, 0.1, -0.4, 0.5});
const std::vector<std::string> kBatchUnit{"batch", "unit"};
}  // namespace

TEST_CASE("rnn-cell-step values and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("rnn-cell-step", [] {
    Rng rng(1);
    RNNCell cell(4, 3, rng);  // E = 4, H = 3
    set_param(cell, "weight_ih",
              Tensor::from({3, 4}, {-0.48, 0.36, -0.12, -0.6, 0.24, -0.24, 0.6, 0.12, -0.36, 0.48,
                                    0.0, -0.48}));
    set_param(cell, "bias_ih", Tensor::from({3}, {-0.12, 0.16, 0.0}));
    set_param(cell, "weight_hh",
              Tensor::from({3, 3}, {-0.2, 0.5, 0.1, -0.3, 0.4, 0.0, -0.4, 0.3, -0.1}));
    set_param(cell, "bias_hh", Tensor::from({3}, {-0.02, -0.1, 0.04}));
    RecurrentState next = cell.step(Var(kX), {Var(kH), Var()});
    check_values({"h'", kBatchUnit,
                  "  h'[b] = tanh(W_ih x[b] + b_ih + W_hh h[b] + b_hh), b = 0, 1:\n"
                  "  h'[0] = tanh(-2.355, 0.46, -1.895) = (-0.98215, 0.43008, -0.95581)\n"
                  "  h'[1] = tanh(1.04, 0.73, 1.19)       = (0.77789, 0.62307, 0.83058)\n"},
                 next.h.value(), {2, 3},
                 {-0.9821511695831373, 0.43008421140197955, -0.9558073556932596, 0.7778880665771849,
                  0.6230653495723611, 0.8305788685385285});
    expect(!next.c.defined(), "an RNN step leaves c undefined (it has no cell state)");
    check_gradients("RNNCell::step",
                    [&](V v) {
                      return cell.step(v[0], {v[1], Var()}).h;
                    },
                    {kX, kH});
  });
}

TEST_CASE("lstm-cell-step values and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("lstm-cell-step", [] {
    Rng rng(1);
    LSTMCell cell(4, 3, rng);  // E = 4, H = 3: rows i, f, g, o of 3 each
    set_param(cell, "weight_ih",
              Tensor::from({12, 4}, {-0.4, 0.3,  -0.1, -0.5, 0.2,  -0.2, 0.5,  0.1,  -0.3, 0.4,
                                     0.0,  -0.4, 0.3,  -0.1, -0.5, 0.2,  -0.2, 0.5,  0.1,  -0.3,
                                     0.4,  0.0,  -0.4, 0.3,  -0.1, -0.5, 0.2,  -0.2, 0.5,  0.1,
                                     -0.3, 0.4,  0.0,  -0.4, 0.3,  -0.1, -0.5, 0.2,  -0.2, 0.5,
                                     0.1,  -0.3, 0.4,  0.0,  -0.4, 0.3,  -0.1, -0.5}));
    set_param(cell, "bias_ih",
              Tensor::from({12}, {-0.12, 0.16, 0.0, -0.16, 0.12, -0.04, -0.2, 0.08, -0.08, 0.2,
                                  0.04, -0.12}));
    set_param(
        cell, "weight_hh",
        Tensor::from({12, 3}, {-0.16, 0.4,   0.08,  -0.24, 0.32,  0.0,   -0.32, 0.24,  -0.08,
                               -0.4,  0.16,  -0.16, 0.4,   0.08,  -0.24, 0.32,  0.0,   -0.32,
                               0.24,  -0.08, -0.4,  0.16,  -0.16, 0.4,   0.08,  -0.24, 0.32,
                               0.0,   -0.32, 0.24,  -0.08, -0.4,  0.16,  -0.16, 0.4,   0.08}));
    set_param(cell, "bias_hh",
              Tensor::from({12}, {-0.02, -0.1, 0.04, -0.04, 0.1, 0.02, -0.06, 0.08, 0.0, -0.08,
                                  0.06, -0.02}));
    RecurrentState next = cell.step(Var(kX), {Var(kH), Var(kC)});
    const char* how =
        "  pre[b] = W_ih x[b] + b_ih + W_hh h[b] + b_hh (12) = i | f | g | o (3 each);\n"
        "  c'[b] = sigma(f) * c[b] + sigma(i) * tanh(g);  h'[b] = sigma(o) * tanh(c'[b])\n"
        "  c'[0] = (-0.20417, 0.75087, 0.18470), h'[0] = (-0.13411, 0.41764, 0.022253)\n"
        "  c'[1] = (-0.034626, -0.80821, 0.22296), h'[1] = (-0.016796, -0.38766, 0.15297)\n";
    check_values({"c'", kBatchUnit, how}, next.c.value(), {2, 3},
                 {-0.20416563700937773, 0.7508674203704533, 0.1846963658604509,
                  -0.03462559443323328, -0.8082110997744647, 0.2229569433276658});
    check_values({"h'", kBatchUnit, how}, next.h.value(), {2, 3},
                 {-0.13410933261510422, 0.41763931656725733, 0.022253311768598415,
                  -0.016795506115082327, -0.3876633234262175, 0.15296636806091676});
    check_gradients("LSTMCell::step",
                    [&](V v) {
                      RecurrentState s = cell.step(v[0], {v[1], v[2]});
                      return s.h + s.c * real(0.5);
                    },
                    {kX, kH, kC});
  });
}

TEST_CASE("gru-cell-step values and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("gru-cell-step", [] {
    Rng rng(1);
    GRUCell cell(4, 3, rng);  // E = 4, H = 3: rows r, z, n of 3 each
    set_param(cell, "weight_ih",
              Tensor::from({9, 4}, {-0.4, 0.3,  -0.1, -0.5, 0.2,  -0.2, 0.5,  0.1,  -0.3,
                                    0.4,  0.0,  -0.4, 0.3,  -0.1, -0.5, 0.2,  -0.2, 0.5,
                                    0.1,  -0.3, 0.4,  0.0,  -0.4, 0.3,  -0.1, -0.5, 0.2,
                                    -0.2, 0.5,  0.1,  -0.3, 0.4,  0.0,  -0.4, 0.3,  -0.1}));
    set_param(cell, "bias_ih",
              Tensor::from({9}, {-0.12, 0.16, 0.0, -0.16, 0.12, -0.04, -0.2, 0.08, -0.08}));
    set_param(cell, "weight_hh",
              Tensor::from({9, 3}, {-0.16, 0.4,   0.08,  -0.24, 0.32,  0.0,   -0.32, 0.24,  -0.08,
                                    -0.4,  0.16,  -0.16, 0.4,   0.08,  -0.24, 0.32,  0.0,   -0.32,
                                    0.24,  -0.08, -0.4,  0.16,  -0.16, 0.4,   0.08,  -0.24, 0.32}));
    set_param(cell, "bias_hh",
              Tensor::from({9}, {-0.02, -0.1, 0.04, -0.04, 0.1, 0.02, -0.06, 0.08, 0.0}));
    RecurrentState next = cell.step(Var(kX), {Var(kH), Var()});
    check_values(
        {"h'", kBatchUnit,
         "  xi = W_ih x[b] + b_ih, hh = W_hh h[b] + b_hh (9) = r | z | n (3 each);\n"
         "  r = sigma(xi_r + hh_r), z = sigma(xi_z + hh_z), n = tanh(xi_n + r * hh_n),\n"
         "  h'[b] = (1 - z) * n + z * h[b]\n"
         "  h'[0] = (0.083103, 0.43531, 0.19093), h'[1] = (-0.062252, 0.070287, 0.16698)\n"},
        next.h.value(), {2, 3},
        {0.08310298060853899, 0.4353074086908638, 0.19093046273109518, -0.06225222516032928,
         0.07028732054276435, 0.16698241357171673});
    check_gradients("GRUCell::step",
                    [&](V v) {
                      return cell.step(v[0], {v[1], Var()}).h;
                    },
                    {kX, kH});
  });
}
