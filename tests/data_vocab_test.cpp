// Vocab and tokenizer: ids, specials, round trips, file format and errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/real.hpp"
#include "seq2seq/data/tokenizer.hpp"
#include "seq2seq/data/vocab.hpp"

using namespace s2s;

namespace {
std::string temp_path(const std::string& name) {  // f32 and f64 tests may run at once
  auto dir = std::filesystem::temp_directory_path() / (std::string("s2s_data_test_") + kRealName);
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}
}  // namespace

TEST_CASE("data: vocab specials, add, id, word") {
  Vocab v;
  CHECK(v.size() == 4);
  CHECK(v.word(kPad) == "<pad>");
  CHECK(v.word(kSos) == "<sos>");
  CHECK(v.word(kEos) == "<eos>");
  CHECK(v.word(kUnk) == "<unk>");
  int64_t cat = v.add("cat");
  CHECK(cat == 4);
  CHECK(v.add("cat") == 4);  // adding again keeps the id
  CHECK(v.id("cat") == 4);
  CHECK(v.id("dog") == kUnk);
  CHECK(v.size() == 5);
  CHECK_THROWS_WITH_AS(v.word(99), doctest::Contains("id 99 out of range for vocab of size 5"),
                       Error);
  CHECK_THROWS_WITH_AS(v.word(-1), doctest::Contains("id -1"), Error);
}

TEST_CASE("data: vocab encode/decode") {
  Vocab v;
  v.add("a");
  v.add("b");
  CHECK(v.encode({"a", "zzz", "b"}) == std::vector<int64_t>{4, kUnk, 5});
  std::vector<int64_t> out = {kSos, 4, 5, kEos, 4, kPad};
  CHECK(v.decode(out) == std::vector<std::string>{"a", "b"});
  CHECK(v.decode(out, false) == std::vector<std::string>{"<sos>", "a", "b", "<eos>", "a", "<pad>"});
}

TEST_CASE("data: vocab build orders by frequency and applies min_count") {
  Vocab v = Vocab::build({{"b", "a", "c"}, {"a", "c", "a"}, {"d"}}, 2);
  // counts: a=3, c=2, b=1, d=1 -> keep a, c
  CHECK(v.size() == 6);
  CHECK(v.id("a") == 4);
  CHECK(v.id("c") == 5);
  CHECK(v.id("b") == kUnk);
  Vocab all = Vocab::build({{"y", "x"}});  // tie -> alphabetical
  CHECK(all.word(4) == "x");
  CHECK(all.word(5) == "y");
}

TEST_CASE("data: vocab save/load round trip and errors") {
  Vocab v = Vocab::build({{"niña", "come", "la", "manzana"}});
  std::string path = temp_path("vocab.txt");
  v.save(path);
  Vocab w = Vocab::load(path);
  CHECK(w.words() == v.words());
  CHECK(w.id("niña") == v.id("niña"));

  CHECK_THROWS_WITH_AS(Vocab::load(temp_path("missing_vocab.txt")),
                       doctest::Contains("cannot open"), Error);
  std::string bad = temp_path("bad_vocab.txt");
  {
    std::ofstream f(bad);
    f << "<pad>\n<sos>\nhello\n";
  }
  CHECK_THROWS_WITH_AS(Vocab::load(bad), doctest::Contains("line 3: expected special token <eos>"),
                       Error);
  {
    std::ofstream f(bad);
    f << "<pad>\n<sos>\n<eos>\n<unk>\na\na\n";
  }
  CHECK_THROWS_WITH_AS(Vocab::load(bad), doctest::Contains("line 6: duplicate token 'a'"), Error);
}

TEST_CASE("data: tokenizer lowercases and splits punctuation") {
  using V = std::vector<std::string>;
  CHECK(tokenize("¿Dónde está, Tom?") == V{"¿", "dónde", "está", ",", "tom", "?"});
  CHECK(tokenize("  Hello\tWORLD!!  ") == V{"hello", "world", "!", "!"});
  CHECK(tokenize("He said \"no\" (twice); ok: ¡Sí.") ==
        V{"he", "said", "\"", "no", "\"", "(", "twice", ")", ";", "ok", ":", "¡", "sí", "."});
  CHECK(tokenize("ÉL").front() == "Él");  // non-ASCII bytes are left intact
  CHECK(tokenize("   ").empty());
}

TEST_CASE("data: detokenize glues punctuation") {
  CHECK(detokenize({"¿", "dónde", "está", ",", "tom", "?"}) == "¿dónde está, tom?");
  CHECK(detokenize({"he", "said", "\"", "no", "\"", "(", "twice", ")", "."}) ==
        "he said \"no\" (twice).");
  CHECK(detokenize({}).empty());
}
