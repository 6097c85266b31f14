// Graders for the attention exercises (attention/*.cpp, reference engine): a batch
// of B = 2 rows, S = 3 positions (5 for local-p) and feature sizes 4 or 5, so that
// no two sizes are alike and a missing reshape or a wrong axis cannot pass; values
// worked out by hand from the inputs written here (tests/exercises/hand_values.py
// is the calculator), and a gradient check.
// 注意力练习的评分:B=2、S=3 等互不相同的尺寸,与手算数值比较,并做梯度检验。
#include <cmath>

#include "attention/additive.hpp"
#include "attention/attention.hpp"
#include "attention/cosine.hpp"
#include "attention/dot.hpp"
#include "attention/general.hpp"
#include "attention/key_value.hpp"
#include "attention/local.hpp"
#include "attention/location.hpp"
#include "core/engine.hpp"
#include "exercise_util.hpp"

using namespace s2s;
using namespace s2s::exercise;
using V = const std::vector<Var>&;

namespace {
const std::vector<std::string> kBatchPos{"batch", "position"};
// query (B,H) = (2,4) and keys (B,S,H) = (2,3,4) of the dot and general tests
const Tensor kQ = Tensor::from({2, 4}, {1, 2, -1, 0.5, -1, 0.5, 2, 1});
const Tensor kK = Tensor::from({2, 3, 4}, {1, 0, 0,  1, 2,   -1,  0.5, 0, 0,  1, 1, -1,  //
                                           3, 1, -2, 0, 0.5, 0.5, 1,   1, -1, 0, 2, 2});
}  // namespace

TEST_CASE("masked-softmax values and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("masked-softmax", [] {
    const Tensor scores = Tensor::from({2, 3}, {1, 2, 3, 0.5, -1, 2});
    const Tensor mask = Tensor::from({2, 3}, {1, 1, 0, 1, 1, 1});  // row 0 has 2 real tokens
    Var a = masked_softmax(Var(scores), mask);
    check_values({"a", kBatchPos,
                  "  row 0: softmax(1, 2) and exactly 0 at the padding (mask 0):\n"
                  "         e^1/(e^1+e^2) = 0.26894, e^2/(e^1+e^2) = 0.73106, 0\n"
                  "  row 1: softmax(0.5, -1, 2) = (0.17529, 0.039113, 0.78560)\n"},
                 a.value(), {2, 3},
                 {0.2689414213699951, 0.7310585786300049, 0, 0.1752903921400367,
                  0.039112573270687456, 0.7855970345892759});
    expect(a.value()[2] == 0, "a [batch 0, position 2] (padding) must be exactly 0, not nearly");
    check_gradients("masked_softmax", [&](V x) { return masked_softmax(x[0], mask); }, {scores});
  });
}

TEST_CASE("context-vector values and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("context-vector", [] {
    const Tensor w = Tensor::from({2, 3}, {0.2, 0.3, 0.5, 0.6, 0.4, 0});  // (B,S)
    const Tensor v = Tensor::from({2, 3, 4}, {1,  2, 0, -1, 3,   -1,  2,  0.5, 0, 4, -2, 1,  //
                                              -2, 1, 1, 0,  0.5, 0.5, -1, 2,   9, 9, 9,  9});
    Var c = weighted_sum(Var(w), Var(v));
    check_values(
        {"c",
         {"batch", "feature"},
         "  c[0] = 0.2 (1,2,0,-1) + 0.3 (3,-1,2,0.5) + 0.5 (0,4,-2,1) = (1.1, 2.1, -0.4, 0.45)\n"
         "  c[1] = 0.6 (-2,1,1,0) + 0.4 (0.5,0.5,-1,2) + 0 (9,9,9,9)  = (-1, 0.8, 0.2, 0.8)\n"},
        c.value(), {2, 4}, {1.1, 2.1, -0.4, 0.45, -1.0, 0.8, 0.2, 0.8});
    check_gradients("weighted_sum", [](V x) { return weighted_sum(x[0], x[1]); }, {w, v});
  });
}

TEST_CASE("dot-score values and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("dot-score", [] {
    DotScore dot(4, 4, false), scaled(4, 4, true);
    check_values({"e (dot)", kBatchPos,
                  "  e[b,i] = q[b] . k[b,i]\n"
                  "  row 0: q = (1,2,-1,0.5): 1+0.5 = 1.5, 2-2-0.5 = -0.5, 2-1-0.5 = 0.5\n"
                  "  row 1: q = (-1,0.5,2,1): -3+0.5-4 = -6.5, -0.5+0.25+2+1 = 2.75, 1+4+2 = 7\n"},
                 dot.score(Var(kQ), Var(kK), {}).value(), {2, 3}, {1.5, -0.5, 0.5, -6.5, 2.75, 7});
    check_values(
        {"e (scaled_dot)", kBatchPos, "  e[b,i] = q[b] . k[b,i] / sqrt(Hk), sqrt(4) = 2\n"},
        scaled.score(Var(kQ), Var(kK), {}).value(), {2, 3}, {0.75, -0.25, 0.25, -3.25, 1.375, 3.5});
    check_gradients("DotScore::score (scaled)", [&](V x) { return scaled.score(x[0], x[1], {}); },
                    {kQ, kK});
  });
}

