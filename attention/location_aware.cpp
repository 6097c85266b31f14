#include "attention/location_aware.hpp"

#include "attention/additive.hpp"
#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

LocationAwareScore::LocationAwareScore(int64_t Hq, int64_t Hk, int64_t A, Rng& rng, int64_t C,
                                       int64_t w)
    : ScoreFunction("location_aware", Hq, Hk), attention_size(A), num_filters(C), filter_width(w) {
  S2S_CHECK(A > 0 && C > 0, "location_aware score: A and num_filters must be > 0, got A={} C={}", A,
            C);
  S2S_CHECK(w > 0 && w % 2 == 1, "location_aware score: filter_width must be odd and > 0, got {}",
            w);
  W_q = register_parameter("W_q", init::uniform_fan_in({A, Hq}, Hq, rng));
  W_k = register_parameter("W_k", init::uniform_fan_in({A, Hk}, Hk, rng));
  v = register_parameter("v", init::uniform_fan_in({A}, A, rng));
  F = register_parameter("F", init::uniform_fan_in({C, w}, w, rng));
  U = register_parameter("U", init::uniform_fan_in({A, C}, C, rng));
}

Var LocationAwareScore::project_keys(const Var& keys) const {
  return linear(keys, W_k, nullptr);  // (B,S,A)
}

Var LocationAwareScore::convolve(const Var& prev) const {
  const int64_t B = prev.size(0), S = prev.size(1), half = filter_width / 2;
  Var zeros(Tensor::zeros({B, half}));
  Var padded = concat({zeros, prev, zeros}, 1);  // (B,S+w-1)
  std::vector<Var> shifted;                      // shifted[j][b,i] = α[b, i + j - w/2]
  for (int64_t j = 0; j < filter_width; ++j) shifted.push_back(slice(padded, 1, j, j + S));
  Var patches = stack(shifted, 2);     // (B,S,w)
  return linear(patches, F, nullptr);  // (B,S,w) Fᵀ -> (B,S,C)
}

Var LocationAwareScore::score(const Var& query, const Var& keys, const ScoreContext& ctx) const {
  check_inputs(query, keys);
  const int64_t B = keys.size(0), S = keys.size(1), A = attention_size;
  Var prev = ctx.prev_weights;
  if (prev.defined())
    S2S_CHECK(prev.shape() == (Shape{B, S}),
              "location_aware score: ctx.prev_weights must be (B,S) = {} for keys {}, got {}",
              shape_str({B, S}), shape_str(keys.shape()), shape_str(prev.shape()));
  else
    prev = Var(Tensor::zeros({B, S}));
  Var kp = keys_projected_or_computed(*this, keys, ctx, A);  // (B,S,A)  W_k k_i
  Var qp = linear(query, W_q, nullptr);                      // (B,A)    W_q q
  Var lp = linear(convolve(prev), U, nullptr);               // (B,S,A)  U f_i
  return additive_energy(kp + lp, qp, v);                    // (B,S)    vᵀ tanh(... + U f_i)
}

}  // namespace s2s
