#include "attention/cosine.hpp"

#include "nn/init.hpp"

namespace s2s {

namespace {
constexpr real kNormEps = real(1e-8);
// x / √(Σ x² + ε) along the last axis.
Var unit(const Var& x) { return x / sqrt(sum(square(x), -1, /*keepdim=*/true) + kNormEps); }
}  // namespace

CosineScore::CosineScore(int64_t Hq, int64_t Hk, Rng& rng) : ScoreFunction("cosine", Hq, Hk) {
  if (Hq != Hk) W = register_parameter("W", init::uniform_fan_in({Hk, Hq}, Hq, rng));
  log_beta = register_parameter("log_beta", Tensor::zeros({1}));
}

Var CosineScore::score(const Var& query, const Var& keys, const ScoreContext&) const {
  check_inputs(query, keys);
  Var q = W.defined() ? linear(query, W, nullptr) : query;  // (B,Hk)
  Var cos = keys_dot(unit(keys), unit(q));                  // (B,S), each in [-1, 1]
  return cos * exp(log_beta);                               // β broadcasts over (B,S)
}

}  // namespace s2s
