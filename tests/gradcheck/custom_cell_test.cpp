// Adding a recurrent cell takes its code and one registration line: this file
// defines a cell the library has never seen (the minimal gated unit), registers it
// with one line, and finds it in the registry, the CLI's --cell choices and help, a
// model's config and checkpoint metadata, the size estimate, a float64 gradient
// check, and one training step of a whole encoder-decoder under both engines.
#include <doctest/doctest.h>

#include <algorithm>

#include "../reliability_util.hpp"
#include "core/engine.hpp"
#include "nn/adam.hpp"
#include "nn/init.hpp"
#include "nn_module_check.hpp"
#include "seq2seq/cli_choices.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/model_budget.hpp"
#include "seq2seq/model/seq2seq.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;
using s2s::testing::gradcheck_module;

namespace {

// Minimal gated unit (Zhou et al. 2016): a GRU with one gate doing both jobs.
//   f  = σ(W_if x + b_if + W_hf h + b_hf)            forget gate
//   n  = tanh(W_in x + b_in + f ⊙ (W_hn h + b_hn))   candidate state
//   h' = (1 - f) ⊙ h + f ⊙ n
//   weight_ih (2H,E) = [W_if; W_in],  weight_hh (2H,H) = [W_hf; W_hn],  biases (2H)
class MGUCell : public RecurrentCell {
 public:
  MGUCell(int64_t E, int64_t H, Rng& rng) : RecurrentCell("mgu", E, H) {
    weight_ih = register_parameter("weight_ih", init::uniform_fan_in({2 * H, E}, H, rng));
    weight_hh = register_parameter("weight_hh", init::uniform_fan_in({2 * H, H}, H, rng));
    bias_ih = register_parameter("bias_ih", init::uniform_fan_in({2 * H}, H, rng));
    bias_hh = register_parameter("bias_hh", init::uniform_fan_in({2 * H}, H, rng));
  }
  RecurrentState step(const Var& x, const RecurrentState& s) const override {
    check_step(x, s);
    const int64_t H = hidden_size;
    auto xi = split(linear(x, weight_ih, &bias_ih), {H, H}, 1);    // (B,H) each
    auto hh = split(linear(s.h, weight_hh, &bias_hh), {H, H}, 1);  // (B,H) each
    Var f = sigmoid(xi[0] + hh[0]);
    Var n = tanh(xi[1] + f * hh[1]);
    return {(1 - f) * s.h + f * n, Var()};
  }

  Var weight_ih, weight_hh, bias_ih, bias_hh;
};

// The one registration line.
const CellKind kMGU =
    register_cell({"mgu", "minimal gated unit (one gate f; a test's own cell)", 2,
                   [](int64_t E, int64_t H, Rng& rng, real) -> std::unique_ptr<RecurrentCell> {
                     return std::make_unique<MGUCell>(E, H, rng);
                   }});

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

struct Data {
  Splits splits = reliability::tiny_copy_task(16, 6);
  Vocab src, tgt;
  Batch batch;
  Data() {
    std::tie(src, tgt) = build_vocabs(splits.train);
    std::vector<const Example*> ex;
    for (size_t i = 0; i < 4; ++i) ex.push_back(&splits.train[i]);
    batch = make_batch(ex, src, tgt);
  }
  ModelConfig config(bool attention) const {
    ModelConfig c = reliability::tiny_model_config(src.size(), tgt.size(), /*E=*/6, /*H=*/8);
    c.cell = kMGU;
    c.attention = attention;
    return c;
  }
};

}  // namespace

TEST_CASE("custom cell: a cell defined in a test file is in the registry and the CLI") {
  CHECK(kMGU != CellKind::rnn);
  CHECK(kMGU != CellKind::gru);
  CHECK(kMGU != CellKind::lstm);
  CHECK(cell_kind_from_name("mgu") == kMGU);
  CHECK(std::string(to_string(kMGU)) == "mgu");
  CHECK(cell_registry().at(kMGU).gates == 2);
  CHECK(cell_registry().names().front() == "rnn");  // built-ins first, in teaching order
  const FlagChoices c = cell_choices();
  CHECK(contains(c.names, "mgu"));
  CHECK(c.help.find("mgu: minimal gated unit") != std::string::npos);
  // A name is registered once.
  CHECK_THROWS_WITH_AS(register_cell({"mgu", "again", 2, cell_registry().at(kMGU).make}),
                       doctest::Contains("cell kind 'mgu' is already registered"), Error);
}

