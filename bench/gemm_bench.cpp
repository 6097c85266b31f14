// gemm_bench: GFLOP/s of s2s::gemm on float32 problems.
//   n=512 gflops=...                   square C = A B, n = 64..1024
//   shape=tA,tB,M,N,K gflops=...       the hot shapes of bench/reference_workload
//                                      (C (M,N) = op(A) op(B), op = transpose if tX = 1)
// Each figure is the median of 7 timed runs. Threads come from the global
// pool: run with S2S_THREADS=1 or 2 to compare. `gemm_bench hot` prints only
// the hot shapes. Compare with OpenBLAS: /usr/bin/python3 bench/gemm_numpy.py
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "core/fast/gemm.hpp"
#include "core/fast/thread_pool.hpp"

namespace {

// Median GFLOP/s of C (M,N) = op(A) (M,K) op(B) (K,N); one GEMM costs 2*M*N*K
// flops. Operands are stored as the framework stores them: A is (K,M) when
// transposed, B is (N,K) when transposed, all densely packed.
double measure(bool ta, bool tb, int64_t M, int64_t N, int64_t K) {
  std::mt19937 gen(0);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> A(static_cast<size_t>(M * K)), B(static_cast<size_t>(K * N)),
      C(static_cast<size_t>(M * N));
  for (float& x : A) x = u(gen);
  for (float& x : B) x = u(gen);
  const double flops = 2.0 * static_cast<double>(M * N * K);
  // Repeat each timed run until it does ~0.1 GFLOP so timer noise stays small.
  const int reps = std::max(1, static_cast<int>(1e8 / flops));
  const int64_t lda = ta ? M : K, ldb = tb ? K : N;
  auto once = [&] { s2s::gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, C.data(), N, false); };
  for (int r = 0; r < std::min(reps, 100); ++r) once();  // warm up caches, buffers, the pool
  std::vector<double> gflops;
  for (int run = 0; run < 7; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r) once();
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    gflops.push_back(flops * reps / dt.count() * 1e-9);
  }
  std::nth_element(gflops.begin(), gflops.begin() + 3, gflops.end());
  return gflops[3];
}

}  // namespace

int main(int argc, char** argv) {
  static_assert(sizeof(s2s::real) == sizeof(float), "gemm_bench measures the float32 build");
  const bool hot_only = argc > 1 && std::strcmp(argv[1], "hot") == 0;
  std::printf("# s2s::gemm float32, threads=%d\n", s2s::ThreadPool::global().num_threads());
  if (!hot_only)
    for (int64_t n : {64, 128, 256, 512, 1024})
      std::printf("n=%lld gflops=%.1f\n", static_cast<long long>(n),
                  measure(false, false, n, n, n));
  // {tA, tB, M, N, K}: the GEMM calls that take most of reference_workload's
  // time (medium, then small). Linear layers: forward x Wᵀ (0,1), backward
  // dX = dY W (0,0) and dW += dYᵀ X (1,0); M = 1 rows: batched matmuls of
  // attention, one GEMM per batch row.
  const int64_t shapes[][5] = {
      {0, 1, 32, 1024, 256},  {0, 1, 32, 1024, 384}, {0, 0, 32, 256, 1024}, {1, 0, 1024, 256, 32},
      {0, 1, 640, 1000, 512}, {0, 0, 32, 384, 1024}, {1, 0, 1024, 384, 32}, {0, 0, 640, 512, 1000},
      {1, 0, 1000, 512, 640}, {0, 1, 1, 20, 256},    {0, 1, 32, 1024, 128}, {0, 0, 32, 128, 1024},
      {1, 0, 1024, 128, 32},  {1, 0, 1, 256, 640},   {0, 1, 32, 256, 256},  {0, 0, 32, 256, 256},
      {1, 0, 256, 256, 32},   {1, 0, 20, 256, 1},    {0, 0, 640, 256, 1},   {0, 0, 1, 256, 20},
      {0, 1, 640, 1, 256},    {0, 1, 16, 256, 64},   {0, 1, 16, 256, 96},   {0, 0, 16, 64, 256},
      {0, 1, 1, 10, 64},      {1, 0, 256, 64, 16},   {0, 0, 16, 96, 256},   {1, 0, 256, 96, 16},
      {0, 1, 16, 256, 32},    {0, 0, 16, 32, 256},   {0, 1, 16, 64, 64},    {1, 0, 10, 64, 1},
      {0, 1, 160, 32, 128},   {1, 0, 1, 64, 160},    {0, 0, 1, 64, 10}};
  for (const auto& s : shapes)
    std::printf("shape=%lld,%lld,%lld,%lld,%lld gflops=%.1f\n", static_cast<long long>(s[0]),
                static_cast<long long>(s[1]), static_cast<long long>(s[2]),
                static_cast<long long>(s[3]), static_cast<long long>(s[4]),
                measure(s[0] != 0, s[1] != 0, s[2], s[3], s[4]));
}
