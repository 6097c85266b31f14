// Fast equals reference for issue 25's settings (the contract of
// tests/engine_contract_test.cpp, extended): stacked decoder layers, embedding
// and decoder dropout in training mode (the masks come from one seeded Rng in
// both engines, drawn in the same order), and the label-smoothed loss. One
// training step of the same model in both engines gives the same loss and every
// parameter's gradient.
#include <doctest/doctest.h>

#include "core/engine.hpp"
#include "core/tensor_math.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/model/seq2seq.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

// As the engine contract's tolerances (measured there).
const double kRtol = kDoublePrecision ? 1e-12 : 1e-4;
const double kAtol = kDoublePrecision ? 1e-14 : 1e-6;

struct Step {
  double loss = 0;
  std::vector<std::pair<std::string, Tensor>> grads;
};

Step train_step(const ModelConfig& cfg, const Batch& b, real smoothing, Engine e) {
  EngineGuard engine(e);
  Seq2Seq model(cfg);
  model.train();
  Rng rng(21);  // the same masks in both engines
  ForwardOutput out = model.forward(b, 1, &rng, smoothing);
  Step s{out.loss.item(), {}};
  out.loss.backward();
  for (const auto& [name, p] : model.named_parameters()) s.grads.emplace_back(name, p.grad());
  return s;
}

}  // namespace

TEST_CASE("engine contract: decoder layers, dropout and label smoothing, every cell") {
  TaskConfig tc;
  tc.seed = 5;
  tc.n_train = 40;
  tc.n_valid = 4;
  tc.n_test = 4;
  tc.min_len = 2;
  tc.max_len = 7;
  Splits data = make_task("reverse", tc);
  auto [src, tgt] = build_vocabs(data.train);
  Batch batch = make_batch({&data.train[0], &data.train[1], &data.train[2]}, src, tgt);
  int checked = 0;
  for (CellKind cell : {CellKind::rnn, CellKind::gru, CellKind::lstm})
    for (Placement p : {Placement::output, Placement::input, Placement::input_feeding})
      for (bool attention : {true, false}) {
        if (!attention && p != Placement::output) continue;  // the bottleneck has no placement
        ModelConfig c;
        c.cell = cell;
        c.src_vocab = src.size();
        c.tgt_vocab = tgt.size();
        c.embed = 5;
        c.hidden = 6;
        c.attention = attention;
        c.attn.placement = p;
        c.attn.max_src_len = 12;
        c.seed = 9;
        c.decoder_layers = 2;
        c.embed_dropout = real(0.2);
        c.decoder_dropout = real(0.3);
        CAPTURE(to_string(cell));
        CAPTURE(to_string(p));
        CAPTURE(attention);
        const Step fast = train_step(c, batch, real(0.1), Engine::fast);
        const Step ref = train_step(c, batch, real(0.1), Engine::reference);
        CHECK(std::isfinite(ref.loss));
        CHECK(fast.loss == doctest::Approx(ref.loss).epsilon(kRtol));
        REQUIRE(fast.grads.size() == ref.grads.size());
        for (size_t i = 0; i < ref.grads.size(); ++i) {
          CAPTURE(ref.grads[i].first);
          REQUIRE(fast.grads[i].first == ref.grads[i].first);
          CHECK(allclose(fast.grads[i].second, ref.grads[i].second, kRtol, kAtol));
        }
        ++checked;
      }
  CHECK(checked == 3 * 4);
}
