// Gradient checks (float64, central differences) for issue 25's training ops:
// the label-smoothed cross-entropy, with padding rows ignored.
#include <doctest/doctest.h>

#include "nn/label_smoothing.hpp"
#include "tests/gradcheck/nn_module_check.hpp"

using namespace s2s;

TEST_CASE("nn: gradcheck smoothed_cross_entropy with ignore index") {
  Rng rng(17);
  const Ids targets{2, 0, 4, 1, 3};  // 4 is the ignore index here
  for (real eps : {real(0), real(0.1), real(0.5)}) {
    CAPTURE(eps);
    auto r = gradcheck("smoothed_cross_entropy",
                       [&](auto& v) { return smoothed_cross_entropy(v[0], targets, eps, 4); },
                       {Tensor::normal({5, 6}, rng, 0, 2)});
    INFO(r.message);
    CHECK(r.ok);
    CHECK(r.checked > 0);
  }
}
