#pragma once
// The CMU pronouncing dictionary as a sequence-to-sequence task: the letters of
// an English word in, its phones out ("knight" -> n ay t).
//
// The file is the one Debian's festlex-cmu package installs, in Festival's
// format, one entry a line:
//   ("phoenix" nil (((f iy) 1) ((n ih k s) 0)))
// i.e. the word, a part of speech, then syllables, each a list of phones and a
// stress (1 stressed, 0 not).
//
// What becomes of an entry:
//  - the word is lower-cased; a word with any character outside a-z (after that)
//    is skipped;
//  - a word listed more than once (read: noun, verb...) keeps its FIRST entry in
//    file order;
//  - phones are the syllables' phones in order; with `stress`, each vowel carries
//    its syllable's stress digit ("iy1"), without it stress is dropped.
// The split is by a hash of the word, so it never depends on a seed, on file
// order or on other words: FNV-1a (64-bit) of the lower-cased word, then
// h % 100 < 90 -> train, < 95 -> valid, else test (90/5/5).
#include <string>

#include "seq2seq/data/example.hpp"

namespace s2s {

struct CmudictOptions {
  bool stress = false;
  int max_len = 0;             // skip words longer than this many letters (0: keep all)
  double timeout_seconds = 0;  // a pipe with no data for this long is an error (0: wait)
};
// Limits (seq2seq/data/read_limits.hpp): the file at most kMaxDictBytes; a line at
// most line_limit_bytes(max_len), with max_len 0 read as 1000 (--max-len's ceiling).

// Where festlex-cmu installs the dictionary.
inline constexpr const char* kCmudictPath = "/usr/share/festival/dicts/cmu/cmudict-0.4.out";

struct CmudictStats {
  int64_t lines = 0, entries = 0, skipped_chars = 0, skipped_duplicate = 0, skipped_long = 0;
};

// Reads the dictionary at `path` (throws s2s::Error naming the file and line
// when it is missing or an entry is malformed).
Splits load_cmudict(const std::string& path, const CmudictOptions& opt = {},
                    CmudictStats* stats = nullptr);

// One entry line parsed (for tests): false when the line is not an entry (the
// "MNCL" header, blank lines).
bool parse_cmudict_line(const std::string& line, bool stress, std::string& word,
                        std::vector<std::string>& phones);

// 0 train, 1 valid, 2 test.
int cmudict_split_of(const std::string& word);

}  // namespace s2s
