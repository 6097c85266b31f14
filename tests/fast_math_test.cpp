// The vectorizable float exp/tanh/sigmoid (core/fast/fast_math.hpp) against the
// standard library in double, over a dense grid and at the edges.
#include "core/fast/fast_math.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>
#include <limits>

#include "core/tensor_math.hpp"

namespace {

// Largest |fast - exact| / max(|exact|, floor) over x in [lo, hi] with step h.
template <class Fast, class Exact>
double max_rel_error(Fast fast, Exact exact, double lo, double hi, double h, double floor) {
  double worst = 0;
  for (double x = lo; x <= hi; x += h) {
    const double want = exact(x);
    const double got = fast(static_cast<float>(x));
    const double e = std::abs(got - want) / std::max(std::abs(want), floor);
    worst = std::max(worst, e);
  }
  return worst;
}

}  // namespace

TEST_CASE("core: fast exp is accurate to a few float ulp") {
  const double err =
      max_rel_error([](float x) { return s2s::fast::exp(x); },
                    [](double x) { return std::exp(static_cast<double>(static_cast<float>(x))); },
                    -80, 80, 1e-3, 0);
  CHECK(err < 5e-7);
  CHECK(s2s::fast::exp(0.0f) == 1.0f);
  // The edges behave like std::exp: overflow to Inf, underflow to 0, NaN kept.
  CHECK(std::isinf(s2s::fast::exp(1000.0f)));
  CHECK(s2s::fast::exp(-1000.0f) == 0.0f);
  CHECK(std::isnan(s2s::fast::exp(std::numeric_limits<float>::quiet_NaN())));
}

TEST_CASE("core: fast tanh and sigmoid match the standard library") {
  auto exact_tanh = [](double x) { return std::tanh(static_cast<double>(static_cast<float>(x))); };
  auto exact_sigmoid = [](double x) {
    return 1.0 / (1.0 + std::exp(-static_cast<double>(static_cast<float>(x))));
  };
  // Dense near 0 (the Taylor branch and its switch point at 0.25), coarser further out.
  CHECK(max_rel_error([](float x) { return s2s::fast::tanh(x); }, exact_tanh, -1, 1, 1e-5, 1e-30) <
        1e-6);
  CHECK(max_rel_error([](float x) { return s2s::fast::tanh(x); }, exact_tanh, -20, 20, 1e-3,
                      1e-30) < 1e-6);
  CHECK(max_rel_error([](float x) { return s2s::fast::sigmoid(x); }, exact_sigmoid, -30, 30, 1e-3,
                      1e-30) < 1e-6);
  // Saturation and sign.
  CHECK(s2s::fast::tanh(100.0f) == 1.0f);
  CHECK(s2s::fast::tanh(-100.0f) == -1.0f);
  CHECK(s2s::fast::tanh(-0.1f) < 0.0f);
  CHECK(s2s::fast::sigmoid(-200.0f) == 0.0f);
  CHECK(std::isnan(s2s::fast::tanh(std::numeric_limits<float>::quiet_NaN())));
  CHECK(std::isnan(s2s::fast::sigmoid(std::numeric_limits<float>::quiet_NaN())));
  CHECK(s2s::fast::sigmoid(200.0f) == 1.0f);
  CHECK(s2s::fast::tanh(1e-20f) == 1e-20f);  // tiny inputs keep full relative precision
}

TEST_CASE("core: tensor tanh and sigmoid use the accurate path in both precisions") {
  s2s::Tensor x = s2s::Tensor::from({5}, {-3, -0.2f, 0, 0.1f, 4});
  s2s::Tensor t = s2s::tanh(x), s = s2s::sigmoid(x);
  for (int64_t i = 0; i < 5; ++i) {
    const double xi = x[i];
    CHECK(t[i] == doctest::Approx(std::tanh(xi)).epsilon(1e-6));
    CHECK(s[i] == doctest::Approx(1 / (1 + std::exp(-xi))).epsilon(1e-6));
  }
}

TEST_CASE("core: fast max over 16 lanes equals std::max_element for every length and position") {
  for (int64_t n = 1; n <= 70; ++n)
    for (int64_t at = 0; at < n; ++at) {
      std::vector<float> x(static_cast<size_t>(n));
      for (int64_t k = 0; k < n; ++k) x[static_cast<size_t>(k)] = static_cast<float>(-k % 7) - 3.5f;
      x[static_cast<size_t>(at)] = 100.0f + static_cast<float>(at);  // the maximum, anywhere
      REQUIRE(s2s::fast::max(x.data(), n) == *std::max_element(x.begin(), x.end()));
    }
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> all_neg_inf(20, -inf);
  CHECK(s2s::fast::max(all_neg_inf.data(), 20) == -inf);  // a fully masked row
}
