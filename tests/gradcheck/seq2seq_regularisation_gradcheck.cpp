// The regularised models of issue 25, gradient-checked in double precision:
// embedding and decoder dropout in training mode (the same masks at every
// evaluation: a fresh Rng with one seed per forward), and stacked decoder layers,
// for the bottleneck and the attention decoders.
#include <doctest/doctest.h>

#include <cmath>

#include "seq2seq/data/task.hpp"
#include "seq2seq/model/seq2seq.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {
// Central differences on up to `per_param` elements of every parameter.
double check_dropout_model(Seq2Seq& m, const Batch& b, int per_param) {
  auto loss = [&] {
    Rng rng(77);  // the same masks every time
    return m.forward(b, 1, &rng).loss;
  };
  m.train();
  m.zero_grad();
  loss().backward();
  const double eps = 1e-6;
  double worst = 0;
  for (auto& [name, p] : m.named_parameters()) {
    Tensor analytic = p.grad();
    const int64_t n = p.value().numel();
    const int64_t stride = std::max<int64_t>(1, n / per_param);
    for (int64_t j = 0; j < n; j += stride) {
      const real saved = p.value()[j];
      NoGradGuard ng;
      p.value()[j] = saved + eps;
      const double plus = loss().item();
      p.value()[j] = saved - eps;
      const double minus = loss().item();
      p.value()[j] = saved;
      const double numeric = (plus - minus) / (2 * eps);
      const double err =
          std::abs(analytic[j] - numeric) /
          std::max({1.0, std::abs(static_cast<double>(analytic[j])), std::abs(numeric)});
      worst = std::max(worst, err);
      if (err > 1e-6)
        FAIL_CHECK(fmt::format("{}: parameter {} index {}: analytic {:.10g} vs numeric {:.10g}",
                               m.describe(), name, j, static_cast<double>(analytic[j]), numeric));
    }
  }
  return worst;
}
}  // namespace

TEST_CASE("gradcheck: dropout and stacked decoder layers, every decoder kind") {
  REQUIRE(kDoublePrecision);
  TaskConfig tc;
  tc.seed = 5;
  tc.n_train = 40;
  tc.n_valid = 2;
  tc.n_test = 2;
  tc.min_len = 2;
  tc.max_len = 5;
  Splits d = make_task("reverse", tc);
  auto [sv, tv] = build_vocabs(d.train);
  Batch b = make_batch({&d.train[0], &d.train[1], &d.train[2]}, sv, tv);
  ModelConfig base;
  base.src_vocab = sv.size();
  base.tgt_vocab = tv.size();
  base.embed = 4;
  base.hidden = 5;
  base.attn.max_src_len = 8;
  base.embed_dropout = real(0.3);
  base.decoder_dropout = real(0.3);
  std::vector<ModelConfig> configs;
  ModelConfig c = base;
  c.attention = false;
  c.feed_summary = true;
  c.decoder_layers = 2;
  configs.push_back(c);
  c = base;
  c.decoder_layers = 2;
  c.bidirectional = true;
  configs.push_back(c);
  c = base;
  c.cell = CellKind::lstm;
  c.attn.placement = Placement::input_feeding;
  c.decoder_layers = 3;
  configs.push_back(c);
  c = base;
  c.attn.placement = Placement::input;
  configs.push_back(c);
  for (const ModelConfig& cfg : configs) {
    Seq2Seq m(cfg);
    const double worst = check_dropout_model(m, b, 6);
    MESSAGE(m.describe() << ": max error " << worst);
    CHECK(worst <= 1e-6);
  }
}
