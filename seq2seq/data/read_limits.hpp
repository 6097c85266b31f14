#pragma once
// Reading untrusted text with its limits stated up front: every reader of a file
// a user names (--tsv, --dict, a model's vocabularies, translate's input) knows
// the largest file and the longest line it accepts, checks the size before
// reading (regular files) or while reading (pipes, devices), and never waits on
// a pipe without a deadline when it has one. Each refusal names the limit and
// the setting that raises it.
#include <cstdint>
#include <string>
#include <string_view>

namespace s2s {

// The longest line accepted where sequences have at most max_tokens tokens:
// 200 bytes a token and 1 KB for the rest of the line (a TSV's attribution
// column, a dictionary entry's part of speech).
inline constexpr int64_t kLineBytesPerToken = 200;
inline int64_t line_limit_bytes(int64_t max_tokens) {
  return 1024 + kLineBytesPerToken * max_tokens;
}

// Fixed limits (no setting raises them; the message says so).
inline constexpr uint64_t kMaxVocabBytes = 64'000'000;   // a vocabulary file
inline constexpr uint64_t kMaxDictBytes = 64'000'000;    // --dict (festlex-cmu's is 5.1 MB)
inline constexpr uint64_t kMaxTsvBytes = 1'000'000'000;  // --tsv

struct TextLimits {
  uint64_t max_bytes = 0;       // 0: no limit
  std::string bytes_setting;    // what raises it ("" = a fixed limit)
  uint64_t max_line_bytes = 0;  // 0: no limit
  std::string line_setting;     // e.g. "1024 + 200 × --max-len 20; raise --max-len"
  double timeout_seconds = 0;   // a pipe or FIFO that gives no data for this long; 0: wait
  std::string timeout_setting;  // e.g. "--seconds"
};

// The limits of a data file of sequences (--tsv, --dict): at most max_bytes, lines
// of at most line_limit_bytes(max_len) (max_len <= 0: 1000 tokens), pipes waiting
// at most timeout_seconds (--seconds).
TextLimits sequence_file_limits(uint64_t max_bytes, int64_t max_len, double timeout_seconds);

// The whole text of a file opened by path (a FIFO is opened without blocking).
// Throws s2s::Error naming `what`, with strerror for system errors.
std::string read_text_file(const std::string& path, const std::string& what,
                           const TextLimits& limits);
// The same from an open descriptor, to its end.
std::string read_text_fd(int fd, const std::string& what, const TextLimits& limits);

// Untrusted text for a terminal: control bytes (and DEL) as \xNN, \t as \t,
// \n as \n; at most max_bytes of it, then "...".
std::string printable(std::string_view text, size_t max_bytes = 200);

// "1.0 GB", "5.1 MB" (powers of 1000).
std::string size_text(uint64_t bytes);

}  // namespace s2s

#include <istream>

namespace s2s {

// std::getline with a bound: reads one line (ending in \n; a trailing \r is
// dropped) keeping at most max_bytes of it. Returns false at the end of input.
// `too_long` is set when the line was longer (the rest is read and discarded,
// at most 64 MB of it; beyond that the input counts as ended).
bool getline_bounded(std::istream& in, std::string& line, size_t max_bytes, bool* too_long);

}  // namespace s2s
