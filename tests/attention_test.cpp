// Attention: weights form a distribution over real tokens, padding never matters,
// small hand-computed examples, every variant's API, and clear shape errors.
#include <doctest/doctest.h>

#include <cmath>

#include "attention/additive.hpp"
#include "attention/alignment_loss.hpp"
#include "attention/cosine.hpp"
#include "attention/diagnostics.hpp"
#include "attention/dot.hpp"
#include "attention/general.hpp"
#include "attention/location_aware.hpp"
#include "attention/self_attention.hpp"
#include "attention/variant.hpp"
#include "attention_variants.hpp"
#include "core/error.hpp"
#include "core/tensor_math.hpp"

using namespace s2s;
using namespace s2s::testing;

namespace {
// Tolerance for "sums to 1" and for comparing the same numbers computed two ways.
constexpr double kTol = kDoublePrecision ? 1e-12 : 1e-6;
}  // namespace

TEST_CASE("attention: every variant gives weights >= 0 summing to 1, exactly 0 on padding") {
  Rng rng(1);
  const std::vector<int64_t> lengths{3, 5, 1};
  const int64_t B = 3, S = 5;
  const Tensor mask = mask_from_lengths(lengths, S);
  for (Variant& v : all_variants(rng)) {
    CAPTURE(v.name);
    Var q(Tensor::normal({B, v.Hq}, rng));
    Var k(Tensor::normal({B, S, v.Hk}, rng));
    Var val(Tensor::normal({B, S, v.Hv}, rng));
    ScoreContext ctx;
    ctx.prev_weights = Var(prev_weights_for(mask, rng));
    ctx.step = 2;
    AttentionOutput out = v.run(q, k, val, mask, ctx);
    REQUIRE(out.weights.shape() == Shape{B, S});
    CHECK(out.scores.shape() == Shape{B, S});
    CHECK(out.context.rank() == 2);
    CHECK(all_finite(out.context.value()));
    for (int64_t b = 0; b < B; ++b) {
      double total = 0;
      for (int64_t s = 0; s < S; ++s) {
        const real w = out.weights.value()[b * S + s];
        CHECK(w >= 0);
        if (s >= lengths[b]) CHECK(w == 0);  // exactly
        total += w;
      }
      CHECK(std::abs(total - 1) < kTol);
    }
  }
}

TEST_CASE("attention: padding a batch never changes a row's outputs") {
  Rng rng(2);
  for (Variant& v : all_variants(rng)) {
    CAPTURE(v.name);
    // Row 0 alone: length 3, no padding.
    Tensor q0 = Tensor::normal({1, v.Hq}, rng);
    Tensor k0 = Tensor::normal({1, 3, v.Hk}, rng), v0 = Tensor::normal({1, 3, v.Hv}, rng);
    Tensor m0 = mask_from_lengths({3}, 3);
    ScoreContext c0;
    c0.prev_weights = Var(prev_weights_for(m0, rng));
    c0.step = 2;
    AttentionOutput alone = v.run(Var(q0), Var(k0), Var(v0), m0, c0);

    // The same row padded to S=5 with garbage, batched with a full-length row.
    const int64_t S = 5;
    Tensor q = Tensor::concat({q0, Tensor::normal({1, v.Hq}, rng)}, 0);
    Tensor k = Tensor::normal({2, S, v.Hk}, rng, 0, 3), val = Tensor::normal({2, S, v.Hv}, rng);
    for (int64_t s = 0; s < 3; ++s) {
      for (int64_t h = 0; h < v.Hk; ++h) k.at({0, s, h}) = k0.at({0, s, h});
      for (int64_t h = 0; h < v.Hv; ++h) val.at({0, s, h}) = v0.at({0, s, h});
    }
    Tensor m = mask_from_lengths({3, 5}, S);
    Tensor prev = prev_weights_for(m, rng);
    for (int64_t s = 0; s < 3; ++s) prev.at({0, s}) = c0.prev_weights.value().at({0, s});
    ScoreContext c;
    c.prev_weights = Var(prev);
    c.step = 2;
    AttentionOutput batched = v.run(Var(q), Var(k), Var(val), m, c);

    Tensor w_row = batched.weights.value().slice(0, 0, 1);
    CHECK(allclose(w_row.slice(1, 0, 3), alone.weights.value(), kTol, kTol));
    CHECK(w_row.at({0, 3}) == 0);
    CHECK(w_row.at({0, 4}) == 0);
    CHECK(allclose(batched.context.value().slice(0, 0, 1), alone.context.value(), kTol, kTol));
  }
}