TEST_CASE("general-score values and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("general-score", [] {
    Rng rng(1);
    GeneralScore general(4, 5, rng);  // Hq = 4, Hk = 5
    set_param(general, "W", Tensor::from({4, 5}, {1,    0, 2, 0.5, -1, 0, 0.5, -1, 1,  0.25,  //
                                                  -0.5, 1, 0, 0,   2,  1, 0,   1,  -1, 0}));
    const Tensor k =
        Tensor::from({2, 3, 5}, {1,   2,   3,  0, -1, -1, 0, 0.5, 1,  1, 2,  -1, 0, 0,   1,  //
                                 0.5, 0.5, -1, 2, 0,  1,  0, 0,   -2, 1, -1, 1,  1, 0.5, 0});
    check_values({"e", kBatchPos,
                  "  u[b] = q[b]^T W (5), e[b,i] = u[b] . k[b,i]\n"
                  "  u[0] = (2, 0, 0.5, 2, -2.5): e = (6, -2.25, 1.5)\n"
                  "  u[1] = (-1, 2.25, -1.5, -1, 5.125): e = (0.125, 6.125, 1.25)\n"},
                 general.score(Var(kQ), Var(k), {}).value(), {2, 3},
                 {6, -2.25, 1.5, 0.125, 6.125, 1.25});
    check_gradients("GeneralScore::score", [&](V x) { return general.score(x[0], x[1], {}); },
                    {kQ, k});
  });
}

TEST_CASE("additive-score values and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("additive-score", [] {
    // kp = W_k k_i (B,S,A) = (2,3,4), qp = W_q q (B,A) = (2,4), v (A) = (4): B != S, so
    // tanh(kp + qp) without reshaping qp to (B,1,A) cannot even broadcast.
    const Tensor kp = Tensor::from({2, 3, 4}, {0.4,  -0.3, 0.1, 0.8,  0.0, 0.6,  -0.5, 0.2,  //
                                               -0.7, 0.3,  0.9, -0.1, 0.5, 0.5,  -0.2, 0.0,  //
                                               -0.4, 0.1,  0.3, 0.6,  1.0, -0.8, 0.0,  0.2});
    const Tensor qp = Tensor::from({2, 4}, {0.3, -0.1, 0.2, -0.4, -0.6, 0.2, 0.5, 0.1});
    const Tensor v = Tensor::from({4}, {1, -2, 0.5, 1.5});
    check_values({"e", kBatchPos,
                  "  e[b,i] = sum_a v_a tanh(kp[b,i,a] + qp[b,a])\n"
                  "  e[0,0] = tanh(0.7) - 2 tanh(-0.4) + 0.5 tanh(0.3) + 1.5 tanh(0.4) = 2.0798\n"
                  "  e[0] = (2.0798, -1.0746, -1.0676), e[1] = (-1.0132, -0.10565, 2.1221)\n"},
                 additive_energy(Var(kp), Var(qp), Var(v)).value(), {2, 3},
                 {2.0798454512362463, -1.07464098863158, -1.0676258277147326, -1.013245250696054,
                  -0.10564933004927657, 2.122075593558687});
    check_gradients("additive_energy", [](V x) { return additive_energy(x[0], x[1], x[2]); },
                    {kp, qp, v});
  });
}

TEST_CASE("location-score values and gradcheck") {
  EngineGuard reference(Engine::reference);
  grade("location-score", [] {
    Rng rng(1);
    LocationScore location(4, 4, 5, rng);  // Hq = 4, max_src_len 5
    set_param(location, "W_a", Tensor::from({5, 4}, {1, 2, 0, -1, 0.5, -1,  1, 0, -2, 0.25,  //
                                                     0, 1, 3, 3,  -1,  0.5, 0, 0, 1,  1}));
    const Tensor k = Tensor::zeros({2, 3, 4});  // only S = 3 matters
    check_values({"e", kBatchPos,
                  "  e[b] = the first S = 3 of W_a q[b] (max_src_len 5)\n"
                  "  W_a q[0] = (4.5, -2.5, -1, 10.25, -0.5), W_a q[1] = (-1, 1, 3.125, -3, 3)\n"},
                 location.score(Var(kQ), Var(k), {}).value(), {2, 3},
                 {4.5, -2.5, -1.0, -1.0, 1.0, 3.125});
    check_gradients("LocationScore::score", [&](V x) { return location.score(x[0], x[1], {}); },
                    {kQ, k});
  });
}

