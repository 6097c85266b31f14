// gemm: the blocked kernel against plain_gemm and a triple loop in double, for every
// transpose combination, edge sizes, padded strides and thread counts; and the
// thread pool it runs on.
#include "core/fast/gemm.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/fast/thread_pool.hpp"

using namespace s2s;

namespace {

// One GEMM problem with stored (possibly transposed, padded) operands.
struct Problem {
  bool ta, tb, accumulate;
  int64_t M, N, K, lda, ldb, ldc;
  std::vector<real> A, B, C0;  // C0: C before the call (also fills the padding)

  Problem(bool ta_, bool tb_, int64_t M_, int64_t N_, int64_t K_, int64_t pad, bool acc,
          std::mt19937& gen)
      : ta(ta_), tb(tb_), accumulate(acc), M(M_), N(N_), K(K_) {
    std::uniform_real_distribution<double> u(-1, 1);
    const int64_t a_rows = ta ? K : M, a_cols = ta ? M : K;  // stored shapes
    const int64_t b_rows = tb ? N : K, b_cols = tb ? K : N;
    lda = a_cols + pad;
    ldb = b_cols + pad;
    ldc = N + pad;
    A.resize(static_cast<size_t>(std::max<int64_t>(1, a_rows * lda)));
    B.resize(static_cast<size_t>(std::max<int64_t>(1, b_rows * ldb)));
    C0.resize(static_cast<size_t>(std::max<int64_t>(1, M * ldc)));
    for (real& x : A) x = static_cast<real>(u(gen));
    for (real& x : B) x = static_cast<real>(u(gen));
    for (real& x : C0) x = static_cast<real>(u(gen));
  }
  double a(int64_t i, int64_t k) const { return ta ? A[k * lda + i] : A[i * lda + k]; }
  double b(int64_t k, int64_t j) const { return tb ? B[j * ldb + k] : B[k * ldb + j]; }

  std::vector<real> run(ThreadPool* pool) const {
    std::vector<real> C = C0;
    gemm_with_pool(pool, ta, tb, M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc, accumulate);
    return C;
  }

  // Counts elements that differ from the double-precision triple loop by more
  // than the rounding bound (K+1) * eps * (|c0| + sum_k |a_ik b_kj|), and
  // padding elements that changed. 0 means correct.
  int64_t count_errors(const std::vector<real>& C) const {
    const double eps = std::numeric_limits<real>::epsilon();
    int64_t bad = 0;
    for (int64_t i = 0; i < M; ++i) {
      for (int64_t j = 0; j < ldc; ++j) {
        const size_t at = static_cast<size_t>(i * ldc + j);
        if (j >= N) {  // padding must be untouched
          bad += C[at] != C0[at];
          continue;
        }
        double want = accumulate ? C0[at] : 0.0, mag = std::abs(want);
        for (int64_t k = 0; k < K; ++k) {
          want += a(i, k) * b(k, j);
          mag += std::abs(a(i, k) * b(k, j));
        }
        bad += !(std::abs(C[at] - want) <= 2 * (K + 1) * eps * mag + 1e-300);
      }
    }
    return bad;
  }
};

}  // namespace

TEST_CASE("gemm: random shapes 0..70, all transposes, accumulate, padded strides") {
  std::mt19937 gen(1234);
  std::uniform_int_distribution<int64_t> size(0, 70), pad(0, 3);
  for (int trial = 0; trial < 400; ++trial) {
    const bool ta = trial & 1, tb = trial & 2, acc = trial & 4;
    Problem p(ta, tb, size(gen), size(gen), size(gen), pad(gen), acc, gen);
    CAPTURE(p.M);
    CAPTURE(p.N);
    CAPTURE(p.K);
    CAPTURE(ta);
    CAPTURE(tb);
    CAPTURE(acc);
    CHECK(p.count_errors(p.run(nullptr)) == 0);
    CHECK(p.count_errors(p.run(&ThreadPool::global())) == 0);
  }
}

TEST_CASE("gemm: sizes crossing the tile and cache block boundaries") {
  std::mt19937 gen(99);
  const int64_t mn_sizes[] = {1, 7, 16, 17, 63, 64, 65, 130, 257};
  const int64_t k_sizes[] = {1, 17, 257, 513};  // 257, 513 cross the K block (256)
  int cases = 0;
  for (int64_t M : mn_sizes)
    for (int64_t N : mn_sizes)
      for (int64_t K : k_sizes) {
        if (M * N * K > 3'000'000) continue;  // keep the reference loop quick
        const int t = cases++;
        Problem p(t & 1, t & 2, M, N, K, t % 3, t & 4, gen);
        CAPTURE(M);
        CAPTURE(N);
        CAPTURE(K);
        CHECK(p.count_errors(p.run(&ThreadPool::global())) == 0);
      }
  CHECK(cases > 200);
  // Wider than one N panel (4096) and taller than several M blocks.
  for (int t = 0; t < 4; ++t) {
    Problem wide(t & 1, t & 2, 3, 4100, 5, 1, t & 1, gen);
    CHECK(wide.count_errors(wide.run(nullptr)) == 0);
    Problem tall(t & 1, t & 2, 1000, 3, 9, 2, t & 2, gen);
    CHECK(tall.count_errors(tall.run(nullptr)) == 0);
  }
}