TEST_CASE("attention: dot and scaled_dot on a hand-computed example") {
  // q = (1,2); keys k1 = (1,0), k2 = (0,1), k3 = (1,1)
  // dot scores: q·k1 = 1, q·k2 = 2, q·k3 = 1+2 = 3
  // weights = (e¹, e², e³) / (e¹ + e² + e³)
  // values v1 = (1,0), v2 = (0,1), v3 = (1,1) -> context = (a1 + a3, a2 + a3)
  Var q(Tensor::from({1, 2}, {1, 2}));
  Var k(Tensor::from({1, 3, 2}, {1, 0, 0, 1, 1, 1}));
  Var v(Tensor::from({1, 3, 2}, {1, 0, 0, 1, 1, 1}));
  Tensor mask = Tensor::ones({1, 3});
  Attention att(std::make_unique<DotScore>(2, 2, false));
  AttentionOutput out = att.forward(q, k, v, mask);
  CHECK(allclose(out.scores.value(), Tensor::from({1, 3}, {1, 2, 3})));
  const double Z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  const double a1 = std::exp(1.0) / Z, a2 = std::exp(2.0) / Z, a3 = std::exp(3.0) / Z;
  CHECK(allclose(out.weights.value(), Tensor::from({1, 3}, {real(a1), real(a2), real(a3)})));
  CHECK(allclose(out.context.value(), Tensor::from({1, 2}, {real(a1 + a3), real(a2 + a3)})));

  // scaled: the same scores divided by √2 (d = Hk = 2)
  DotScore scaled(2, 2, true);
  const real r = real(1 / std::sqrt(2.0));
  CHECK(allclose(scaled.score(q, k, {}).value(), Tensor::from({1, 3}, {r, 2 * r, 3 * r})));
}

TEST_CASE("attention: general score on a hand-computed example") {
  // W = [[1,2],[0,1]], q = (1,1): u = qᵀW = (1·1 + 1·0, 1·2 + 1·1) = (1, 3)
  // keys k1 = (1,0) -> 1,  k2 = (0,1) -> 3,  k3 = (2,-1) -> 2 - 3 = -1
  Rng rng(3);
  GeneralScore g(2, 2, rng);
  g.W.value() = Tensor::from({2, 2}, {1, 2, 0, 1});
  Var q(Tensor::from({1, 2}, {1, 1}));
  Var k(Tensor::from({1, 3, 2}, {1, 0, 0, 1, 2, -1}));
  CHECK(allclose(g.score(q, k, {}).value(), Tensor::from({1, 3}, {1, 3, -1})));
}

TEST_CASE("attention: additive score on a hand-computed example, with cached key projection") {
  // Hq = Hk = 1, A = 2: W_q = (1,-1)ᵀ, W_k = (1,1)ᵀ, v = (2,1); q = 0.5
  // k1 = 0.5:  W_q q + W_k k1 = (0.5+0.5, -0.5+0.5) = (1, 0)  -> vᵀtanh = 2 tanh 1
  // k2 = -0.5: W_q q + W_k k2 = (0.5-0.5, -0.5-0.5) = (0, -1) -> vᵀtanh = -tanh 1
  Rng rng(4);
  auto score = std::make_unique<AdditiveScore>(1, 1, 2, rng);
  score->W_q.value() = Tensor::from({2, 1}, {1, -1});
  score->W_k.value() = Tensor::from({2, 1}, {1, 1});
  score->v.value() = Tensor::from({2}, {2, 1});
  Attention att(std::move(score));
  Var q(Tensor::from({1, 1}, {0.5}));
  Var k(Tensor::from({1, 2, 1}, {0.5, -0.5}));
  Var v(Tensor::from({1, 2, 2}, {1, 0, 0, 1}));  // context = (a1, a2)
  const real t1 = std::tanh(real(1));
  AttentionOutput out = att.forward(q, k, v, Tensor::ones({1, 2}));
  CHECK(allclose(out.scores.value(), Tensor::from({1, 2}, {2 * t1, -t1})));
  const real a1 = 1 / (1 + std::exp(-3 * t1));  // softmax of two: σ(e1 - e2)
  CHECK(allclose(out.context.value(), Tensor::from({1, 2}, {a1, 1 - a1})));

  ScoreContext ctx;
  ctx.projected_keys = att.project_keys(k);
  CHECK(ctx.projected_keys.shape() == Shape{1, 2, 2});
  CHECK(
      allclose(att.forward(q, k, v, Tensor::ones({1, 2}), ctx).scores.value(), out.scores.value()));
  ctx.projected_keys = Var(Tensor::zeros({1, 3, 2}));
  CHECK_THROWS_WITH_AS(att.forward(q, k, v, Tensor::ones({1, 2}), ctx),
                       doctest::Contains("ctx.projected_keys must be (1,2,2)"), Error);
}

