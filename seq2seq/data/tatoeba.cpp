#include "seq2seq/data/tatoeba.hpp"

#include <fmt/ranges.h>

#include <fstream>
#include <unordered_set>

#include "core/error.hpp"
#include "core/rng.hpp"
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

std::string shorten(const std::string& s) {  // keep messages readable
  return s.size() <= 60 ? s : s.substr(0, 57) + "...";
}

}  // namespace

TatoebaData load_tatoeba(const std::string& path, const TatoebaOptions& opt) {
  std::ifstream f(path);
  S2S_CHECK(f.good(), "tatoeba: cannot open '{}' (does the file exist?)", path);
  std::vector<std::vector<std::string>> prefixes;  // tokenised like the sentences
  for (const auto& p : opt.prefixes) prefixes.push_back(tokenize(p));

  TatoebaData data;
  std::string line;
  for (int64_t n = 1; std::getline(f, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;  // blank lines are harmless
    size_t tab = line.find('\t');
    size_t tab2 = tab == std::string::npos ? tab : line.find('\t', tab + 1);
    std::vector<std::string> src, tgt;
    if (tab != std::string::npos) {
      src = tokenize(line.substr(0, tab));
      tgt = tokenize(line.substr(tab + 1, tab2 == std::string::npos ? tab2 : tab2 - tab - 1));
    }
    if (src.empty() || tgt.empty()) {
      std::string msg =
          fmt::format("tatoeba: line {}: expected 'source<TAB>target', got '{}'", n, shorten(line));
      if (opt.strict) throw Error(fmt::format("{} (in '{}')", msg, path));
      data.warnings.push_back(std::move(msg));
      continue;
    }
    if (opt.max_len > 0 &&
        (static_cast<int>(src.size()) > opt.max_len || static_cast<int>(tgt.size()) > opt.max_len))
      continue;
    if (!prefixes.empty()) {
      bool keep = false;
      for (const auto& p : prefixes) keep = keep || starts_with_tokens(src, p);
      if (!keep) continue;
    }
    data.pairs.push_back(Example{std::move(src), std::move(tgt), {}});
  }
  return data;
}

Splits split_pairs(std::vector<Example> pairs, double valid_frac, double test_frac, uint64_t seed) {
  S2S_CHECK(valid_frac >= 0 && test_frac >= 0 && valid_frac + test_frac <= 1,
            "split_pairs: need fractions >= 0 summing to <= 1, got valid={} test={}", valid_frac,
            test_frac);
  // Drop repeated sources (keep the first): the same English sentence with
  // two translations must not end up in both train and test.
  std::unordered_set<std::string> seen;
  std::vector<Example> unique;
  for (auto& ex : pairs)
    if (seen.insert(fmt::format("{}", fmt::join(ex.src, " "))).second)
      unique.push_back(std::move(ex));
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
  s.train.assign(it + static_cast<std::ptrdiff_t>(n_test + n_valid),
                 std::make_move_iterator(unique.end()));
  return s;
}

}  // namespace s2s
