// Fast equals reference, as one contract (core/engine.hpp, core/fast/fast.hpp).
//
// For every cell × score × placement × variant of the attention decoder, and
// every cell of the bottleneck decoder, one training step of the same model in
// both engines gives the same loss and every parameter's gradient, within
// kRtol/kAtol. The walk over the reference step's graph finds only reference
// ops (no fused op), and the fast step's graph does use them where they exist,
// so neither half of the contract holds by accident.
#include <doctest/doctest.h>

#include <set>
#include <unordered_set>

#include "attention/variant.hpp"
#include "core/engine.hpp"
#include "core/error.hpp"
#include "core/fast/fast.hpp"
#include "core/tensor_math.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/model/placement.hpp"
#include "seq2seq/model/seq2seq.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

// Float: the fast engine's exp/tanh/sigmoid are within ~1e-6 of libm's and the
// fused ops sum in another order, a few ulp per op through a 10-step unroll.
// Double: only the summation order differs (the fast functions are float-only).
// Measured 2026-11-30: every configuration also passes at a tenth of these
// (float 1e-5/1e-7, double 1e-13/1e-15).
const double kRtol = kDoublePrecision ? 1e-12 : 1e-4;
const double kAtol = kDoublePrecision ? 1e-14 : 1e-6;

struct Step {
  double loss = 0;
  std::vector<std::pair<std::string, Tensor>> grads;  // every parameter, by name
  std::set<std::string> ops;                          // the ops in the step's graph
};

// Every op name in the graph that produced v (walked before backward frees it).
std::set<std::string> graph_ops(const Var& v) {
  std::set<std::string> ops;
  std::unordered_set<const Node*> seen{v.node()};
  std::vector<const Node*> stack{v.node()};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    ops.insert(n->op);
    for (const auto& in : n->inputs)
      if (seen.insert(in.get()).second) stack.push_back(in.get());
  }
  return ops;
}

// One training step (forward, backward) of a fresh model from cfg under engine e.
Step train_step(const ModelConfig& cfg, const Batch& b, Engine e) {
  EngineGuard engine(e);
  Seq2Seq model(cfg);
  ForwardOutput out = model.forward(b);
  Step s{out.loss.item(), {}, graph_ops(out.loss)};
  out.loss.backward();
  for (const auto& [name, p] : model.named_parameters()) s.grads.emplace_back(name, p.grad());
  return s;
}

struct Fixture {
  Splits data;
  Vocab src, tgt;
  Batch batch;
  Fixture() {
    TaskConfig tc;
    tc.seed = 5;
    tc.n_train = 40;
    tc.n_valid = 4;
    tc.n_test = 4;
    tc.min_len = 2;
    tc.max_len = 7;
    data = make_task("reverse", tc);
    std::tie(src, tgt) = build_vocabs(data.train);
    std::vector<const Example*> ex;
    for (size_t r = 0; r < 3; ++r) ex.push_back(&data.train[r]);  // lengths differ: padding
    batch = make_batch(ex, src, tgt);
  }
  ModelConfig config(CellKind cell, bool attention) const {
    ModelConfig c;
    c.cell = cell;
    c.src_vocab = src.size();
    c.tgt_vocab = tgt.size();
    c.embed = 5;
    c.hidden = 6;
    c.attention = attention;
    c.attn.max_src_len = 12;
    c.attn.window = 2;
    c.seed = 9;
    return c;
  }
};

bool has_fused_op(const std::set<std::string>& ops) {
  for (const std::string& f : fused_op_names())
    if (ops.count(f)) return true;
  return false;
}

// The contract for one configuration.
void check_contract(const ModelConfig& cfg, const Batch& b, const std::string& what) {
  CAPTURE(what);
  const Step fast = train_step(cfg, b, Engine::fast);
  const Step ref = train_step(cfg, b, Engine::reference);
  CHECK(std::isfinite(ref.loss));
  CHECK(fast.loss == doctest::Approx(ref.loss).epsilon(kRtol));
  REQUIRE(fast.grads.size() == ref.grads.size());
  for (size_t i = 0; i < ref.grads.size(); ++i) {
    CAPTURE(ref.grads[i].first);
    REQUIRE(fast.grads[i].first == ref.grads[i].first);
    CHECK(allclose(fast.grads[i].second, ref.grads[i].second, kRtol, kAtol));
  }
  for (const std::string& f : fused_op_names()) {
    CAPTURE(f);
    CHECK(ref.ops.count(f) == 0);  // the reference engine ran no fused op
  }
  // LSTM and GRU cells always have a fused step: the fast engine must use it.
  if (cfg.cell != CellKind::rnn) CHECK(has_fused_op(fast.ops));
}

