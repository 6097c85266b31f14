// Whole encoder-decoder models, gradient-checked in double precision: the
// backward pass through every decoder variant against central differences on
// a sample of every parameter tensor.
#include <doctest/doctest.h>

#include <cmath>

#include "seq2seq/data/task.hpp"
#include "seq2seq/model/seq2seq.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {
// Checks up to `per_param` elements of every parameter of model against
// central differences of loss(). Returns the worst error.
double check_module(Seq2Seq& m, const Batch& b, int per_param) {
  m.zero_grad();
  m.forward(b).loss.backward();
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
      const double plus = m.forward(b).loss.item();
      p.value()[j] = saved - eps;
      const double minus = m.forward(b).loss.item();
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

TEST_CASE("gradcheck: seq2seq models, every decoder variant, every parameter tensor") {
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
  std::vector<ModelConfig> configs;
  ModelConfig base;
  base.src_vocab = sv.size();
  base.tgt_vocab = tv.size();
  base.embed = 4;
  base.hidden = 5;
  base.attn.max_src_len = 8;
  base.attn.attention_size = 3;
  ModelConfig c = base;
  c.attention = false;
  c.feed_summary = true;
  configs.push_back(c);
  for (const char* score : {"dot", "general", "additive", "location", "cosine", "location_aware"}) {
    c = base;
    c.attn.score = score;
    configs.push_back(c);
  }
  for (Placement p : {Placement::input, Placement::both, Placement::input_feeding}) {
    c = base;
    c.cell = CellKind::lstm;
    c.attn.placement = p;
    configs.push_back(c);
  }
  for (AttentionVariant v :
       {AttentionVariant::local_m, AttentionVariant::local_p, AttentionVariant::key_value}) {
    c = base;
    c.attn.variant = v;
    configs.push_back(c);
  }
  c = base;
  c.bidirectional = true;
  c.layers = 2;
  c.cell = CellKind::rnn;
  c.attn.self_attention = true;
  configs.push_back(c);
  for (const ModelConfig& cfg : configs) {
    Seq2Seq m(cfg);
    double worst = check_module(m, b, 6);
    MESSAGE(m.describe() << ": max error " << worst);
    CHECK(worst <= 1e-6);
  }
}