TEST_CASE("attention: cosine score is β·cos and stays finite on a zero vector") {
  Rng rng(5);
  CosineScore c(2, 2, rng);
  CHECK_FALSE(c.W.defined());  // Hq == Hk: no projection
  c.log_beta.value()[0] = std::log(real(2));
  // q = (3,4); k1 = (6,8) same direction -> cos 1; k2 = (-4,3) orthogonal -> 0; k3 = 0 -> 0
  Var q(Tensor::from({1, 2}, {3, 4}));
  Var k(Tensor::from({1, 3, 2}, {6, 8, -4, 3, 0, 0}));
  CHECK(allclose(c.score(q, k, {}).value(), Tensor::from({1, 3}, {2, 0, 0}), 1e-5, 1e-6));
  CosineScore projected(3, 2, rng);
  CHECK(projected.W.shape() == Shape{2, 3});
}

TEST_CASE("attention: location-aware convolution is a zero-padded cross-correlation") {
  Rng rng(6);
  LocationAwareScore la(2, 2, 3, rng, /*num_filters=*/1, /*filter_width=*/3);
  la.F.value() = Tensor::from({1, 3}, {1, 2, 3});
  // f_i = 1·α_{i-1} + 2·α_i + 3·α_{i+1}; α = (1, 0, 0, 2)
  // f = (0+2+0, 1+0+0, 0+0+6, 0+4+0) = (2, 1, 6, 4)
  Var f = la.convolve(Var(Tensor::from({1, 4}, {1, 0, 0, 2})));
  CHECK(allclose(f.value(), Tensor::from({1, 4, 1}, {2, 1, 6, 4})));
  CHECK_THROWS_WITH_AS(LocationAwareScore(2, 2, 3, rng, 2, 4), doctest::Contains("must be odd"),
                       Error);
}

TEST_CASE("attention: local windows cut weights outside p - D .. p + D") {
  Rng rng(7);
  LocalAttention m(make_score("dot", 2, 2, 0, 0, rng), LocalMode::monotonic, 1, rng);
  const int64_t S = 6;
  Var q(Tensor::normal({2, 2}, rng)), k(Tensor::normal({2, S, 2}, rng));
  Tensor mask = mask_from_lengths({6, 3}, S);
  ScoreContext ctx;
  ctx.step = 3;
  AttentionOutput out = m.forward(q, k, k, mask, ctx);
  // row 0: p = 3 -> window {2,3,4};  row 1 (length 3): p clamped to 2 -> window {1,2}
  CHECK(out.position.value()[0] == 3);
  CHECK(out.position.value()[1] == 2);
  for (int64_t s = 0; s < S; ++s) {
    CHECK((out.weights.value().at({0, s}) > 0) == (s >= 2 && s <= 4));
    CHECK((out.weights.value().at({1, s}) > 0) == (s >= 1 && s <= 2));
  }

  LocalAttention p(make_score("general", 2, 2, 0, 0, rng), LocalMode::predictive, 2, rng, 4);
  AttentionOutput op = p.forward(q, k, k, mask);
  // p_t = (L-1)·sigmoid(...) lies inside each sequence: (0, 5) and (0, 2)
  CHECK(op.position.value()[0] > 0);
  CHECK(op.position.value()[0] < 5);
  CHECK(op.position.value()[1] < 2);
  CHECK(p.named_parameters().size() == 3);  // score.W, W_p, v_p
}

