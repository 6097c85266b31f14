#include "attention/additive.hpp"

#include "core/error.hpp"
#include "core/op_table.hpp"
#include "nn/init.hpp"

namespace s2s {

AdditiveScore::AdditiveScore(int64_t Hq, int64_t Hk, int64_t A, Rng& rng)
    : ScoreFunction("additive", Hq, Hk), attention_size(A) {
  S2S_CHECK(A > 0, "additive score: attention size A must be > 0, got {}", A);
  W_q = register_parameter("W_q", init::uniform_fan_in({A, Hq}, Hq, rng));
  W_k = register_parameter("W_k", init::uniform_fan_in({A, Hk}, Hk, rng));
  v = register_parameter("v", init::uniform_fan_in({A}, A, rng));
}

Var AdditiveScore::project_keys(const Var& keys) const {
  return linear(keys, W_k, nullptr);  // (B,S,Hk) -> (B,S,A)
}

Var keys_projected_or_computed(const ScoreFunction& fn, const Var& keys, const ScoreContext& ctx,
                               int64_t A) {
  if (!ctx.projected_keys.defined()) return fn.project_keys(keys);
  const Shape want{keys.size(0), keys.size(1), A};
  S2S_CHECK(ctx.projected_keys.shape() == want,
            "{} score: ctx.projected_keys must be {} for keys {}, got {}", fn.name(),
            shape_str(want), shape_str(keys.shape()), shape_str(ctx.projected_keys.shape()));
  return ctx.projected_keys;
}

Var AdditiveScore::score(const Var& query, const Var& keys, const ScoreContext& ctx) const {
  check_inputs(query, keys);
  const int64_t A = attention_size;
  Var kp = keys_projected_or_computed(*this, keys, ctx, A);  // (B,S,A)  W_k k_i
  Var qp = linear(query, W_q, nullptr);                      // (B,A)    W_q q
  return additive_energy(kp, qp, v);                         // (B,S)    vᵀ tanh(W_k k_i + W_q q)
}

Var additive_energy(const Var& kp, const Var& qp, const Var& v) {
  return engine_ops().additive_energy(kp, qp, v);
}

Var reference_additive_energy(const Var& kp, const Var& qp, const Var& v) {
  // BEGIN EXERCISE additive-score
  const int64_t B = kp.size(0), S = kp.size(1), A = kp.size(2);
  Var hidden = tanh(kp + reshape(qp, {B, 1, A}));              // (B,S,A)
  return reshape(matmul(hidden, reshape(v, {A, 1})), {B, S});  // (B,S)
  // END EXERCISE
}

}  // namespace s2s
