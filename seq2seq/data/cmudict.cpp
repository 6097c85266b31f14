#include "seq2seq/data/cmudict.hpp"

#include <algorithm>
#include <unordered_map>
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

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// A comment line of the plain format, a blank line or Festival's header.
bool is_not_an_entry(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && is_space(line[i])) ++i;
  return i == line.size() || line[i] == '#' || line.compare(i, 3, ";;;") == 0 ||
         line.compare(i, std::string::npos, "MNCL") == 0;
}

}  // namespace

bool parse_plain_dict_line(const std::string& line, bool stress, std::string& word,
                           std::vector<std::string>& phones) {
  word.clear();
  phones.clear();
  if (is_not_an_entry(line)) return false;
  // The text before a comment ("#" at the start or after white space), in fields.
  std::vector<std::string> fields;
  for (size_t i = 0; i < line.size();) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size() || line[i] == '#') break;
    size_t j = i;
    while (j < line.size() && !is_space(line[j])) ++j;
    fields.push_back(line.substr(i, j - i));
    i = j;
  }
  word = fields.front();
  // A variant: WORD(1), word(2).
  if (word.size() > 3 && word.back() == ')') {
    const size_t open = word.rfind('(');
    bool digits = open != std::string::npos && open > 0 && open + 2 < word.size();
    for (size_t k = open + 1; digits && k + 1 < word.size(); ++k)
      digits = word[k] >= '0' && word[k] <= '9';
    if (digits) word.resize(open);
  }
  S2S_CHECK(fields.size() >= 2, "the word \"{}\" has no phones", printable(word, 60));
  for (size_t f = 1; f < fields.size(); ++f) {
    std::string ph = fields[f];
    char digit = 0;
    if (ph.back() >= '0' && ph.back() <= '2') digit = ph.back(), ph.pop_back();
    bool letters = !ph.empty();
    for (char& c : ph) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      letters = letters && c >= 'a' && c <= 'z';
    }
    S2S_CHECK(letters && ph.size() <= 4,
              "\"{}\" is not a phone (letters, then an optional stress digit 0, 1 or 2), in "
              "\"{}\"",
              printable(fields[f], 40), printable(word, 60));
    if (stress && digit) ph += digit;
    phones.push_back(std::move(ph));
  }
  return true;
}

DictFormat detect_dict_format(const std::string& text) {
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, std::min<size_t>(end - pos, 4096));
    pos = end + 1;
    if (is_not_an_entry(line)) continue;
    return line[line.find_first_not_of(" \t\r\f\v")] == '(' ? DictFormat::festival
                                                            : DictFormat::plain;
  }
  return DictFormat::festival;
}

std::string CmudictStats::summary() const {
  return fmt::format(
      "{} format: {} words, {} pronunciations ({} words with several); skipped: {} entries of "
      "{} words with a character that is not a letter or an apostrophe, {} repeated "
      "pronunciations, {} longer than --max-len",
      format == DictFormat::festival ? "Festival's" : "the plain CMUdict", words, pronunciations,
      words_several, skipped_chars, words_skipped_chars, skipped_duplicate, skipped_long);
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
  st.format = detect_dict_format(text);
  const bool festival = st.format == DictFormat::festival;
  // Each word once, in the order of its first entry, with its pronunciations.
  struct Word {
    std::string word;
    std::vector<std::vector<std::string>> prons;
  };
  std::vector<Word> words;
  std::unordered_map<std::string, size_t> index;
  std::unordered_set<std::string> skipped_words;
  std::string line, word;
  std::vector<std::string> phones;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    line.assign(text, pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++st.lines;
    bool entry = false;
    try {
      entry = festival ? parse_cmudict_line(line, opt.stress, word, phones)
                       : parse_plain_dict_line(line, opt.stress, word, phones);
    } catch (const Error& e) {
      throw Error(fmt::format("{}:{}: {} (expected an entry like {})", path, st.lines,
                              printable(e.what()),
                              festival ? "(\"word\" nil (((f ao) 1)))" : "WORD  W ER1 D"));
    }
    if (!entry) continue;
    ++st.entries;
    // A word's characters are its tokens: letters (lower-cased) and the apostrophe.
    bool ok = !word.empty();
    for (char& c : word) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      ok = ok && ((c >= 'a' && c <= 'z') || c == '\'');
    }
    if (!ok) {
      ++st.skipped_chars;
      skipped_words.insert(word);
      continue;
    }
    if (opt.max_len > 0 && static_cast<int>(word.size()) > opt.max_len) {
      ++st.skipped_long;
      continue;
    }
    auto [it, fresh] = index.emplace(word, words.size());
    if (fresh) words.push_back({word, {}});
    auto& prons = words[it->second].prons;
    if ((opt.first_only && !prons.empty()) ||
        std::find(prons.begin(), prons.end(), phones) != prons.end()) {
      ++st.skipped_duplicate;
      continue;
    }
    prons.push_back(phones);
  }
  Splits s;
  for (Word& w : words) {
    ++st.words;
    st.pronunciations += static_cast<int64_t>(w.prons.size());
    st.words_several += w.prons.size() > 1;
    Example ex;
    for (char c : w.word) ex.src.emplace_back(1, c);
    const int split = cmudict_split_of(w.word);
    if (split == 0) {  // one pair per pronunciation
      for (auto& p : w.prons) s.train.push_back(Example{ex.src, std::move(p), {}, {}});
      continue;
    }
    ex.tgt = std::move(w.prons.front());
    ex.other_tgts.assign(std::make_move_iterator(w.prons.begin() + 1),
                         std::make_move_iterator(w.prons.end()));
    (split == 1 ? s.valid : s.test).push_back(std::move(ex));
  }
  st.words_skipped_chars = static_cast<int64_t>(skipped_words.size());
  S2S_CHECK(
      !s.train.empty() && !s.valid.empty() && !s.test.empty(),
      "'{}' gave {} training pairs, {} valid and {} test words: is it a pronouncing dictionary "
      "(Festival's format, or the plain CMUdict format 'WORD  W ER1 D')?",
      path, s.train.size(), s.valid.size(), s.test.size());
  if (stats) *stats = st;
  return s;
}

}  // namespace s2s