TEST_CASE("gemm: K = 0 gives zeros, or leaves C unchanged when accumulating") {
  std::mt19937 gen(5);
  Problem zero(false, false, 3, 4, 0, 1, false, gen);
  std::vector<real> C = zero.run(nullptr);
  CHECK(C[0] == 0);
  CHECK(C[2 * zero.ldc + 3] == 0);
  CHECK(zero.count_errors(C) == 0);
  Problem keep(true, true, 3, 4, 0, 1, true, gen);
  CHECK(keep.run(nullptr) == keep.C0);
}

TEST_CASE("gemm: threaded results are bit-identical to single-threaded") {
  std::mt19937 gen(42);
  ThreadPool two(2), three(3);
  // Wide (split over columns) and tall (split over rows), all transposes.
  const int64_t shapes[][3] = {{150, 333, 270}, {333, 150, 300}, {64, 1024, 64}};
  for (const auto& s : shapes)
    for (int t = 0; t < 4; ++t) {
      Problem p(t & 1, t & 2, s[0], s[1], s[2], 1, t == 3, gen);
      const std::vector<real> one = p.run(nullptr);
      CHECK(p.run(&two) == one);
      CHECK(p.run(&three) == one);
      CHECK(p.run(&ThreadPool::global()) == one);
    }
}

TEST_CASE("thread_pool: parallel_for covers 0..n-1 exactly once in contiguous chunks") {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    CHECK(pool.num_threads() == threads);
    for (int64_t n : {0, 1, 2, 7, 100}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      std::atomic<int> chunks{0};
      pool.parallel_for(n, [&](int64_t begin, int64_t end) {
        CHECK(begin < end);
        ++chunks;
        for (int64_t i = begin; i < end; ++i) ++hits[static_cast<size_t>(i)];
      });
      for (auto& h : hits) CHECK(h == 1);
      CHECK(chunks == std::min<int64_t>(n, threads));
    }
  }
}

TEST_CASE("thread_pool: jobs back to back (workers spinning) and after a pause (asleep)") {
  ThreadPool pool(3);
  std::vector<int64_t> sums;
  for (int job = 0; job < 2000; ++job) {  // microseconds apart: workers catch them spinning
    std::atomic<int64_t> sum{0};
    pool.parallel_for(30, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) sum += i + job;
    });
    sums.push_back(sum);
  }
  bool all_right = true;
  for (int job = 0; job < 2000; ++job)
    all_right &= sums[static_cast<size_t>(job)] == 435 + 30 * job;
  CHECK(all_right);
  for (int job = 0; job < 3; ++job) {  // long pauses: workers have gone to sleep
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::atomic<int> chunks{0};
    pool.parallel_for(3, [&](int64_t, int64_t) { ++chunks; });
    CHECK(chunks == 3);
  }
}

TEST_CASE("thread_pool: nested calls run inline and exceptions reach the caller") {
  ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  pool.parallel_for(4, [&](int64_t b, int64_t e) {
    pool.parallel_for(10, [&](int64_t b2, int64_t e2) { total += (e - b) * (e2 - b2); });
  });
  CHECK(total == 40);
  CHECK_THROWS_AS(pool.parallel_for(2,
                                    [](int64_t b, int64_t) {
                                      if (b == 1) throw std::runtime_error("chunk 1 failed");
                                    }),
                  std::runtime_error);
  int64_t after = 0;  // the pool still works after an exception
  pool.parallel_for(2, [&](int64_t b, int64_t e) {
    if (b == 0) after = e;
  });
  CHECK(after == 1);
}

// The fast paths gemm picks by shape (see gemm.cpp): each is checked on
// ragged sizes around its tile widths, with padded strides, both accumulate
// modes and the transposes that select it.
namespace {

// Runs every (M, N, K) combination; returns the number of problems with errors.
int64_t check_shapes(bool ta, bool tb, std::initializer_list<int64_t> Ms,
                     std::initializer_list<int64_t> Ns, std::initializer_list<int64_t> Ks,
                     std::mt19937& gen, int* cases) {
  int64_t failed = 0;
  for (int64_t M : Ms)
    for (int64_t N : Ns)
      for (int64_t K : Ks) {
        const int t = (*cases)++;
        Problem p(ta, tb, M, N, K, t % 3, t & 1, gen);
        const int64_t bad = p.count_errors(p.run(&ThreadPool::global()));
        if (bad != 0) {
          MESSAGE("M=" << M << " N=" << N << " K=" << K << " ta=" << ta << " tb=" << tb
                       << " errors=" << bad);
          ++failed;
        }
      }
  return failed;
}

}  // namespace

