#include "nn/linear.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

Linear::Linear(int64_t in, int64_t out, Rng& rng, bool has_bias)
    : in_features(in), out_features(out) {
  S2S_CHECK(in > 0 && out > 0, "Linear: sizes must be > 0, got in={} out={}", in, out);
  weight = register_parameter("weight", init::uniform_fan_in({out, in}, in, rng));
  if (has_bias) bias = register_parameter("bias", init::uniform_fan_in({out}, in, rng));
}

Var Linear::forward(const Var& x) const {
  S2S_CHECK(x.rank() >= 1 && x.size(-1) == in_features,
            "Linear: input's last size must be in_features {}, got input {}", in_features,
            shape_str(x.shape()));
  return linear(x, weight, bias.defined() ? &bias : nullptr);
}

}  // namespace s2s
