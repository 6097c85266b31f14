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
  double timeout_seconds = 0;         // a pipe with no data for this long is an error (0: wait)
};
// Limits (seq2seq/data/read_limits.hpp): the file at most kMaxTsvBytes; a line at
// most line_limit_bytes(max_len), with max_len 0 read as 1000 (--max-len's ceiling).

// What happened to each line of the file.
struct TatoebaCounts {
  int64_t lines = 0;            // lines read (\n, \r\n or \r endings)
  int64_t blank = 0;            // empty or whitespace-only lines (skipped silently)
  int64_t no_tab = 0;           // lines without a tab
  int64_t empty_side = 0;       // a tab, but nothing on one side
  int64_t too_long = 0;         // dropped by max_len
  int64_t no_prefix = 0;        // dropped by the prefix filter
  int64_t kept = 0;             // pairs kept (== pairs.size())
  std::string summary() const;  // "12 lines read, 3 without a tab, ..., 9 pairs kept"
};

struct TatoebaData {
  std::vector<Example> pairs;  // align is empty: Tatoeba has no gold alignment
  // "tatoeba: line 7: expected 'source<TAB>target', got ...": the first
  // kMaxWarnings malformed lines, then one line that counts the rest.
  std::vector<std::string> warnings;
  TatoebaCounts counts;
  static constexpr size_t kMaxWarnings = 10;
};

// The fewest distinct pairs a TSV must give for training or evaluation: the
// 80/10/10 split then has at least one validation and one test pair.
inline constexpr int64_t kMinTsvPairs = 10;

// Throws s2s::Error naming the path if the file cannot be opened, and, in
// strict mode, at the first malformed line (no tab, or an empty side). A UTF-8
// byte order mark is skipped; lines may end in \n, \r\n or a lone \r.
TatoebaData load_tatoeba(const std::string& path, const TatoebaOptions& opt = {});

// Shuffles (seeded) and splits pairs into train/valid/test by fractions of the
// distinct sources: pairs with the same source are grouped first
// (group_by_source), so no source is in two splits. Valid and test keep one
// example per source, its other targets in other_tgts (scored as right too);
// train has one pair per target (one_pair_per_target).
Splits split_pairs(std::vector<Example> pairs, double valid_frac, double test_frac, uint64_t seed);

// load_tatoeba, then split_pairs(0.1, 0.1), refusing (s2s::Error with the
// counts) a file that gives fewer than kMinTsvPairs distinct sources.
Splits load_tsv_splits(const std::string& path, const TatoebaOptions& opt, uint64_t seed,
                       std::vector<std::string>* warnings = nullptr);

// A whole file as one split (--valid-tsv, --test-tsv, and eval's --test-tsv):
// load_tatoeba, then group_by_source when `grouped` (valid and test: one example
// per source with all its targets) or every pair (train). Refuses a file with no
// usable pair. `flag` names the file's flag in messages.
std::vector<Example> load_tsv_file(const std::string& path, const TatoebaOptions& opt, bool grouped,
                                   const std::string& flag,
                                   std::vector<std::string>* warnings = nullptr);

}  // namespace s2s
