// gemm_bench: GFLOP/s of s2s::gemm on square float32 problems, C = A B.
// One line per size, `n=512 gflops=...`, the median of 7 timed runs. Threads
// come from the global pool: run with S2S_THREADS=1 or 2 to compare.
// A few framework-typical shapes follow as `shape=MxKxN gflops=...`.
// Compare with OpenBLAS: /usr/bin/python3 bench/gemm_numpy.py
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "core/gemm.hpp"
#include "core/thread_pool.hpp"

namespace {

// Median GFLOP/s of C (M,N) = A (M,K) B (K,N); one GEMM costs 2*M*N*K flops.
double measure(int64_t M, int64_t N, int64_t K) {
  std::mt19937 gen(0);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> A(static_cast<size_t>(M * K)), B(static_cast<size_t>(K * N)),
      C(static_cast<size_t>(M * N));
  for (float& x : A) x = u(gen);
  for (float& x : B) x = u(gen);
  const double flops = 2.0 * static_cast<double>(M * N * K);
  // Repeat each timed run until it does ~0.2 GFLOP so timer noise stays small.
  const int reps = std::max(1, static_cast<int>(2e8 / flops));
  auto once = [&] {
    s2s::gemm(false, false, M, N, K, A.data(), K, B.data(), N, C.data(), N, false);
  };
  once();  // warm up: page in buffers, grow the packing buffers, start the pool
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

int main() {
  static_assert(sizeof(s2s::real) == sizeof(float), "gemm_bench measures the float32 build");
  std::printf("# s2s::gemm float32, threads=%d\n", s2s::ThreadPool::global().num_threads());
  for (int64_t n : {64, 128, 256, 512, 1024})
    std::printf("n=%lld gflops=%.1f\n", static_cast<long long>(n), measure(n, n, n));
  // (M,K) x (K,N) shapes the seq2seq models multiply: batch x hidden x gates, vocab.
  const int64_t shapes[][3] = {{16, 64, 256}, {16, 256, 1024}, {64, 256, 256}};
  for (const auto& s : shapes)
    std::printf("shape=%lldx%lldx%lld gflops=%.1f\n", static_cast<long long>(s[0]),
                static_cast<long long>(s[1]), static_cast<long long>(s[2]),
                measure(s[0], s[2], s[1]));
}
