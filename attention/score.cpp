#include "attention/score.hpp"

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

Var keys_dot(const Var& keys, const Var& q) {
  const int64_t B = keys.size(0), S = keys.size(1), H = keys.size(2);
  return reshape(matmul(keys, reshape(q, {B, H, 1})), {B, S});  // (B,S,H)@(B,H,1) -> (B,S)
}

}  // namespace s2s
