// Adding a score function takes its code and one registration line: this file
// defines one that the library has never seen, registers it with one line, and
// finds it in the registry, in the CLI's --attention choices and help, in a model,
// and in the gradient check of every score function and variant.
#include <doctest/doctest.h>

#include <algorithm>

#include "../attention_variants.hpp"
#include "nn/init.hpp"
#include "nn_module_check.hpp"
#include "seq2seq/cli_choices.hpp"
#include "seq2seq/model/checkpoint.hpp"

using namespace s2s;
using namespace s2s::testing;

namespace {

// e_i = tanh(qᵀ W k_i): the general score squashed into (-1, 1).
class MultiplicativeTanhScore : public ScoreFunction {
 public:
  MultiplicativeTanhScore(int64_t Hq, int64_t Hk, Rng& rng)
      : ScoreFunction("multiplicative_tanh", Hq, Hk) {
    W = register_parameter("W", init::uniform_fan_in({Hq, Hk}, Hk, rng));
  }
  Var score(const Var& query, const Var& keys, const ScoreContext&) const override {
    check_inputs(query, keys);
    return tanh(keys_dot(keys, matmul(query, W)));  // (B,S): tanh(u · k_i), u = qᵀ W (B,Hk)
  }

  Var W;  // (Hq,Hk)
};

// The one registration line.
const ScoreRegistrar reg{{"multiplicative_tanh", "e_i = tanh(qᵀ W k_i) (a test's own score)",
                          [](const ScoreSizes& s, Rng& rng) -> std::unique_ptr<ScoreFunction> {
                            return std::make_unique<MultiplicativeTanhScore>(s.Hq, s.Hk, rng);
                          }}};

const char* const kName = "multiplicative_tanh";

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_CASE("custom score: a score defined in a test file is in the registry") {
  CHECK(contains(score_names(), kName));
  CHECK(score_names().front() == "dot");  // built-ins first, in teaching order
  Rng rng(1);
  auto f = make_score(kName, 3, 4, 5, 7, rng);
  CHECK(f->name() == kName);
  // Its parameters, by name.
  auto params = f->named_parameters();
  REQUIRE(params.size() == 1);
  CHECK(params[0].first == "W");
  CHECK(params[0].second.shape() == Shape{3, 4});
}

TEST_CASE("custom score: the CLI lists it with its help line") {
  const FlagChoices c = attention_choices();
  CHECK(contains(c.names, kName));
  CHECK(contains(c.names, "none"));
  CHECK(c.help.find("multiplicative_tanh: e_i = tanh(qᵀ W k_i)") != std::string::npos);
}

TEST_CASE("custom score: gradcheck in global and local attention, and in every variant list") {
  Rng rng(21);
  const int64_t B = 2, S = 4;
  const Tensor mask = mask_from_lengths({4, 3}, S);
  std::vector<Variant> variants;
  variants.push_back(attention_variant(kName, rng));
  variants.push_back(local_variant(LocalMode::predictive, kName, rng));
  for (Variant& v : variants) {
    CAPTURE(v.name);
    std::vector<Tensor> inputs{Tensor::normal({B, v.Hq}, rng), Tensor::normal({B, S, v.Hk}, rng),
                               Tensor::normal({B, S, v.Hv}, rng)};
    auto f = [&](const std::vector<Var>& in) {
      ScoreContext ctx;
      ctx.step = 1;
      return v.run(in[0], in[1], in[2], mask, ctx).context;
    };
    S2S_CHECK_GRAD(gradcheck_module(v.name, *v.module, f, inputs));
  }
  // all_variants reads the registry, so the big gradcheck covers it too.
  Rng rng2(11);
  int found = 0;
  for (const Variant& v : all_variants(rng2)) found += v.name == std::string("attention/") + kName;
  CHECK(found == 1);
}

TEST_CASE("custom score: a model uses it by name, and checkpoints keep the name") {
  ModelConfig c;
  c.src_vocab = c.tgt_vocab = 8;
  c.embed = 4;
  c.hidden = 5;
  c.attn.score = kName;
  Seq2Seq m(c);
  CHECK(m.describe().find(kName) != std::string::npos);
  CHECK(config_from_metadata(config_to_metadata(c)).attn.score == kName);
}
