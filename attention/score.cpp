#include "attention/score.hpp"

#include <fmt/ranges.h>

#include "attention/additive.hpp"
#include "attention/cosine.hpp"
#include "attention/dot.hpp"
#include "attention/general.hpp"
#include "attention/location.hpp"
#include "attention/location_aware.hpp"
#include "core/error.hpp"

namespace s2s {

ScoreFunction::ScoreFunction(std::string name, int64_t query_size, int64_t key_size)
    : name_(std::move(name)), query_size_(query_size), key_size_(key_size) {
  S2S_CHECK(query_size > 0 && key_size > 0, "{} score: sizes must be > 0, got Hq={} Hk={}", name_,
            query_size, key_size);
}

Var ScoreFunction::project_keys(const Var&) const { return Var(); }

void ScoreFunction::check_inputs(const Var& query, const Var& keys) const {
  S2S_CHECK(query.rank() == 2 && query.size(1) == query_size_,
            "{} score: query must be (B,{}), got {}", name_, query_size_, shape_str(query.shape()));
  S2S_CHECK(keys.rank() == 3 && keys.size(2) == key_size_,
            "{} score: keys must be (B,S,{}), got {}", name_, key_size_, shape_str(keys.shape()));
  S2S_CHECK(query.size(0) == keys.size(0), "{} score: batch sizes differ: query {} vs keys {}",
            name_, shape_str(query.shape()), shape_str(keys.shape()));
}

const std::vector<std::string>& score_names() {
  static const std::vector<std::string> names{"dot",      "scaled_dot", "general",       "additive",
                                              "location", "cosine",     "location_aware"};
  return names;
}

std::unique_ptr<ScoreFunction> make_score(const std::string& name, int64_t Hq, int64_t Hk,
                                          int64_t A, int64_t max_src_len, Rng& rng) {
  if (name == "dot") return std::make_unique<DotScore>(Hq, Hk, /*scaled=*/false);
  if (name == "scaled_dot") return std::make_unique<DotScore>(Hq, Hk, /*scaled=*/true);
  if (name == "general") return std::make_unique<GeneralScore>(Hq, Hk, rng);
  if (name == "additive") return std::make_unique<AdditiveScore>(Hq, Hk, A, rng);
  if (name == "location") return std::make_unique<LocationScore>(Hq, Hk, max_src_len, rng);
  if (name == "cosine") return std::make_unique<CosineScore>(Hq, Hk, rng);
  if (name == "location_aware") return std::make_unique<LocationAwareScore>(Hq, Hk, A, rng);
  throw Error(fmt::format("make_score: unknown score function '{}'; known: {}", name,
                          fmt::join(score_names(), ", ")));
}

Var keys_dot(const Var& keys, const Var& q) {
  const int64_t B = keys.size(0), S = keys.size(1), H = keys.size(2);
  return reshape(matmul(keys, reshape(q, {B, H, 1})), {B, S});  // (B,S,H)@(B,H,1) -> (B,S)
}

}  // namespace s2s
