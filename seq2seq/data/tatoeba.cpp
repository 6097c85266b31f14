#include "seq2seq/data/tatoeba.hpp"

#include <fmt/ranges.h>

#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "seq2seq/data/read_limits.hpp"
#include "seq2seq/data/tokenizer.hpp"

namespace s2s {

namespace {

bool starts_with_tokens(const std::vector<std::string>& toks,
                        const std::vector<std::string>& prefix) {
  if (prefix.size() > toks.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (toks[i] != prefix[i]) return false;
  return true;
}

std::string shorten(const std::string& s) {  // readable, and safe for a terminal
  return printable(s, 60);
}

}  // namespace

std::string TatoebaCounts::summary() const {
  return fmt::format(
      "{} lines read, {} blank, {} without a tab, {} with an empty side, {} longer than the "
      "length limit, {} without a wanted prefix; {} pairs kept",
      lines, blank, no_tab, empty_side, too_long, no_prefix, kept);
}

TatoebaData load_tatoeba(const std::string& path, const TatoebaOptions& opt) {
  const TextLimits lim = sequence_file_limits(kMaxTsvBytes, opt.max_len, opt.timeout_seconds);
  std::string text = read_text_file(path, fmt::format("tatoeba '{}'", path), lim);
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);  // UTF-8 byte order mark
  std::vector<std::vector<std::string>> prefixes;                 // tokenised like the sentences
  for (const auto& p : opt.prefixes) prefixes.push_back(tokenize(p));

  TatoebaData data;
  TatoebaCounts& c = data.counts;
  int64_t malformed = 0;
  size_t pos = 0;
  for (int64_t n = 1; pos < text.size(); ++n) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (end < text.size() && text[end] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    ++c.lines;
    if (line.find_first_not_of(" \t\f\v") == std::string::npos) {
      ++c.blank;  // blank lines are harmless
      continue;
    }
    size_t tab = line.find('\t');
    size_t tab2 = tab == std::string::npos ? tab : line.find('\t', tab + 1);
    std::vector<std::string> src, tgt;
    if (tab != std::string::npos) {
      src = tokenize(line.substr(0, tab));
      tgt = tokenize(line.substr(tab + 1, tab2 == std::string::npos ? tab2 : tab2 - tab - 1));
    }
    if (src.empty() || tgt.empty()) {
      ++(tab == std::string::npos ? c.no_tab : c.empty_side);
      std::string msg =
          fmt::format("tatoeba: line {}: expected 'source<TAB>target', got '{}'", n, shorten(line));
      if (opt.strict) throw Error(fmt::format("{} (in '{}')", msg, path));
      if (++malformed <= static_cast<int64_t>(TatoebaData::kMaxWarnings))
        data.warnings.push_back(std::move(msg));
      continue;
    }
    if (opt.max_len > 0 && (static_cast<int>(src.size()) > opt.max_len ||
                            static_cast<int>(tgt.size()) > opt.max_len)) {
      ++c.too_long;
      continue;
    }
    if (!prefixes.empty()) {
      bool keep = false;
      for (const auto& p : prefixes) keep = keep || starts_with_tokens(src, p);
      if (!keep) {
        ++c.no_prefix;
        continue;
      }
    }
    data.pairs.push_back(Example{std::move(src), std::move(tgt), {}});
  }
  c.kept = static_cast<int64_t>(data.pairs.size());
  if (malformed > static_cast<int64_t>(TatoebaData::kMaxWarnings))
    data.warnings.push_back(fmt::format("tatoeba: {} more malformed lines not shown ({} in all)",
                                        malformed - static_cast<int64_t>(TatoebaData::kMaxWarnings),
                                        malformed));
  return data;
}

Splits load_tsv_splits(const std::string& path, const TatoebaOptions& opt, uint64_t seed,
                       std::vector<std::string>* warnings) {
  TatoebaData d = load_tatoeba(path, opt);
  if (warnings) *warnings = d.warnings;
  const int64_t kept = d.counts.kept;
  const int64_t distinct = static_cast<int64_t>(group_by_source(d.pairs).size());
  Splits s = split_pairs(std::move(d.pairs), 0.1, 0.1, seed);
  S2S_CHECK(distinct >= kMinTsvPairs,
            "tsv '{}': {} usable pairs{}, need at least {} (for a training, validation and test "
            "split): {}. Lines must read 'source<TAB>target'",
            path, distinct,
            distinct < kept ? fmt::format(" with distinct sources ({} pairs in all)", kept)
                            : std::string(),
            kMinTsvPairs, d.counts.summary());
  return s;
}

std::vector<Example> load_tsv_file(const std::string& path, const TatoebaOptions& opt, bool grouped,
                                   const std::string& flag, std::vector<std::string>* warnings) {
  TatoebaData d = load_tatoeba(path, opt);
  if (warnings) *warnings = d.warnings;
  S2S_CHECK(!d.pairs.empty(), "{} '{}': no usable pair: {}. Lines must read 'source<TAB>target'",
            flag, path, d.counts.summary());
  if (d.counts.too_long > 0 && warnings)
    warnings->push_back(fmt::format("{} '{}': {} pairs longer than --max-len {} left out", flag,
                                    path, d.counts.too_long, opt.max_len));
  return grouped ? group_by_source(std::move(d.pairs)) : std::move(d.pairs);
}

Splits split_pairs(std::vector<Example> pairs, double valid_frac, double test_frac, uint64_t seed) {
  S2S_CHECK(valid_frac >= 0 && test_frac >= 0 && valid_frac + test_frac <= 1,
            "split_pairs: need fractions >= 0 summing to <= 1, got valid={} test={}", valid_frac,
            test_frac);
  // The split is by source: a repeated source (one English sentence with two
  // translations, one word with two pronunciations) is one example with several
  // targets, so that it never ends up in both train and test.
  std::vector<Example> unique = group_by_source(std::move(pairs));
  // Fisher-Yates shuffle with our own Rng (std::shuffle is not portable bit-for-bit).
  Rng rng(seed);
  for (size_t i = unique.size(); i > 1; --i) std::swap(unique[i - 1], unique[rng.below(i)]);
  const size_t n = unique.size();
  const size_t n_valid = static_cast<size_t>(valid_frac * static_cast<double>(n));
  const size_t n_test = static_cast<size_t>(test_frac * static_cast<double>(n));
  Splits s;
  auto it = std::make_move_iterator(unique.begin());
  s.test.assign(it, it + static_cast<std::ptrdiff_t>(n_test));
  s.valid.assign(it + static_cast<std::ptrdiff_t>(n_test),
                 it + static_cast<std::ptrdiff_t>(n_test + n_valid));
  // Training sees every target of a source as a pair of its own.
  s.train = one_pair_per_target(std::vector<Example>(
      it + static_cast<std::ptrdiff_t>(n_test + n_valid), std::make_move_iterator(unique.end())));
  return s;
}

}  // namespace s2s
