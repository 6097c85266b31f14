// The CMU dictionary task: Festival's and the plain format, stress, skipped
// words, every pronunciation, and the hash split (seq2seq/data/cmudict.hpp).
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

TEST_CASE(
    "cmudict: the sample loads; letters and apostrophes in, phones out; every pronunciation") {
  CmudictStats st;
  Splits s = load_cmudict(kSample, {}, &st);
  CHECK(st.format == DictFormat::festival);
  CHECK(st.entries == 233);
  CHECK(st.skipped_chars == 0);      // o'clock is kept: the apostrophe is a token
  CHECK(st.skipped_duplicate == 0);  // the two "a" differ: ax, ey
  CHECK(st.words == 232);
  CHECK(st.pronunciations == 233);
  CHECK(st.words_several == 1);
  CHECK(s.train.size() + s.valid.size() + s.test.size() == 232);  // "a" is a test word
  const Example* knight = find_word(s, "k n i g h t");
  REQUIRE(knight != nullptr);
  CHECK(joined(knight->tgt) == "n ay t");
  CHECK(knight->other_tgts.empty());
  REQUIRE(cmudict_split_of("a") == 2);
  const Example* a = find_word(s, "a");
  REQUIRE(a != nullptr);
  CHECK(joined(a->tgt) == "ax");  // ("a" dt ...) comes first in the file
  REQUIRE(a->other_tgts.size() == 1);
  CHECK(joined(a->other_tgts[0]) == "ey");
  CHECK(find_word(s, "a g h a") != nullptr);  // "Agha" is lower-cased
  CHECK(find_word(s, "o ' c l o c k") != nullptr);
  for (const auto* split : {&s.train, &s.valid, &s.test})
    for (const Example& e : *split)
      for (const std::string& p : e.tgt) CHECK(p.find_first_of("012") == std::string::npos);
  Splits stressed = load_cmudict(kSample, {.stress = true});
  CHECK(joined(find_word(stressed, "k n i g h t")->tgt) == "n ay1 t");
  // first_only: the word keeps ("a" dt ...), the other is counted as skipped.
  Splits first = load_cmudict(kSample, {.first_only = true}, &st);
  CHECK(find_word(first, "a")->other_tgts.empty());
  CHECK(st.skipped_duplicate == 1);
}

TEST_CASE("cmudict: the plain format (cmudict-0.7b), variants, comments, skipped words") {
  const std::string path = std::string(S2S_TEST_DATA_DIR) + "/cmudict_plain_sample.txt";
  CmudictStats st;
  Splits s = load_cmudict(path, {}, &st);
  CHECK(st.format == DictFormat::plain);
  CHECK(st.entries == 26);       // the #HASH-MARK line and the ;;; lines are comments
  CHECK(st.skipped_chars == 3);  // !EXCLAMATION-POINT, A., X-RAY
  CHECK(st.words_skipped_chars == 3);
  CHECK(st.skipped_duplicate == 1);  // PROJECT(1) is PROJECT without its stress
  CHECK(st.words == 15);
  CHECK(st.pronunciations == 22);
  CHECK(st.words_several == 7);  // a, either, live, present, read, roof, tomato
  CHECK(st.summary().find("15 words, 22 pronunciations (7 words with several)") !=
        std::string::npos);
  // Train: one pair per pronunciation; valid and test: one example per word.
  int read_pairs = 0;
  for (const Example& e : s.train) read_pairs += joined(e.src) == "r e a d";
  CHECK(read_pairs == 2);
  CHECK(s.train.size() == 13);   // 9 training words, 4 of them twice
  REQUIRE(s.valid.size() == 3);  // dog, project, roof
  REQUIRE(s.test.size() == 3);   // a, attention, live
  const Example* live = find_word(s, "l i v e");
  REQUIRE(live != nullptr);
  CHECK(joined(live->tgt) == "l ih v");
  REQUIRE(live->other_tgts.size() == 1);
  CHECK(joined(live->other_tgts[0]) == "l ay v");
  const Example* adults = find_word(s, "a d u l t s '");
  REQUIRE(adults != nullptr);
  CHECK(joined(adults->tgt) == "ah d ah l t s");
  CHECK(find_word(s, "a c t ' s") != nullptr);
  Splits stressed = load_cmudict(path, {.stress = true}, &st);
  CHECK(joined(find_word(stressed, "a d u l t s '")->tgt) == "ah0 d ah1 l t s");
  CHECK(st.skipped_duplicate == 0);  // with stress, the two PROJECTs differ
  CHECK(find_word(stressed, "p r o j e c t")->other_tgts.size() == 1);
}

TEST_CASE("cmudict: the plain format of cmudict.dict: lower case, one space, # comments") {
  const std::string path = std::string(S2S_TEST_DATA_DIR) + "/cmudict_dict_sample.txt";
  CmudictStats st;
  Splits s = load_cmudict(path, {}, &st);
  CHECK(st.format == DictFormat::plain);
  CHECK(st.skipped_chars == 1);  // e-mail
  CHECK(st.words == 9);
  CHECK(st.pronunciations == 13);
  CHECK(joined(find_word(s, "a b k h a z i a n")->tgt) == "ae b k aa z iy ah n");  // no comment
  CHECK(find_word(s, "' b o u t") != nullptr);
  CHECK(find_word(s, "z e b r a ' s") != nullptr);
  const Example* wind = find_word(s, "w i n d");  // a test word
  REQUIRE(wind != nullptr);
  CHECK(joined(wind->other_tgts.at(0)) == "w ay n d");
}

TEST_CASE("cmudict: the format is told from the first entry") {
  CHECK(detect_dict_format("MNCL\n(\"a\" nil (((ax) 0)))\n") == DictFormat::festival);
  CHECK(detect_dict_format(";;; comment\n# another\n\nA  AH0\n") == DictFormat::plain);
  CHECK(detect_dict_format("") == DictFormat::festival);
  std::string word;
  std::vector<std::string> phones;
  CHECK_FALSE(parse_plain_dict_line(";;; # CMUdict", false, word, phones));
  CHECK_FALSE(parse_plain_dict_line("   ", false, word, phones));
  REQUIRE(parse_plain_dict_line("READ(1)  R IY1 D", false, word, phones));
  CHECK(word == "READ");
  CHECK(joined(phones) == "r iy d");
  REQUIRE(parse_plain_dict_line("read(12) R IY1 D # a verb", true, word, phones));
  CHECK(word == "read");
  CHECK(joined(phones) == "r iy1 d");
  REQUIRE(parse_plain_dict_line("C#  S IY1 SH AA1 R P", false, word, phones));
  CHECK(word == "C#");  // "#" inside a word is no comment (the word is then skipped)
  CHECK_THROWS_WITH_AS(parse_plain_dict_line("CAT", false, word, phones),
                       doctest::Contains("has no phones"), Error);
  CHECK_THROWS_WITH_AS(parse_plain_dict_line("CAT  K AE1 T3", false, word, phones),
                       doctest::Contains("is not a phone"), Error);
  const std::string bad = temp_file("s2s_cmudict_bad_plain.txt", "A  AH0\nCAT  K AE1 (T)\n");
  CHECK_THROWS_WITH_AS(load_cmudict(bad), doctest::Contains("s2s_cmudict_bad_plain.txt:2"), Error);
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