TEST_CASE("local-p-window position and weights") {
  EngineGuard reference(Engine::reference);
  grade("local-p-window", [] {
    Rng rng(1);
    // cosine scores (not an exercise; beta = 1, and its epsilon in the norms is why tol is
    // 1e-6), half-width D = 2, predictor size P = 1; B = 2, S = 5, lengths 5 and 4
    LocalAttention local(std::make_unique<CosineScore>(2, 2, rng), LocalMode::predictive, 2, rng,
                         1);
    set_param(local, "W_p", Tensor::from({1, 2}, {0.8, -0.4}));
    set_param(local, "v_p", Tensor::from({1}, {1.5}));
    const Tensor q = Tensor::from({2, 2}, {0.5, 0.25, -0.3, 0.8});
    const Tensor k = Tensor::from({2, 5, 2}, {1,   0,   0,  1,  1,   1, -1, 0.5, 0.3, -0.2,  //
                                              0.2, 0.9, -1, -1, 0.5, 0, 1,  0.4, 7,   7});
    const Tensor mask = Tensor::from({2, 5}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 0});
    AttentionOutput out = local.forward(Var(q), Var(k), Var(k), mask, {});
    const char* how =
        "  p[b] = (L_b - 1) sigma(v_p tanh(W_p q[b])): 4 sigma(1.5 tanh(0.3)) = 2.4301,\n"
        "         3 sigma(1.5 tanh(-0.56)) = 0.95466\n"
        "  a[b] = softmax over the window |s - p[b]| <= D (real tokens only) of\n"
        "         cos(q[b], k[b,s]) - (s - p[b])^2 / (2 sigma^2), sigma = D/2 = 1\n"
        "  a[0] = (0, 0.14563, 0.60954, 0.12080, 0.12402), a[1] = (0.57843, 0.26069, 0.16088, 0, "
        "0)\n";
    check_values({"p", {"batch"}, how}, out.position.value(), {2},
                 {2.43014619287627, 0.9546586386001726}, 1e-6);
    check_values(
        {"a", kBatchPos, how}, out.weights.value(), {2, 5},
        {0, 0.14563316093802922, 0.6095413266421326, 0.12080403353938532, 0.12402147888045294,
         0.5784342522666522, 0.2606862400177518, 0.1608795077155959, 0, 0},
        1e-6);
    check_gradients("LocalAttention::forward (local-p) context",
                    [&](V x) { return local.forward(x[0], Var(k), Var(k), mask, {}).context; },
                    {q});
  });
}

TEST_CASE("key-value keys and values, split and projected") {
  EngineGuard reference(Engine::reference);
  grade("key-value", [] {
    Rng rng(1);
    // B = 2, S = 3, H = 5: h[b,i] = (1..5) + 5 i + 15 b, i.e. base + (1, 2, 3, 4, 5)
    Tensor states({2, 3, 5});
    for (int64_t i = 0; i < 30; ++i) states[i] = static_cast<real>(i + 1);
    const std::vector<std::string> axes{"batch", "position", "feature"};
    // split: key_size 2 + value_size 3
    KeyValueAttention split(KeyValueMode::split, "dot", 2, 5, 2, 3, 4, 8, rng);
    auto [ks, vs] = split.keys_values(Var(states));
    const char* how_split = "  split: key = the first 2 features of h[b,i], value the next 3\n";
    check_values({"key (split)", axes, how_split}, ks.value(), {2, 3, 2},
                 {1, 2, 6, 7, 11, 12, 16, 17, 21, 22, 26, 27});
    check_values({"value (split)", axes, how_split}, vs.value(), {2, 3, 3},
                 {3, 4, 5, 8, 9, 10, 13, 14, 15, 18, 19, 20, 23, 24, 25, 28, 29, 30});
    // project (what 09 trains): W_K (2,5), W_V (3,5) set by hand
    KeyValueAttention proj(KeyValueMode::project, "dot", 2, 5, 2, 3, 4, 8, rng);
    set_param(proj, "W_K", Tensor::from({2, 5}, {1, 0, 0, 0, 0, 0, 0.5, 0, 0, -1}));
    set_param(proj, "W_V", Tensor::from({3, 5}, {0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 2}));
    auto [kp, vp] = proj.keys_values(Var(states));
    const char* how_proj =
        "  project: key = W_K h = (h_1, 0.5 h_2 - h_5) = (base + 1, -0.5 base - 4),\n"
        "           value = W_V h = (h_3, h_1 + h_2, 2 h_5) = (base + 3, 2 base + 3, 2 base + "
        "10),\n"
        "           base = 5 i + 15 b = 0, 5, 10 (b = 0) and 15, 20, 25 (b = 1)\n";
    check_values({"key (project)", axes, how_proj}, kp.value(), {2, 3, 2},
                 {1, -4, 6, -6.5, 11, -9, 16, -11.5, 21, -14, 26, -16.5});
    check_values({"value (project)", axes, how_proj}, vp.value(), {2, 3, 3},
                 {3, 3, 10, 8, 13, 20, 13, 23, 30, 18, 33, 40, 23, 43, 50, 28, 53, 60});
    for (const KeyValueAttention* kv : {&split, &proj})
      check_gradients("KeyValueAttention::keys_values",
                      [&](V x) {
                        auto [kk, vv] = kv->keys_values(x[0]);
                        return sum(kk) * real(2) + sum(vv);
                      },
                      {states});
  });
}
