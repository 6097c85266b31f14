// Registries: one list per concept. Every enum value has exactly one entry, names
// round-trip, checkpoints keep the names they always had, and an unknown name is an
// error that lists the known ones.
#include <doctest/doctest.h>

#include "attention/score_registry.hpp"
#include "attention/variant.hpp"
#include "nn/recurrent_cell.hpp"
#include "seq2seq/cli_choices.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/model/checkpoint.hpp"

using namespace s2s;

TEST_CASE("registry: enum values and names round-trip, on-disk names unchanged") {
  for (const CellEntry& e : cell_registry().entries()) {
    CHECK(cell_kind_from_name(e.name) == e.kind);
    CHECK(std::string(to_string(e.kind)) == e.name);
  }
  for (const VariantEntry& e : variant_registry().entries()) {
    CHECK(variant_from_name(e.name) == e.kind);
    CHECK(std::string(to_string(e.kind)) == e.name);
  }
  for (const PlacementEntry& e : placement_registry().entries()) {
    CHECK(placement_from_name(e.name) == e.kind);
    CHECK(std::string(to_string(e.kind)) == e.name);
  }
  // The names checkpoints have always stored. The built-in cells come first; a test
  // binary may register more (tests/gradcheck/custom_cell_test.cpp).
  const std::vector<std::string> cells = cell_registry().names();
  REQUIRE(cells.size() >= 3);
  CHECK(std::vector<std::string>(cells.begin(), cells.begin() + 3) ==
        std::vector<std::string>{"rnn", "gru", "lstm"});
  CHECK(variant_registry().names() ==
        std::vector<std::string>{"global", "local-m", "local-p", "key-value"});
  CHECK(placement_registry().names() ==
        std::vector<std::string>{"input", "output", "both", "input_feeding"});
  for (const char* s :
       {"dot", "scaled_dot", "general", "additive", "location", "cosine", "location_aware"})
    CHECK(score_registry().find_or_null(s) != nullptr);
  CHECK(task_names() == std::vector<std::string>{"copy", "reverse", "sort", "dates", "toy_en_es",
                                                 "cmudict", "repeat"});
}

TEST_CASE("registry: a checkpoint's config round-trips through the names") {
  ModelConfig c;
  c.cell = CellKind::lstm;
  c.attn.variant = AttentionVariant::local_p;
  c.attn.placement = Placement::input_feeding;
  c.attn.score = "additive";
  Metadata m = config_to_metadata(c);
  CHECK(m.at("cell") == "lstm");
  CHECK(m.at("variant") == "local-p");
  CHECK(m.at("placement") == "input_feeding");
  CHECK(m.at("score") == "additive");
  ModelConfig back = config_from_metadata(m);
  CHECK(back.cell == CellKind::lstm);
  CHECK(back.attn.variant == AttentionVariant::local_p);
  CHECK(back.attn.placement == Placement::input_feeding);
  m["cell"] = "transformer";
  CHECK_THROWS_WITH_AS(config_from_metadata(m),
                       doctest::Contains("unknown cell kind 'transformer'; known: rnn, gru, lstm"),
                       Error);
}

TEST_CASE("registry: unknown names list the known ones; names are unique") {
  CHECK_THROWS_WITH_AS(variant_from_name("global-ish"),
                       doctest::Contains("known: global, local-m, local-p, key-value"), Error);
  CHECK_THROWS_WITH_AS(placement_from_name("middle"),
                       doctest::Contains("known: input, output, both, input_feeding"), Error);
  CHECK_THROWS_WITH_AS(make_task("copyy", {}), doctest::Contains("known: copy, reverse"), Error);
  CHECK_THROWS_WITH_AS(score_registry().add({"dot", "again", nullptr}),
                       doctest::Contains("score function 'dot' is already registered"), Error);
}

TEST_CASE("registry: the CLI's choices are the registries' names") {
  CHECK(cell_choices().names == cell_registry().names());
  CHECK(variant_choices().names == variant_registry().names());
  CHECK(placement_choices().names == placement_registry().names());
  CHECK(task_choices().names == task_names());
  std::vector<std::string> scores = score_names();
  scores.push_back("none");
  CHECK(attention_choices().names == scores);
  CHECK(cell_choices().help.find("lstm: long short-term memory") != std::string::npos);
}
