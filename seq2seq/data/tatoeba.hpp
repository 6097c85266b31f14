#pragma once
// Loader for real sentence pairs in the Tatoeba / manythings.org format:
//   source<TAB>target[<TAB>attribution...]      (extra columns are ignored)
// Both sides go through s2s::tokenize. Typical use keeps short sentences that
// start with simple prefixes ("i am", "he is", ...) so that a small model can
// learn them in minutes.
#include <string>
#include <vector>

#include "seq2seq/data/example.hpp"

namespace s2s {

struct TatoebaOptions {
  int max_len = 0;                    // keep pairs with both sides <= max_len tokens; 0 = any
  std::vector<std::string> prefixes;  // keep sources starting with one of these; empty = all
  bool strict = false;                // malformed line: throw instead of warn
};

struct TatoebaData {
  std::vector<Example> pairs;         // align is empty: Tatoeba has no gold alignment
  std::vector<std::string> warnings;  // "tatoeba: line 7: expected 'source<TAB>target', got ..."
};

// Throws s2s::Error naming the path if the file cannot be opened, and, in
// strict mode, at the first malformed line (no tab, or an empty side).
TatoebaData load_tatoeba(const std::string& path, const TatoebaOptions& opt = {});

// Shuffles (seeded) and splits pairs into train/valid/test by fractions,
// dropping duplicate sources first so test never repeats a train sentence.
Splits split_pairs(std::vector<Example> pairs, double valid_frac, double test_frac, uint64_t seed);

}  // namespace s2s
