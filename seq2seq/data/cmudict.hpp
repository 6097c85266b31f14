#pragma once
// The CMU pronouncing dictionary as a sequence-to-sequence task: the letters of
// an English word in, its phones out ("knight" -> n ay t).
//
// Two file formats, told apart by the first entry (a line beginning "(" is
// Festival's):
//  - Festival's, the one Debian's festlex-cmu package installs, one entry a line:
//      ("phoenix" nil (((f iy) 1) ((n ih k s) 0)))
//    i.e. the word, a part of speech, then syllables, each a list of phones and a
//    stress (1 stressed, 0 not); an "MNCL" line is a header;
//  - the plain CMUdict format (cmudict-0.7b, cmudict.dict), one pronunciation a line:
//      PHOENIX  F IY1 N IH0 K S
//      READ(1)  R EH1 D
//    the word (a variant's number in parentheses after it), white space, then phones
//    with the vowels' stress digits; ";;;" starts a comment line, and "#" at the start
//    of a line or after white space a comment to the line's end.
//
// What becomes of an entry:
//  - the word is lower-cased; its characters are its tokens, the apostrophe
//    included ("adults'"); a word with any character that is not a letter a-z or an
//    apostrophe is skipped, and counted;
//  - phones are lower-case; with `stress`, each vowel carries its stress digit
//    ("iy1"; in Festival's format the syllable's), without it stress is dropped;
//  - a word listed more than once (read: noun, verb; READ(1)) has several
//    pronunciations, each a different phone sequence (a repeat, e.g. two that
//    differ only in stress once it is dropped, counts once). The training split
//    has one pair per pronunciation; valid and test one example per word, its
//    first pronunciation in tgt and the others in other_tgts, so that a word is
//    scored right if the output matches any of them (seq2seq/train/evaluate.hpp).
//    With `first_only` a word keeps only its first pronunciation in file order.
// The split is by a hash of the word, so it never depends on a seed, on file
// order or on other words: FNV-1a (64-bit) of the lower-cased word, then
// h % 100 < 90 -> train, < 95 -> valid, else test (90/5/5). All the pronunciations
// of a word are in its split: no word is in two.
#include <string>

#include "seq2seq/data/example.hpp"

namespace s2s {

struct CmudictOptions {
  bool stress = false;
  bool first_only = false;     // keep a word's first pronunciation only
  int max_len = 0;             // skip words longer than this many letters (0: keep all)
  double timeout_seconds = 0;  // a pipe with no data for this long is an error (0: wait)
};
// Limits (seq2seq/data/read_limits.hpp): the file at most kMaxDictBytes; a line at
// most line_limit_bytes(max_len), with max_len 0 read as 1000 (--max-len's ceiling).

// Where festlex-cmu installs the dictionary.
inline constexpr const char* kCmudictPath = "/usr/share/festival/dicts/cmu/cmudict-0.4.out";

enum class DictFormat { festival, plain };

struct CmudictStats {
  DictFormat format = DictFormat::festival;
  int64_t lines = 0;    // lines read
  int64_t entries = 0;  // pronunciation entries (comments, headers and blank lines are not)
  int64_t words = 0, pronunciations = 0;  // kept: distinct words, and (word, phones) pairs
  int64_t words_several = 0;              // kept words with more than one pronunciation
  // Entries skipped: a word with a character that is not a letter or an apostrophe;
  // a pronunciation the word already has (or any after the first, with first_only);
  // a word longer than max_len.
  int64_t skipped_chars = 0, skipped_duplicate = 0, skipped_long = 0;
  int64_t words_skipped_chars = 0;  // distinct words behind skipped_chars
  std::string summary() const;      // one line for the user: kept and skipped, and why
};

// Reads the dictionary at `path` (throws s2s::Error naming the file and line
// when it is missing or an entry is malformed).

Splits load_cmudict(const std::string& path, const CmudictOptions& opt = {},
                    CmudictStats* stats = nullptr);

// One entry line parsed (for tests): false when the line is not an entry (the
// "MNCL" header, blank lines).
bool parse_cmudict_line(const std::string& line, bool stress, std::string& word,
                        std::vector<std::string>& phones);
// The same for a line of the plain format: false for comments and blank lines;
// the word keeps its case, without the variant's "(1)".
bool parse_plain_dict_line(const std::string& line, bool stress, std::string& word,
                           std::vector<std::string>& phones);
// The format of a dictionary's text: that of its first line that is not blank, a
// comment or Festival's "MNCL" header (Festival's if there is none).
DictFormat detect_dict_format(const std::string& text);

// 0 train, 1 valid, 2 test.
int cmudict_split_of(const std::string& word);

}  // namespace s2s
