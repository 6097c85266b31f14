// gemm's matrix-vector path (N < 4, operands contiguous along k: dot products
// instead of the packed kernel) against a double-precision loop, and its
// results for 1 vs several threads.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/fast/gemm.hpp"
#include "core/fast/thread_pool.hpp"

using namespace s2s;

namespace {

// C (M,N) (+)= A (M,K) · op(B); B stored (N,K) when trans_b (the dot path),
// else (K,N). Returns the number of elements outside the rounding bound.
int64_t matvec_errors(int64_t M, int64_t N, int64_t K, bool trans_b, bool acc, ThreadPool* pool,
                      std::mt19937& gen, std::vector<real>* out = nullptr) {
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<real> A(static_cast<size_t>(M * K)), B(static_cast<size_t>(K * N)),
      C(static_cast<size_t>(M * N));
  for (real& x : A) x = static_cast<real>(u(gen));
  for (real& x : B) x = static_cast<real>(u(gen));
  for (real& x : C) x = static_cast<real>(u(gen));
  const std::vector<real> C0 = C;
  gemm_with_pool(pool, false, trans_b, M, N, K, A.data(), K, B.data(), trans_b ? K : N, C.data(), N,
                 acc);
  if (out) *out = C;
  const double eps = std::numeric_limits<real>::epsilon();
  int64_t bad = 0;
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double want = acc ? C0[i * N + j] : 0.0, mag = std::abs(want);
      for (int64_t k = 0; k < K; ++k) {
        const double p =
            static_cast<double>(A[i * K + k]) * (trans_b ? B[j * K + k] : B[k * N + j]);
        want += p;
        mag += std::abs(p);
      }
      bad += !(std::abs(C[i * N + j] - want) <= 2 * (K + 1) * eps * mag);
    }
  return bad;
}

}  // namespace

TEST_CASE("gemm: matrix-vector products N < 4 match a double loop") {
  std::mt19937 gen(7);
  int cases = 0;
  for (int64_t M : {1, 3, 4, 5, 37})
    for (int64_t N : {1, 2, 3})
      for (int64_t K : {32, 33, 63, 100, 257})
        for (int t = 0; t < 4; ++t) {
          CAPTURE(M);
          CAPTURE(N);
          CAPTURE(K);
          CHECK(matvec_errors(M, N, K, t & 1, t & 2, nullptr, gen) == 0);
          ++cases;
        }
  CHECK(cases == 300);
}

TEST_CASE("gemm: threaded matrix-vector products are bit-identical to one thread") {
  ThreadPool two(2), three(3);
  for (int64_t N : {1, 3}) {
    std::mt19937 g1(11), g2(11), g3(11);
    std::vector<real> one, c2, c3;
    // 5000 x N x 1000 is above the threading threshold (4M multiply-adds).
    CHECK(matvec_errors(5000, N, 1000, true, false, nullptr, g1, &one) == 0);
    CHECK(matvec_errors(5000, N, 1000, true, false, &two, g2, &c2) == 0);
    CHECK(matvec_errors(5000, N, 1000, true, false, &three, g3, &c3) == 0);
    CHECK(c2 == one);
    CHECK(c3 == one);
  }
}