TEST_CASE("custom cell: make_cell builds it under both engines; no cell state") {
  for (Engine e : {Engine::reference, Engine::fast}) {
    EngineGuard g(e);
    Rng rng(1);
    auto cell = make_cell(kMGU, 3, 4, rng, /*forget_bias=*/1);
    CHECK(cell->kind() == kMGU);
    CHECK(cell->name() == "mgu");
    CHECK_FALSE(cell->has_cell_state());
    CHECK_FALSE(cell->zero_state(2).c.defined());
    const auto params = cell->named_parameters();
    REQUIRE(params.size() == 4);
    CHECK(params[0].first == "weight_ih");
    CHECK(params[0].second.shape() == Shape{8, 3});
    // An LSTM's final state (h, c) continues as this cell's h alone.
    const RecurrentState lstm_state{Var(Tensor::ones({2, 4})), Var(Tensor::ones({2, 4}))};
    CHECK_FALSE(cell->state_from(lstm_state).c.defined());
  }
}

TEST_CASE("custom cell: gradcheck (float64) of one step and three steps") {
  Rng rng(7);
  MGUCell cell(3, 4, rng);
  const std::vector<Tensor> in{Tensor::normal({2, 3}, rng), Tensor::normal({2, 3}, rng),
                               Tensor::normal({2, 3}, rng), Tensor::normal({2, 4}, rng)};
  auto run = [&](const std::vector<Var>& v, int steps) {
    RecurrentState s{v[3], Var()};
    std::vector<Var> hs;
    for (int t = 0; t < steps; ++t) hs.push_back((s = cell.step(v[t], s)).h);
    return stack(hs, 0);
  };
  S2S_CHECK_GRAD(gradcheck_module(
      "mgu 1 step", cell, [&](auto& v) { return run(v, 1); }, in));
  S2S_CHECK_GRAD(gradcheck_module(
      "mgu 3 steps", cell, [&](auto& v) { return run(v, 3); }, in));
}

TEST_CASE("custom cell: a model trains with it, and the config keeps its name") {
  const Data d;
  for (bool attention : {false, true}) {
    CAPTURE(attention);
    ModelConfig c = d.config(attention);
    c.bidirectional = attention;  // the encoder's bridge, for a cell without c
    c.decoder_layers = attention ? 2 : 1;
    // The CLI-level config: the name in checkpoints, and back.
    const Metadata m = config_to_metadata(c);
    CHECK(m.at("cell") == "mgu");
    CHECK(config_from_metadata(m).cell == kMGU);
    // The size estimate counts its 2 gates: an upper bound of the real count, and
    // between a 1-gate (rnn) and a 3-gate (gru) model of the same sizes.
    Seq2Seq model(c);
    CHECK(model.describe().find("mgu") != std::string::npos);
    const double count = static_cast<double>(model.num_parameters());
    ModelConfig rnn = c, gru = c;
    rnn.cell = CellKind::rnn;
    gru.cell = CellKind::gru;
    CHECK(estimate_budget(c).parameters >= count);
    CHECK(estimate_budget(rnn).parameters < estimate_budget(c).parameters);
    CHECK(estimate_budget(c).parameters < estimate_budget(gru).parameters);
    // Its parameters under the cells' names, e.g. decoder.cell.weight_hh (2H,H).
    int found = 0;
    for (const auto& [name, p] : model.named_parameters())
      if (name.ends_with("weight_hh")) {
        CAPTURE(name);
        CHECK(p.shape() == Shape{16, 8});
        ++found;
      }
    CHECK(found == (attention ? 4 : 2));  // encoder directions + decoder layers
    // One training step lowers the loss on its batch.
    Adam adam(model.parameters(), real(0.01));
    const double before = model.forward(d.batch).loss.item();
    adam.zero_grad();
    model.forward(d.batch).loss.backward();
    for (const auto& [name, p] : model.named_parameters())
      if (name.ends_with("weight_ih")) {
        CAPTURE(name);
        CHECK(max_abs(p.grad()) > 0);
      }
    adam.step();
    CHECK(model.forward(d.batch).loss.item() < before);
  }
}

TEST_CASE("custom cell: both engines give the same training step") {
  const Data d;
  ModelConfig c = d.config(true);
  c.attn.score = "additive";
  auto step = [&](Engine e) {
    EngineGuard g(e);
    Seq2Seq model(c);
    ForwardOutput out = model.forward(d.batch);
    out.loss.backward();
    std::vector<Tensor> grads;
    for (const Var& p : model.parameters()) grads.push_back(p.grad());
    return std::make_pair(out.loss.item(), grads);
  };
  const auto [ref_loss, ref_grads] = step(Engine::reference);
  const auto [fast_loss, fast_grads] = step(Engine::fast);
  CHECK(fast_loss == doctest::Approx(ref_loss).epsilon(1e-9));
  REQUIRE(fast_grads.size() == ref_grads.size());
  for (size_t i = 0; i < ref_grads.size(); ++i)
    CHECK(allclose(fast_grads[i], ref_grads[i], 1e-8, 1e-10));
}
