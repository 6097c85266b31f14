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

TEST_CASE("data: split_pairs dedupes and splits by fraction") {
  std::vector<Example> pairs;
  for (int i = 0; i < 100; ++i) pairs.push_back({{fmt::format("w{}", i)}, {"x"}, {}});
  pairs.push_back({{"w3"}, {"other"}, {}});  // duplicate source
  Splits s = split_pairs(pairs, 0.1, 0.2, 9);
  CHECK(s.train.size() == 70);
  CHECK(s.valid.size() == 10);
  CHECK(s.test.size() == 20);
  std::set<std::string> train;
  for (const auto& e : s.train) train.insert(e.src[0]);
  for (const auto& e : s.test) CHECK(train.count(e.src[0]) == 0);
  CHECK(split_pairs(pairs, 0.1, 0.2, 9).test[0].src == s.test[0].src);  // seeded
  CHECK_THROWS_WITH_AS(split_pairs(pairs, 0.6, 0.6, 1), doctest::Contains("summing to <= 1"),
                       Error);
}