TEST_CASE("attention: key-value split uses the first half as keys and the rest as values") {
  Rng rng(8);
  KeyValueAttention kv(KeyValueMode::split, "dot", 2, 5, 2, 3, 0, 0, rng);
  Tensor h = Tensor::normal({1, 4, 5}, rng);
  auto [keys, values] = kv.keys_values(Var(h));
  CHECK(allclose(keys.value(), h.slice(2, 0, 2)));
  CHECK(allclose(values.value(), h.slice(2, 2, 5)));
  AttentionOutput out = kv.forward(Var(Tensor::normal({1, 2}, rng)), Var(h), Tensor::ones({1, 4}));
  CHECK(out.context.shape() == Shape{1, 3});
  CHECK(kv.num_parameters() == 0);
  CHECK_THROWS_WITH_AS(KeyValueAttention(KeyValueMode::split, "dot", 2, 5, 2, 2, 0, 0, rng),
                       doctest::Contains("must equal state size H=5"), Error);
  KeyValueAttention proj(KeyValueMode::project, "additive", 3, 5, 4, 6, 7, 0, rng);
  CHECK(proj.forward(Var(Tensor::ones({2, 3})), Var(Tensor::ones({2, 4, 5})), Tensor::ones({2, 4}))
            .context.shape() == Shape{2, 6});
}

TEST_CASE("attention: decoder self-attention starts with a zero context and grows causally") {
  Rng rng(9);
  DecoderSelfAttention sa("scaled_dot", 3, 3, 0, 10, rng);
  Var q(Tensor::normal({2, 3}, rng));
  AttentionOutput first = sa.forward({}, q);
  CHECK(first.context.shape() == Shape{2, 3});
  CHECK(max_abs(first.context.value()) == 0);
  CHECK(first.weights.shape() == Shape{2, 0});

  std::vector<Var> prev{Var(Tensor::normal({2, 3}, rng)), Var(Tensor::normal({2, 3}, rng))};
  AttentionOutput two = sa.forward(prev, q);
  CHECK(two.weights.shape() == Shape{2, 2});
  // With one previous state all weight is on it: the context is that state.
  AttentionOutput one = sa.forward({prev[0]}, q);
  CHECK(allclose(one.context.value(), prev[0].value()));
  CHECK_THROWS_WITH_AS(sa.forward({Var(Tensor::zeros({2, 4}))}, q),
                       doctest::Contains("previous state 0 must be (B,H) = (2,3), got (2,4)"),
                       Error);
}

TEST_CASE("attention: alignment loss is the mean cross-entropy over linked rows") {
  // weights (1,3,2); gold rows: (1,0) linked, (0,0) no link, (1,1) linked (normalised 0.5,0.5)
  // loss = ( -log 0.8  +  -(0.5 log 0.3 + 0.5 log 0.7) ) / 2
  Var w(Tensor::from({1, 3, 2}, {0.8, 0.2, 0.5, 0.5, 0.3, 0.7}));
  Tensor gold = Tensor::from({1, 3, 2}, {1, 0, 0, 0, 1, 1});
  const double expect = (-std::log(0.8) - 0.5 * std::log(0.3) - 0.5 * std::log(0.7)) / 2;
  CHECK(alignment_loss(w, gold).item() == doctest::Approx(expect).epsilon(1e-6));
  CHECK(alignment_loss(w, Tensor::zeros({1, 3, 2})).item() == 0);
  // padding weight 0 with no gold link: fine (no 0·log 0 = NaN)
  Var wp(Tensor::from({1, 1, 2}, {1, 0}));
  CHECK(alignment_loss(wp, Tensor::from({1, 1, 2}, {1, 0})).item() == 0);
  CHECK_THROWS_WITH_AS(alignment_loss(wp, Tensor::from({1, 1, 2}, {0, 1})),
                       doctest::Contains("its weight is 0"), Error);
  CHECK_THROWS_WITH_AS(alignment_loss(w, Tensor::zeros({1, 2, 2})),
                       doctest::Contains("gold (1,2,2)"), Error);
}

TEST_CASE("attention: diagnostics flag collapsed and uniform weights") {
  Tensor w = Tensor::from({3, 4}, {1, 0, 0, 0,              //
                                   0.25, 0.25, 0.25, 0.25,  //
                                   0.5, 0.5, 0, 0});
  Tensor mask = Tensor::from({3, 4}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0});
  auto d = diagnose_weights(w, mask);
  REQUIRE(d.size() == 3);
  CHECK(d[0].flag == WeightsFlag::collapsed);
  CHECK(d[0].normalised == 0);
  CHECK(d[1].flag == WeightsFlag::uniform);
  CHECK(d[1].normalised == doctest::Approx(1));
  // row 2: H = log 2 over L = 3 real tokens -> log 2 / log 3 ≈ 0.63
  CHECK(d[2].normalised == doctest::Approx(std::log(2.0) / std::log(3.0)));
  CHECK(d[2].flag == WeightsFlag::none);
  CHECK(std::string(to_string(WeightsFlag::uniform)) == "uniform");
}

