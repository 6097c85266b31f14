#include "seq2seq/data/cmudict.hpp"

#include <fstream>
#include <unordered_set>

#include "core/error.hpp"
#include "seq2seq/data/read_limits.hpp"

namespace s2s {

namespace {
bool is_vowel(const std::string& p) {
  static const std::unordered_set<std::string> v = {"aa",  "ae", "ah", "ao", "aw", "ax",
                                                    "axr", "ay", "eh", "er", "ey", "ih",
                                                    "ix",  "iy", "ow", "oy", "uh", "uw"};
  return v.count(p) > 0;
}
}  // namespace

int cmudict_split_of(const std::string& word) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64
  for (unsigned char c : word) h = (h ^ c) * 1099511628211ull;
  const uint64_t r = h % 100;
  return r < 90 ? 0 : r < 95 ? 1 : 2;
}

bool parse_cmudict_line(const std::string& line, bool stress, std::string& word,
                        std::vector<std::string>& phones) {
  word.clear();
  phones.clear();
  if (line.size() < 2 || line[0] != '(' || line[1] != '"') return false;
  const size_t end = line.find('"', 2);
  S2S_CHECK(end != std::string::npos, "no closing quote after the word");
  word = line.substr(2, end - 2);
  // Skip the part of speech, up to the syllable list "(((".
  const size_t syl = line.find("((", end);
  S2S_CHECK(syl != std::string::npos, "no syllable list after the word \"{}\"", word);
  // Syllables: "(" phones... ")" digit ")" ; collect phones, then the digit.
  size_t i = syl + 1;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size() || line[i] != '(') break;  // end of the syllable list
    S2S_CHECK(i + 1 < line.size() && line[i + 1] == '(', "bad syllable in \"{}\"", word);
    const size_t close = line.find(')', i + 2);
    S2S_CHECK(close != std::string::npos, "unclosed syllable in \"{}\"", word);
    std::vector<std::string> syllable;
    size_t p = i + 2;
    while (p < close) {
      while (p < close && line[p] == ' ') ++p;
      size_t q = p;
      while (q < close && line[q] != ' ') ++q;
      if (q > p) syllable.push_back(line.substr(p, q - p));
      p = q;
    }
    S2S_CHECK(!syllable.empty(), "empty syllable in \"{}\"", word);
    size_t d = close + 1;
    while (d < line.size() && line[d] == ' ') ++d;
    S2S_CHECK(d < line.size() && (line[d] == '0' || line[d] == '1' || line[d] == '2'),
              "a syllable of \"{}\" has no stress digit", word);
    const char digit = line[d];
    for (std::string& ph : syllable) {
      if (stress && is_vowel(ph)) ph += digit;
      phones.push_back(std::move(ph));
    }
    const size_t after = line.find(')', d);
    S2S_CHECK(after != std::string::npos, "unclosed syllable in \"{}\"", word);
    i = after + 1;
  }
  S2S_CHECK(!phones.empty(), "the word \"{}\" has no phones", word);
  return true;
}

Splits load_cmudict(const std::string& path, const CmudictOptions& opt, CmudictStats* stats) {
  const TextLimits lim = sequence_file_limits(kMaxDictBytes, opt.max_len, opt.timeout_seconds);
  std::string text;
  try {
    text = read_text_file(path, fmt::format("the CMU dictionary '{}'", path), lim);
  } catch (const Error& e) {
    throw Error(
        fmt::format("{} (Debian: apt-get install festlex-cmu; or give the file with --dict "
                    "FILE)",
                    e.what()));
  }
  CmudictStats st;
  Splits s;
  std::unordered_set<std::string> seen;
  std::string line, word;
  std::vector<std::string> phones;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    line.assign(text, pos, end - pos);
    pos = end + 1;
    ++st.lines;
    bool entry = false;
    try {
      entry = parse_cmudict_line(line, opt.stress, word, phones);
    } catch (const Error& e) {
      throw Error(fmt::format("{}:{}: {} (expected an entry like (\"word\" nil (((f ao) 1))))",
                              path, st.lines, printable(e.what())));
    }
    if (!entry) continue;
    ++st.entries;
    bool letters = !word.empty();
    for (char& c : word) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      letters = letters && c >= 'a' && c <= 'z';
    }
    if (!letters) {
      ++st.skipped_chars;
      continue;
    }
    if (opt.max_len > 0 && static_cast<int>(word.size()) > opt.max_len) {
      ++st.skipped_long;
      continue;
    }
    if (!seen.insert(word).second) {
      ++st.skipped_duplicate;
      continue;
    }
    Example ex;
    for (char c : word) ex.src.emplace_back(1, c);
    ex.tgt = phones;
    const int split = cmudict_split_of(word);
    (split == 0 ? s.train : split == 1 ? s.valid : s.test).push_back(std::move(ex));
  }
  S2S_CHECK(!s.train.empty() && !s.valid.empty() && !s.test.empty(),
            "'{}' gave {} train, {} valid and {} test words: is it the CMU dictionary in "
            "Festival's format?",
            path, s.train.size(), s.valid.size(), s.test.size());
  if (stats) *stats = st;
  return s;
}

}  // namespace s2s
