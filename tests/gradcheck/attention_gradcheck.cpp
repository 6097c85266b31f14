// Gradient checks (double precision, tolerance 1e-6) through every attention score
// function and variant, w.r.t. query, keys, values, the previous weights of
// location-aware attention and every parameter. gradcheck_module finds the
// parameters by name (Module::named_parameters) and nudges them in place.
#include <doctest/doctest.h>

#include "../attention_variants.hpp"
#include "attention/alignment_loss.hpp"
#include "attention/location_aware.hpp"
#include "attention/self_attention.hpp"
#include "core/gradcheck.hpp"
#include "core/tensor_math.hpp"
#include "nn_module_check.hpp"

using namespace s2s;
using namespace s2s::testing;

TEST_CASE("attention: gradcheck every score function and variant (with padding)") {
  Rng rng(11);
  const int64_t B = 2, S = 4;
  const Tensor mask = mask_from_lengths({4, 3}, S);
  for (Variant& v : all_variants(rng)) {
    CAPTURE(v.name);
    std::vector<Tensor> inputs{Tensor::normal({B, v.Hq}, rng), Tensor::normal({B, S, v.Hk}, rng),
                               Tensor::normal({B, S, v.Hv}, rng), prev_weights_for(mask, rng)};
    auto f = [&](const std::vector<Var>& in) {
      ScoreContext ctx;
      ctx.prev_weights = in[3];
      ctx.step = 1;
      AttentionOutput out = v.run(in[0], in[1], in[2], mask, ctx);
      return concat({out.context, out.weights}, 1);  // (B,Hv+S): both checked
    };
    GradCheckResult r = gradcheck_module(v.name, *v.module, f, inputs);
    INFO(r.message);
    CHECK(r.ok);
    CHECK(r.max_error < 1e-6);
  }
}

TEST_CASE("attention: gradcheck the cached key projection path") {
  Rng rng(12);
  for (const char* name : {"additive", "location_aware"}) {
    CAPTURE(name);
    Variant v = attention_variant(name, rng);
    auto& att = dynamic_cast<Attention&>(*v.module);
    const Tensor mask = mask_from_lengths({3, 2}, 3);
    auto f = [&](const std::vector<Var>& in) {
      ScoreContext ctx;
      ctx.projected_keys = att.project_keys(in[1]);
      return att.forward(in[0], in[1], in[2], mask, ctx).context;
    };
    GradCheckResult r =
        gradcheck_module(name, att, f,
                         {Tensor::normal({2, v.Hq}, rng), Tensor::normal({2, 3, v.Hk}, rng),
                          Tensor::normal({2, 3, v.Hv}, rng)});
    INFO(r.message);
    CHECK(r.ok);
  }
}

TEST_CASE("attention: gradcheck local-p's position predictor and the convolution alone") {
  Rng rng(13);
  Variant v = local_variant(LocalMode::predictive, "dot", rng);
  auto& local = dynamic_cast<LocalAttention&>(*v.module);
  // p_t itself, w.r.t. the query, W_p and v_p
  GradCheckResult rp = gradcheck_module("local-p position", local,
                                        [&](const std::vector<Var>& in) {
                                          return local.predict_position(in[0], {5, 3});
                                        },
                                        {Tensor::normal({2, v.Hq}, rng)});
  INFO(rp.message);
  CHECK(rp.ok);
  // With a parameter-free dot score, W_p reaches the context only through p_t and
  // the Gaussian: a nonzero gradient shows that path is connected.
  Var q(Tensor::normal({2, v.Hq}, rng)), k(Tensor::normal({2, 5, v.Hk}, rng));
  local.zero_grad();
  sum(local.forward(q, k, k, mask_from_lengths({5, 3}, 5)).context).backward();
  CHECK(max_abs(local.W_p.grad()) > 0);

  LocationAwareScore la(2, 2, 3, rng, 3, 5);
  GradCheckResult rc =
      gradcheck_module("conv1d", la, [&](const std::vector<Var>& in) { return la.convolve(in[0]); },
                       {Tensor::normal({2, 4}, rng)});
  INFO(rc.message);
  CHECK(rc.ok);
}

TEST_CASE("attention: gradcheck decoder self-attention and the alignment loss") {
  Rng rng(14);
  for (const char* name : {"additive", "general", "location"}) {
    CAPTURE(name);
    DecoderSelfAttention sa(name, 3, 2, 4, 5, rng);
    auto f = [&](const std::vector<Var>& in) {
      return sa.forward({in[1], in[2], in[3]}, in[0]).context;
    };
    GradCheckResult r =
        gradcheck_module(name, sa, f,
                         {Tensor::normal({2, 3}, rng), Tensor::normal({2, 2}, rng),
                          Tensor::normal({2, 2}, rng), Tensor::normal({2, 2}, rng)});
    INFO(r.message);
    CHECK(r.ok);
  }

  Tensor gold = Tensor::from({1, 3, 3}, {1, 0, 0, 0, 0, 0, 0, 2, 1});
  GradCheckResult r =
      gradcheck("alignment_loss",
                [&](const std::vector<Var>& in) { return alignment_loss(softmax(in[0], 2), gold); },
                {Tensor::normal({1, 3, 3}, rng)});
  INFO(r.message);
  CHECK(r.ok);
}
