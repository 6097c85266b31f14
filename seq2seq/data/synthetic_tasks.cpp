#include "seq2seq/data/synthetic_tasks.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"

namespace s2s {

namespace {

void check_config(const TaskConfig& cfg, const char* task) {
  S2S_CHECK(cfg.min_len >= 1 && cfg.min_len <= cfg.max_len,
            "{}: need 1 <= min_len <= max_len, got min_len={} max_len={}", task, cfg.min_len,
            cfg.max_len);
  S2S_CHECK(cfg.alphabet >= 2 && cfg.alphabet <= 26, "{}: alphabet must be in [2, 26], got {}",
            task, cfg.alphabet);
}

std::vector<std::string> random_symbols(Rng& rng, const TaskConfig& cfg) {
  int64_t n = cfg.min_len + static_cast<int64_t>(rng.below(cfg.max_len - cfg.min_len + 1));
  std::vector<std::string> s(static_cast<size_t>(n));
  for (auto& t : s) t = std::string(1, static_cast<char>('a' + rng.below(cfg.alphabet)));
  return s;
}

// Target = source permuted: tgt[j] = src[perm[j]], gold link (perm[j], j).
Example permuted(std::vector<std::string> src, const std::vector<int>& perm) {
  Example ex;
  for (size_t j = 0; j < perm.size(); ++j) {
    ex.tgt.push_back(src[static_cast<size_t>(perm[j])]);
    ex.align.emplace_back(perm[j], static_cast<int>(j));
  }
  ex.src = std::move(src);
  return ex;
}

std::vector<int> iota_perm(size_t n) {
  std::vector<int> p(n);
  std::iota(p.begin(), p.end(), 0);
  return p;
}

}  // namespace

Splits make_copy(const TaskConfig& cfg) {
  check_config(cfg, "copy");
  auto draw = [&](Rng& rng) {
    auto src = random_symbols(rng, cfg);
    auto perm = iota_perm(src.size());
    return permuted(std::move(src), perm);
  };
  return draw_unique_splits(draw, cfg.seed, cfg.n_train, cfg.n_valid, cfg.n_test, "copy");
}

Splits make_reverse(const TaskConfig& cfg) {
  check_config(cfg, "reverse");
  auto draw = [&](Rng& rng) {
    auto src = random_symbols(rng, cfg);
    auto perm = iota_perm(src.size());
    std::reverse(perm.begin(), perm.end());
    return permuted(std::move(src), perm);
  };
  return draw_unique_splits(draw, cfg.seed, cfg.n_train, cfg.n_valid, cfg.n_test, "reverse");
}

Splits make_sort(const TaskConfig& cfg) {
  check_config(cfg, "sort");
  auto draw = [&](Rng& rng) {
    auto src = random_symbols(rng, cfg);
    auto perm = iota_perm(src.size());
    std::stable_sort(perm.begin(), perm.end(), [&](int a, int b) {
      return src[static_cast<size_t>(a)] < src[static_cast<size_t>(b)];
    });
    return permuted(std::move(src), perm);
  };
  return draw_unique_splits(draw, cfg.seed, cfg.n_train, cfg.n_valid, cfg.n_test, "sort");
}

Splits make_repeat(const TaskConfig& cfg) {
  check_config(cfg, "repeat");
  auto draw = [&](Rng& rng) {
    auto src = random_symbols(rng, cfg);
    std::vector<int> perm = iota_perm(src.size()), twice = perm;
    twice.insert(twice.end(), perm.begin(), perm.end());  // 0..n-1, 0..n-1
    return permuted(std::move(src), twice);
  };
  return draw_unique_splits(draw, cfg.seed, cfg.n_train, cfg.n_valid, cfg.n_test, "repeat");
}

}  // namespace s2s