TEST_CASE("attention: clear errors for bad names, sizes and shapes") {
  Rng rng(10);
  CHECK_THROWS_WITH_AS(make_score("bilinear2", 2, 2, 2, 2, rng),
                       doctest::Contains("unknown score function 'bilinear2'; known: dot, "
                                         "scaled_dot, general, additive, location, cosine, "
                                         "location_aware"),
                       Error);
  CHECK_THROWS_WITH_AS(make_score("dot", 3, 4, 0, 0, rng),
                       doctest::Contains("Hq=3 must equal key size Hk=4"), Error);
  Attention att("general", 3, 4, 0, 0, rng);
  Var q(Tensor::zeros({2, 3})), k(Tensor::zeros({2, 5, 4})), v(Tensor::zeros({2, 5, 6}));
  Tensor mask = Tensor::ones({2, 5});
  CHECK_THROWS_WITH_AS(att.forward(Var(Tensor::zeros({3, 3})), k, v, mask),
                       doctest::Contains("batch sizes differ: query (3,3) vs keys (2,5,4)"), Error);
  CHECK_THROWS_WITH_AS(att.forward(q, k, Var(Tensor::zeros({2, 4, 6})), mask),
                       doctest::Contains("keys (2,5,4) and values (2,4,6) must share (B,S)"),
                       Error);
  CHECK_THROWS_WITH_AS(att.forward(q, k, v, Tensor::ones({2, 4})),
                       doctest::Contains("mask must be (B,S) of keys (2,5,4), got mask (2,4)"),
                       Error);
  CHECK_THROWS_WITH_AS(att.forward(Var(Tensor::zeros({2, 2})), k, v, mask),
                       doctest::Contains("general score: query must be (B,3), got (2,2)"), Error);
  Tensor one_empty = mask_from_lengths({5, 0}, 5);
  CHECK_THROWS_WITH_AS(att.forward(q, k, v, one_empty),
                       doctest::Contains("batch row 1 has no real token"), Error);

  Attention loc("location", 3, 4, 0, 4, rng);
  CHECK_THROWS_WITH_AS(loc.forward(q, k, v, mask),
                       doctest::Contains("source length S=5 > max_src_len=4"), Error);
  Attention la("location_aware", 3, 4, 2, 0, rng);
  ScoreContext ctx;
  ctx.prev_weights = Var(Tensor::zeros({2, 4}));
  CHECK_THROWS_WITH_AS(la.forward(q, k, v, mask, ctx),
                       doctest::Contains("prev_weights must be (B,S) = (2,5)"), Error);
}

TEST_CASE("attention: every variant of the registry through the one interface") {
  Rng rng(31);
  const int64_t B = 2, S = 5, H = 4, He = 6;
  const Tensor mask = mask_from_lengths({5, 3}, S);
  const Var states(Tensor::normal({B, S, He}, rng)), query(Tensor::normal({B, H}, rng));
  for (const VariantEntry& e : variant_registry().entries()) {
    CAPTURE(e.name);
    std::unique_ptr<AttentionModule> m = e.make({"additive", H, He, 3, 8, 1}, rng);
    const AttentionMemory memory = m->remember(states);
    CHECK(memory.keys.size(1) == S);
    ScoreContext ctx;
    ctx.step = 1;
    const AttentionOutput out = m->attend(query, memory, mask, ctx);
    CHECK(out.context.shape() == Shape{B, memory.values.size(2)});
    REQUIRE(out.weights.shape() == Shape{B, S});
    for (int64_t b = 0; b < B; ++b) {
      real total = 0;
      for (int64_t s = 0; s < S; ++s) total += out.weights.value()[b * S + s];
      CHECK(std::abs(total - 1) < kTol);
    }
    for (int64_t s = 3; s < S; ++s) CHECK(out.weights.value()[S + s] == 0);  // row 1's padding
    CHECK(std::string(m->score_function().name()) == "additive");
  }
  // Decoder self-attention is one too: its memory is the stacked earlier states.
  DecoderSelfAttention self("general", H, H, 0, 8, rng);
  const AttentionModule& as_module = self;
  const std::vector<Var> previous{Var(Tensor::normal({B, H}, rng)),
                                  Var(Tensor::normal({B, H}, rng))};
  const AttentionOutput a = self.forward(previous, query);
  const AttentionOutput b =
      as_module.attend(query, as_module.remember(stack(previous, 1)), Tensor::ones({B, 2}));
  CHECK(allclose(a.context.value(), b.context.value(), kTol, kTol));
}
