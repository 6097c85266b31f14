#pragma once
// Vocab: a two-way map between tokens (strings) and ids (integers).
// A model only ever sees ids; the vocabulary turns text into ids (encode) and
// predictions back into text (decode). Four special tokens come first, with
// fixed ids, so every vocabulary agrees on them:
//   <pad>=0  fills short sequences up to the batch length (masked out)
//   <sos>=1  "start of sequence": the decoder's first input
//   <eos>=2  "end of sequence": the decoder's last output (when to stop)
//   <unk>=3  stands for any word the vocabulary does not know
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace s2s {

inline constexpr int64_t kPad = 0;
inline constexpr int64_t kSos = 1;
inline constexpr int64_t kEos = 2;
inline constexpr int64_t kUnk = 3;

class Vocab {
 public:
  Vocab();  // only the four specials

  // Adds a word if new; returns its id either way.
  int64_t add(const std::string& word);
  // The id of a word, or kUnk when the word is unknown.
  int64_t id(const std::string& word) const;
  bool contains(const std::string& word) const { return ids_.count(word) > 0; }
  // The word of an id; throws s2s::Error naming the id and the size when out of range.
  const std::string& word(int64_t id) const;
  int64_t size() const { return static_cast<int64_t>(words_.size()); }
  const std::vector<std::string>& words() const { return words_; }

  std::vector<int64_t> encode(const std::vector<std::string>& tokens) const;
  // stop_at_eos=true: cut at the first <eos> and drop <pad>/<sos> (model output -> text).
  // stop_at_eos=false: map every id to its word, specials included (for debugging).
  std::vector<std::string> decode(const std::vector<int64_t>& ids, bool stop_at_eos = true) const;

  // Builds a vocabulary from token sequences, keeping words seen >= min_count
  // times. Order is deterministic: most frequent first, ties alphabetical.
  static Vocab build(const std::vector<std::vector<std::string>>& sequences, int min_count = 1);

  // Plain text, one token per line, line i = id i (specials first).
  void save(const std::string& path) const;
  // Reads at most kMaxVocabBytes (seq2seq/data/read_limits.hpp), checked before reading.
  static Vocab load(const std::string& path);
  // The same from a vocabulary file's text; `name` names the file in messages.
  static Vocab parse(const std::string& text, const std::string& name);

 private:
  std::vector<std::string> words_;
  std::unordered_map<std::string, int64_t> ids_;
};

}  // namespace s2s
