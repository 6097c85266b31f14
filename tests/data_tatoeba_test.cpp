// Tatoeba loader on a small fixture with two malformed lines (7 and 13).
#include <doctest/doctest.h>

#include <set>

#include "core/error.hpp"
#include "seq2seq/data/tatoeba.hpp"

using namespace s2s;

namespace {
const std::string kSample = std::string(S2S_TEST_DATA_DIR) + "/tatoeba_sample.tsv";
}

TEST_CASE("data: tatoeba loads pairs and warns about malformed lines") {
  TatoebaData d = load_tatoeba(kSample);
  CHECK(d.pairs.size() == 18);
  REQUIRE(d.warnings.size() == 2);
  CHECK(d.warnings[0].find("line 7: expected 'source<TAB>target'") != std::string::npos);
  CHECK(d.warnings[1].find("line 13:") != std::string::npos);
  // Attribution columns are ignored; text is tokenised.
  CHECK(d.pairs[0].src == std::vector<std::string>{"go", "."});
  CHECK(d.pairs[0].tgt == std::vector<std::string>{"ve", "."});
  CHECK(d.pairs[0].align.empty());
}

TEST_CASE("data: tatoeba prefix and length filters") {
  TatoebaOptions opt;
  opt.prefixes = {"I am", "he is"};
  TatoebaData d = load_tatoeba(kSample, opt);
  CHECK(d.pairs.size() == 10);
  for (const auto& p : d.pairs) CHECK((p.src[0] == "i" || p.src[0] == "he"));
  opt.max_len = 5;
  CHECK(load_tatoeba(kSample, opt).pairs.size() == 9);  // drops "i am not sure , but ..."
}

TEST_CASE("data: tatoeba strict mode and missing file") {
  TatoebaOptions opt;
  opt.strict = true;
  CHECK_THROWS_WITH_AS(load_tatoeba(kSample, opt),
                       doctest::Contains("tatoeba: line 7: expected 'source<TAB>target', got "
                                         "'This line has no tab at all'"),
                       Error);
  CHECK_THROWS_WITH_AS(load_tatoeba("/nonexistent/pairs.tsv"),
                       doctest::Contains("cannot open '/nonexistent/pairs.tsv'"), Error);
}

TEST_CASE("data: split_pairs splits sources by fraction; a repeated source is one example") {
  std::vector<Example> pairs;
  for (int i = 0; i < 100; ++i) pairs.push_back({{fmt::format("w{}", i)}, {"x"}, {}});
  pairs.push_back({{"w3"}, {"other"}, {}});  // a second target of w3
  pairs.push_back({{"w3"}, {"x"}, {}});      // a repeated pair counts once
  Splits s = split_pairs(pairs, 0.1, 0.2, 9);
  CHECK(s.valid.size() == 10);
  CHECK(s.test.size() == 20);
  std::set<std::string> train;
  int w3_pairs = 0;
  for (const auto& e : s.train) train.insert(e.src[0]), w3_pairs += e.src[0] == "w3";
  CHECK(train.size() == 70);
  CHECK(s.train.size() == 70 + (w3_pairs == 2 ? 1 : 0));  // in train: one pair per target
  for (const auto& e : s.test) CHECK(train.count(e.src[0]) == 0);
  for (const auto* split : {&s.valid, &s.test})
    for (const auto& e : *split)
      if (e.src[0] == "w3") {  // in valid or test: one example, both references
        CHECK(e.tgt == std::vector<std::string>{"x"});
        CHECK(e.other_tgts == std::vector<std::vector<std::string>>{{"other"}});
      }
  CHECK((w3_pairs == 2) != (train.count("w3") == 0));
  CHECK(split_pairs(pairs, 0.1, 0.2, 9).test[0].src == s.test[0].src);  // seeded
  CHECK_THROWS_WITH_AS(split_pairs(pairs, 0.6, 0.6, 1), doctest::Contains("summing to <= 1"),
                       Error);
}

TEST_CASE("data: group_by_source and one_pair_per_target undo each other") {
  std::vector<Example> pairs = {{{"b"}, {"1"}, {}},
                                {{"a"}, {"2"}, {}},
                                {{"b"}, {"3"}, {}},
                                {{"b"}, {"1"}, {}},
                                {{"a", "c"}, {"4"}, {}}};
  const std::vector<Example> g = group_by_source(pairs);
  REQUIRE(g.size() == 3);  // b, a, "a c" in the order they first appear
  CHECK(g[0].src == std::vector<std::string>{"b"});
  CHECK(g[0].tgt == std::vector<std::string>{"1"});
  CHECK(g[0].other_tgts == std::vector<std::vector<std::string>>{{"3"}});
  CHECK(g[1].other_tgts.empty());
  CHECK(g[2].src.size() == 2);
  const std::vector<Example> flat = one_pair_per_target(g);
  REQUIRE(flat.size() == 4);  // the repeated pair (b, 1) once
  CHECK(flat[1].src == std::vector<std::string>{"b"});
  CHECK(flat[1].tgt == std::vector<std::string>{"3"});
  for (const Example& e : flat) CHECK(e.other_tgts.empty());
}
