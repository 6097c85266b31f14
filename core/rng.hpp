#pragma once
// An explicit, seeded random generator: there is no hidden global RNG.
// The same seed gives the same numbers on every platform, because we do the
// uniform -> normal conversion ourselves (std::normal_distribution is not
// specified bit-for-bit across standard libraries).
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace s2s {

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal by Box-Muller: z = sqrt(-2 ln u1) cos(2 pi u2).
  double normal(double mean = 0.0, double stddev = 1.0) {
    double u1 = 1.0 - uniform();  // in (0, 1], so log is finite
    double u2 = uniform();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  // Uniform integer in [0, n).
  uint64_t below(uint64_t n) { return n == 0 ? 0 : gen_() % n; }
  uint64_t next() { return gen_(); }

 private:
  std::mt19937_64 gen_;
};

}  // namespace s2s