TEST_CASE("gemm: dot-product path (x Wᵀ with one or a few rows or columns)") {
  std::mt19937 gen(2024);
  int cases = 0;
  // tA = 0, tB = 1 with M < 4 or N < 4: both operands run along k.
  CHECK(check_shapes(false, true, {1, 2, 3}, {1, 5, 16, 17, 20, 33, 100},
                     {1, 7, 16, 17, 64, 100, 257, 300}, gen, &cases) == 0);
  CHECK(check_shapes(false, true, {1, 4, 15, 16, 17, 40, 200}, {1, 2, 3},
                     {1, 7, 16, 17, 64, 100, 257, 300}, gen, &cases) == 0);
  CHECK(cases == 2 * 7 * 3 * 8);
}

TEST_CASE("gemm: row path (one or two rows of A, or K <= 4)") {
  std::mt19937 gen(77);
  int cases = 0;
  for (bool ta : {false, true}) {  // B's rows contiguous (tB = 0) selects it
    CHECK(check_shapes(ta, false, {1, 2}, {1, 15, 16, 17, 63, 64, 65, 130}, {1, 5, 64, 100, 640},
                       gen, &cases) == 0);
    CHECK(check_shapes(ta, false, {3, 17, 40}, {1, 16, 20, 64, 65, 256}, {1, 2, 3, 4}, gen,
                       &cases) == 0);
  }
  CHECK(cases == 2 * (2 * 8 * 5 + 3 * 6 * 4));
}

TEST_CASE("gemm: packing Wᵀ by register transposes, and small K swept by rows") {
  std::mt19937 gen(31);
  int cases = 0;
  // tB = 1, M and N >= 4: op(B) is packed through kVL x kVL transposes (full
  // strips, K a multiple of the vector width or not) and element by element.
  for (bool ta : {false, true})
    CHECK(check_shapes(ta, true, {4, 13, 32, 65, 200}, {4, 31, 32, 33, 64, 100},
                       {5, 15, 16, 17, 48, 256, 300}, gen, &cases) == 0);
  // K <= 64 with many rows (dW += dYᵀ X): C swept in row strips.
  for (bool tb : {false, true})
    CHECK(check_shapes(true, tb, {64, 65, 193, 400}, {31, 32, 97}, {5, 16, 32, 64, 65}, gen,
                       &cases) == 0);
  CHECK(cases == 2 * 5 * 6 * 7 + 2 * 4 * 3 * 5);
}

TEST_CASE("gemm: every path gives bit-identical results for 1, 2 and 3 threads") {
  std::mt19937 gen(8);
  ThreadPool two(2), three(3);
  // {tA, tB, M, N, K}, each above the threading threshold (2^22 multiply-adds).
  const int64_t shapes[][5] = {
      {0, 1, 3, 5000, 300},   // dot path, one row of A per tile (split over columns)
      {0, 1, 5000, 3, 300},   // dot path, one row of W per tile (split over rows)
      {1, 0, 1100, 1000, 4},  // row path, K <= 4 (rows)
      {0, 0, 2, 2100, 1000},  // row path, M <= 2 (columns)
      {0, 0, 2, 2129, 1000},  // the same; strips of NR would cut its 4-vector blocks
      {0, 1, 32, 1024, 256},  // Wᵀ packed by transposes
      {1, 0, 1024, 260, 32},  // small K, C swept by rows; ragged strip
      {0, 0, 40, 1030, 300},  // B read in place with prefetch; ragged strip
  };
  for (const auto& s : shapes)
    for (bool acc : {false, true}) {
      Problem p(s[0] != 0, s[1] != 0, s[2], s[3], s[4], 1, acc, gen);
      CAPTURE(s[2]);
      CAPTURE(s[3]);
      CAPTURE(s[4]);
      const std::vector<real> one = p.run(nullptr);
      CHECK(p.count_errors(one) == 0);
      CHECK(p.run(&two) == one);
      CHECK(p.run(&three) == one);
    }
}

TEST_CASE("gemm: equals plain_gemm, the triple loop it stands for (all transposes, accumulate)") {
  std::mt19937 gen(77);
  std::uniform_int_distribution<int64_t> size(0, 40);
  for (int trial = 0; trial < 200; ++trial) {
    const bool ta = trial & 1, tb = trial & 2, acc = trial & 4;
    Problem p(ta, tb, size(gen), size(gen), size(gen), trial % 3, acc, gen);
    std::vector<real> plain = p.C0;
    plain_gemm(ta, tb, p.M, p.N, p.K, p.A.data(), p.lda, p.B.data(), p.ldb, plain.data(), p.ldc,
               acc);
    CAPTURE(trial);
    CHECK(p.count_errors(plain) == 0);  // the triple loop is right, padding untouched
    const std::vector<real> fast = p.run(nullptr);
    const double eps = std::numeric_limits<real>::epsilon();
    for (size_t i = 0; i < plain.size(); ++i)  // and the kernel agrees with it to rounding
      CHECK(std::abs(fast[i] - plain[i]) <= 4 * (p.K + 1) * eps * (1 + std::abs(plain[i])));
  }
}
