// Anomaly mode and divergence: a NaN or Inf is reported where it is born (the op,
// its inputs), not thousands of ops later as a NaN loss; and a training run that
// blows up stops with a clear message without touching the best checkpoint.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"
#include "nn/safetensors.hpp"
#include "reliability_util.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;
using namespace s2s::reliability;

TEST_CASE("reliability: anomaly mode names the op and its inputs (forward)") {
  Var x(Tensor::from({3}, {1, -1, 2}), true);  // log(-1) = NaN
  {
    AnomalyGuard on;
    CHECK_THROWS_WITH_AS(log(x), doctest::Contains("forward output of op 'log'"), s2s::Error);
    CHECK_THROWS_WITH_AS(log(x), doctest::Contains("inputs: leaf(3,)"), s2s::Error);
    // Division by zero makes an Inf: named too, with both inputs.
    Var zero(Tensor::zeros({3}));
    CHECK_THROWS_WITH_AS(div(x, zero), doctest::Contains("op 'div'"), s2s::Error);
    CHECK_THROWS_WITH_AS(div(x, zero), doctest::Contains("inputs: leaf(3,), leaf(3,)"), s2s::Error);
  }
  // Outside the guard the same op quietly makes a NaN (that is why the mode exists),
  // and the guard restored the previous setting on scope exit.
  CHECK_FALSE(GradMode::anomaly());
  Var y = log(x);
  CHECK(std::isnan(y.value()[1]));
}

TEST_CASE("reliability: anomaly mode names the op whose backward made a NaN/Inf") {
  // sqrt(0) = 0 is fine forward, but d sqrt(x)/dx = 1/(2 sqrt x) is Inf at 0.
  Var x(Tensor::from({2}, {4, 0}), true);
  AnomalyGuard on;
  Var loss = sum(sqrt(x));
  CHECK_THROWS_WITH_AS(loss.backward(), doctest::Contains("backward gradient of op 'sqrt'"),
                       s2s::Error);
}

TEST_CASE("reliability: anomaly mode accepts the deliberate -inf of attention masks") {
  // Padding is masked with -inf before the softmax (e^{-inf} = 0). That Inf is
  // intended, so a training step of an attention model on a padded batch must run
  // cleanly under anomaly mode (it used to stop at 'masked_fill').
  Splits data = tiny_copy_task(64, 6);
  auto [sv, tv] = build_vocabs(data.train);
  Seq2Seq model(tiny_model_config(sv.size(), tv.size()));
  std::vector<const Example*> batch;
  for (const Example& e : data.train) batch.push_back(&e);
  Batch b = make_batch(batch, sv, tv);
  REQUIRE(b.src_mask.values() != Tensor::ones(b.src_mask.shape()).values());  // has padding
  AnomalyGuard on;
  ForwardOutput f = model.forward(b);
  CHECK(std::isfinite(f.loss.item()));
  f.loss.backward();
  for (const Var& p : model.parameters()) CHECK(all_finite(p.grad()));
  // A NaN brought in by the scores is still reported, at the op that made it.
  Var scores(Tensor::from({1, 2}, {0, 1}), true);
  CHECK_THROWS_WITH_AS(masked_fill(log(scores - 1), Tensor::from({1, 2}, {0, 1}),
                                   -std::numeric_limits<real>::infinity()),
                       doctest::Contains("op 'log'"), s2s::Error);
}

TEST_CASE("reliability: a diverging run stops clearly and keeps the best checkpoint intact") {
  TempDir tmp("anomaly_train");
  const std::string ckpt = tmp.file("best.safetensors");
  Splits data = tiny_copy_task(128, 6);  // 8 steps per epoch
  auto [sv, tv] = build_vocabs(data.train);
  const ModelConfig mc = tiny_model_config(sv.size(), tv.size());

  // 1. A healthy epoch writes the best checkpoint.
  TrainConfig good;
  good.epochs = 1;
  good.batch_size = 16;
  good.progress = false;
  good.checkpoint = ckpt;
  Seq2Seq healthy(mc);
  train(healthy, data, sv, tv, good);
  REQUIRE(fs::exists(ckpt));
  const std::string before = read_bytes(ckpt);

  // 2. An absurd learning rate without clipping: Adam moves every parameter by ~lr
  //    per step, so after one step the logits (sums of H = 16 products of size
  //    ~lr) overflow to Inf and the loss is NaN at step 2 (measured, float and
  //    double). Merely huge rates do not diverge: tanh and sigmoid saturate, so
  //    with lr = 1e6, or even max/100, the loss stays finite (~6e6, ~1e37) and the
  //    trainer, which stops only on a non-finite loss, trains on. One epoch only:
  //    a finished epoch would (by design) save this run's best model.
  TrainConfig bad = good;
  bad.lr = std::numeric_limits<real>::max() / 10;
  bad.clip = 0;
  Seq2Seq diverging(mc);
  CHECK_THROWS_WITH_AS(train(diverging, data, sv, tv, bad),
                       doctest::Contains("best checkpoint was not overwritten"), s2s::Error);
  Seq2Seq diverging_again(mc);  // same run: it stops within the first epoch
  CHECK_THROWS_WITH_AS(train(diverging_again, data, sv, tv, bad), doctest::Contains("at epoch 1,"),
                       s2s::Error);

  // With anomaly mode on, the message points at the first op that made a NaN/Inf.
  bad.anomaly = true;
  Seq2Seq diverging2(mc);
  CHECK_THROWS_WITH_AS(train(diverging2, data, sv, tv, bad), doctest::Contains("anomaly: "),
                       s2s::Error);

  // 3. The checkpoint is byte-for-byte the healthy one, loads, and holds the
  //    healthy model's parameters; no temporary file was left next to it.
  CHECK(read_bytes(ckpt) == before);
  Seq2Seq reloaded(mc);
  load_module(ckpt, reloaded);
  auto want = healthy.named_parameters(), got = reloaded.named_parameters();
  REQUIRE(want.size() == got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO(want[i].first);
    CHECK(want[i].second.value().values() == got[i].second.value().values());
  }
  CHECK(tmp.listing() == std::vector<std::string>{"best.safetensors"});
}