void check_decoders_of_cell(CellKind cell) {
  const Fixture f;
  const size_t n_scores = score_names().size(), n_variants = variant_registry().size(),
               n_placements = placement_registry().size();
  int checked = 0;
  for (bool summary : {false, true}) {  // the bottleneck decoder
    ModelConfig c = f.config(cell, false);
    c.feed_summary = summary;
    c.reverse_source = summary;
    check_contract(c, f.batch,
                   fmt::format("{} bottleneck feed_summary={}", to_string(cell), summary));
    ++checked;
  }
  for (const VariantEntry& variant : variant_registry().entries())
    for (const std::string& score : score_names())
      for (const PlacementEntry& placement : placement_registry().entries()) {
        ModelConfig c = f.config(cell, true);
        c.attn.variant = variant.kind;
        c.attn.score = score;
        c.attn.placement = placement.kind;
        check_contract(
            c, f.batch,
            fmt::format("{} {} {} {}", to_string(cell), variant.name, score, placement.name));
        ++checked;
      }
  for (const std::string& score : score_names()) {  // decoder self-attention, 2-layer encoder
    ModelConfig c = f.config(cell, true);
    c.attn.score = score;
    c.attn.self_attention = true;
    c.layers = 2;
    check_contract(c, f.batch, fmt::format("{} self-attention {} 2-layer", to_string(cell), score));
    ++checked;
  }
  ModelConfig bi = f.config(cell, true);  // a bidirectional encoder (keys of size 2H)
  bi.attn.score = "additive";
  bi.bidirectional = true;
  check_contract(bi, f.batch, fmt::format("{} bidirectional additive", to_string(cell)));
  ++checked;
  CHECK(checked == static_cast<int>(3 + n_variants * n_scores * n_placements + n_scores));
}

}  // namespace

// One test case per built-in cell (a new cell of the library adds a line here).
TEST_CASE("engine contract: rnn decoders (every score × placement × variant)") {
  check_decoders_of_cell(CellKind::rnn);
}
TEST_CASE("engine contract: gru decoders (every score × placement × variant)") {
  check_decoders_of_cell(CellKind::gru);
}
TEST_CASE("engine contract: lstm decoders (every score × placement × variant)") {
  check_decoders_of_cell(CellKind::lstm);
}
TEST_CASE("engine contract: a fused op under the reference engine is an error") {
  EngineGuard reference(Engine::reference);
  const Var h(Tensor({2, 3})), p(Tensor({2, 9})), q(Tensor({2, 12}));
  CHECK_THROWS_WITH_AS(gru_hidden(p, p, h), doctest::Contains("gru_hidden is a fused op"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(lstm_cell_update(q, h), doctest::Contains("lstm_cell_update is a fused"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(lstm_hidden(q, h), doctest::Contains("lstm_hidden is a fused"), s2s::Error);
  const Var kp(Tensor({2, 4, 3})), qp(Tensor({2, 3})), v(Tensor({3}));
  CHECK_THROWS_WITH_AS(additive_scores(kp, qp, v), doctest::Contains("additive_scores is a fused"),
                       s2s::Error);
  CHECK_THROWS_WITH_AS(fused_weighted_sum(Var(Tensor({2, 4})), kp),
                       doctest::Contains("fused_weighted_sum is a fused"), s2s::Error);
  const Var W(Tensor({3, 3}));
  CHECK_THROWS_WITH_AS(linear_add(h, W, nullptr, h), doctest::Contains("linear_add is a fused"),
                       s2s::Error);
}

TEST_CASE("engine: parse, name, guard and the S2S_ENGINE default") {
  CHECK(parse_engine("reference") == Engine::reference);
  CHECK(parse_engine("fast") == Engine::fast);
  CHECK(std::string(engine_name(Engine::reference)) == "reference");
  CHECK_THROWS_WITH_AS(parse_engine("quick"),
                       doctest::Contains("engine must be 'reference' or 'fast', got 'quick'"),
                       s2s::Error);
  const Engine before = engine();
  {
    EngineGuard g(before == Engine::fast ? Engine::reference : Engine::fast);
    CHECK(engine() != before);
  }
  CHECK(engine() == before);
}
