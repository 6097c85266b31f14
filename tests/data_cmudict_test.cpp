// The CMU dictionary task: Festival's entry format, stress, skipped words,
// first entry wins, and the hash split (seq2seq/data/cmudict.hpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.hpp"
#include "seq2seq/data/cmudict.hpp"
#include "seq2seq/data/task.hpp"

using namespace s2s;

namespace {
const std::string kSample = std::string(S2S_TEST_DATA_DIR) + "/cmudict_sample.out";

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& t : v) s += (s.empty() ? "" : " ") + t;
  return s;
}
const Example* find_word(const Splits& s, const std::string& word) {
  for (const auto* split : {&s.train, &s.valid, &s.test})
    for (const Example& e : *split)
      if (joined(e.src) == word) return &e;
  return nullptr;
}
std::string temp_file(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p.string();
}
}  // namespace

TEST_CASE("cmudict: an entry's syllables become phones; stress is dropped or kept on vowels") {
  std::string word;
  std::vector<std::string> phones;
  const std::string line = R"(("phoenix" nil (((f iy) 1) ((n ih k s) 0))))";
  REQUIRE(parse_cmudict_line(line, false, word, phones));
  CHECK(word == "phoenix");
  CHECK(joined(phones) == "f iy n ih k s");
  REQUIRE(parse_cmudict_line(line, true, word, phones));
  CHECK(joined(phones) == "f iy1 n ih0 k s");  // consonants never carry stress
  CHECK_FALSE(parse_cmudict_line("MNCL", false, word, phones));
  CHECK_FALSE(parse_cmudict_line("", false, word, phones));
  CHECK_THROWS_AS(parse_cmudict_line(R"(("cat" nil (((k ae t)))))", false, word, phones), Error);
  CHECK_THROWS_AS(parse_cmudict_line(R"(("cat" nil))", false, word, phones), Error);
}

TEST_CASE("cmudict: the sample loads; letters in, phones out; non-letters skipped; first entry") {
  CmudictStats st;
  Splits s = load_cmudict(kSample, {}, &st);
  CHECK(st.entries == 233);
  CHECK(st.skipped_chars == 1);      // o'clock
  CHECK(st.skipped_duplicate == 1);  // the second "a"
  CHECK(s.train.size() + s.valid.size() + s.test.size() == 231);
  const Example* knight = find_word(s, "k n i g h t");
  REQUIRE(knight != nullptr);
  CHECK(joined(knight->tgt) == "n ay t");
  const Example* a = find_word(s, "a");
  REQUIRE(a != nullptr);
  CHECK(joined(a->tgt) == "ax");              // ("a" dt ...) comes before ("a" n (((ey) 1)))
  CHECK(find_word(s, "a g h a") != nullptr);  // "Agha" is lower-cased
  CHECK(find_word(s, "o ' c l o c k") == nullptr);
  for (const auto* split : {&s.train, &s.valid, &s.test})
    for (const Example& e : *split)
      for (const std::string& p : e.tgt) CHECK(p.find_first_of("012") == std::string::npos);
  Splits stressed = load_cmudict(kSample, {.stress = true});
  CHECK(joined(find_word(stressed, "k n i g h t")->tgt) == "n ay1 t");
}

TEST_CASE("cmudict: the split depends on the word alone, not on file order or other words") {
  // FNV-1a 64 of the word, % 100: < 90 train, < 95 valid, else test.
  CHECK(cmudict_split_of("knight") == cmudict_split_of("knight"));
  Splits s = load_cmudict(kSample);
  CHECK(s.train.size() > 150);  // about 90%
  CHECK(!s.valid.empty());
  CHECK(!s.test.empty());
  // The same entries, reversed and with half of them removed: every word that is
  // left lands in the same split.
  std::ifstream in(kSample);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::vector<std::string> kept;
  for (size_t i = 0; i < lines.size(); i += 2) kept.push_back(lines[i]);
  std::reverse(kept.begin(), kept.end());
  std::string text;
  for (const auto& l : kept) text += l + "\n";
  Splits t = load_cmudict(temp_file("s2s_cmudict_shuffled.out", text));
  auto words = [](const std::vector<Example>& v) {
    std::set<std::string> w;
    for (const Example& e : v) w.insert(joined(e.src));
    return w;
  };
  for (const auto& [mine, full] :
       {std::pair{&t.train, &s.train}, {&t.valid, &s.valid}, {&t.test, &s.test}}) {
    const auto a = words(*mine), b = words(*full);
    for (const std::string& w : a) CHECK_MESSAGE(b.count(w) == 1, w);
  }
  // Test never shares a word with train.
  for (const std::string& w : words(s.test)) CHECK(words(s.train).count(w) == 0);
}

TEST_CASE("cmudict: a missing file or a malformed entry is refused with its name and line") {
  CHECK_THROWS_WITH_AS(load_cmudict("/nonexistent/cmudict.out"), doctest::Contains("festlex-cmu"),
                       Error);
  const std::string bad = temp_file(
      "s2s_cmudict_bad.out", "MNCL\n(\"cat\" nil (((k ae t) 1)))\n(\"dog\" nil (((d ao g)\n");
  CHECK_THROWS_WITH_AS(load_cmudict(bad), doctest::Contains("s2s_cmudict_bad.out:3"), Error);
}

TEST_CASE("cmudict task: --dict and --stress reach the loader; sizes cut the splits") {
  TaskConfig tc;
  tc.dict = kSample;
  tc.n_train = 50;
  tc.n_valid = 0;
  tc.n_test = 0;
  Splits s = make_task("cmudict", tc);
  CHECK(s.train.size() == 50);
  CHECK(!s.valid.empty());
  tc.stress = true;
  Splits st = make_task("cmudict", tc);
  bool any_digit = false;
  for (const Example& e : st.train)
    for (const std::string& p : e.tgt) any_digit |= p.back() == '1' || p.back() == '0';
  CHECK(any_digit);
}
