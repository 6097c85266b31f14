#include "core/gemm.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "core/thread_pool.hpp"

// A cache-blocked GEMM in the style of Goto/BLIS, in four ideas:
//
// 1. Register tile. The micro-kernel computes an MR x NR block of C held
//    entirely in vector registers: for each k it loads one row of B
//    (NR values = 2 vectors), broadcasts MR values of A's column k and does
//    2*MR fused multiply-adds. 2*MR accumulators hide the FMA latency.
// 2. Packing. Before the kernel runs, a KC x NC panel of op(B) and an
//    MC x KC block of op(A) are copied into contiguous buffers laid out in
//    exactly the order the kernel reads them (A in MR-row strips, B in
//    NR-column strips). The kernel then streams memory linearly whatever the
//    transposes and strides were, and strips are zero-padded at the edges.
//    Exception: with few rows of A (small batches), each B strip is used only
//    a few times, so packing B would cost as much as the multiply; B is then
//    read in place when its rows are contiguous.
// 3. Cache blocking. KC x NR strip of B stays in L1 while the kernel sweeps
//    all MR strips of A; the MC x KC block of A stays in L2.
// 4. Threads. Large problems are split over column (or row) strips of C.
//    Every C element is computed by one thread with the same sequence of
//    operations, so results are bit-identical for any thread count.
//
// Loop nest (C is M x N, all loops step by the block size named):
//   jc over N by NC:  pc over K by KC:  pack B(pc.., jc..)
//     ic over M by MC:  pack A(ic.., pc..)
//       jr over NC by NR:  ir over MC by MR:  micro-kernel
//   C(i,j) = sum over KC blocks of (kernel dot product), accumulated in order.

namespace s2s {

namespace {

// ---- SIMD vectors -------------------------------------------------------------
// GCC/Clang vector extension: `vec` holds kVL reals; + and * act lane-wise and
// `a * b + c` compiles to a fused multiply-add under -march=native (GCC
// contracts by default in C++). The width follows the widest registers the
// target has; without AVX it is 16 bytes (SSE2), still correct everywhere.
#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#elif defined(__AVX__)
constexpr int kVecBytes = 32;
#else
constexpr int kVecBytes = 16;
#endif
typedef real vec __attribute__((vector_size(kVecBytes)));
constexpr int kVL = kVecBytes / static_cast<int>(sizeof(real));  // lanes per vector

inline vec load(const real* p) {  // unaligned load
  vec v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline void store(real* p, vec v) { std::memcpy(p, &v, sizeof(v)); }

// ---- Block sizes ----------------------------------------------------------------
// Tile MR x NR: NR = 2 vectors; MR uses most of the registers for accumulators
// (32 registers with AVX-512: 2*12 accumulators; 16 with AVX2: 2*6).
constexpr int kNR = 2 * kVL;
constexpr int kMR = kVecBytes == 64 ? 12 : 6;
// KC: a KC x NR strip of B (KC*NR reals) should fit in L1 next to an A strip.
// MC: an MC x KC block of A should fit in L2. NC: a KC x NC panel of B in L2/L3.
constexpr int64_t kKC = 256;
constexpr int64_t kMC = 16 * kMR;
constexpr int64_t kNC = 4096;
// With at most this many rows of C, B is not packed (see gemm_blocked).
constexpr int64_t kDirectBRows = 64;
// Below this many multiply-adds packing costs more than it saves.
constexpr int64_t kSmallWork = 8 * 8 * 8;
// Above this many multiply-adds (about 160^3, ~50 us on one core) the problem
// is split across threads; below it waking a worker costs more than it saves.
constexpr int64_t kParallelWork = int64_t{1} << 22;

// op(X)(r, c) = X[r * rs + c * cs]: a transposed operand just swaps the strides.
struct View {
  const real* p;
  int64_t rs, cs;
  real at(int64_t r, int64_t c) const { return p[r * rs + c * cs]; }
};

// ---- Packing ----------------------------------------------------------------------
// A block (mc x kc) -> strips of MR rows; strip s holds a[k*MR + i] = A(s*MR+i, k).
// A last strip with m < MR rows leaves rows m..MR-1 unset: micro_kernel<m> never reads them.
void pack_a(int64_t mc, int64_t kc, View A, real* dst) {
  for (int64_t i0 = 0; i0 < mc; i0 += kMR, dst += kMR * kc) {
    const int64_t m = std::min<int64_t>(kMR, mc - i0);
    if (A.cs == 1) {  // rows of A contiguous: read along k
      for (int64_t i = 0; i < m; ++i)
        for (int64_t k = 0; k < kc; ++k) dst[k * kMR + i] = A.at(i0 + i, k);
    } else {  // columns contiguous (A transposed): read along i
      for (int64_t k = 0; k < kc; ++k)
        for (int64_t i = 0; i < m; ++i) dst[k * kMR + i] = A.at(i0 + i, k);
    }
  }
}

// B panel (kc x nc) -> strips of NR columns; strip s holds b[k*NR + j] = B(k, s*NR+j).
// Columns past nc are zero: the kernel always computes NR columns, and only
// the valid ones are stored.
void pack_b(int64_t kc, int64_t nc, View B, real* dst) {
  for (int64_t j0 = 0; j0 < nc; j0 += kNR, dst += kNR * kc) {
    const int64_t n = std::min<int64_t>(kNR, nc - j0);
    if (B.cs == 1) {  // rows of B contiguous: copy row pieces
      for (int64_t k = 0; k < kc; ++k) {
        real* d = dst + k * kNR;
        const real* s = &B.p[k * B.rs + j0];
        for (int64_t j = 0; j < n; ++j) d[j] = s[j];
        for (int64_t j = n; j < kNR; ++j) d[j] = real(0);
      }
    } else {  // B transposed: a transpose, in tiles of 8 k's x NR columns so the
              // NR rows being read and the 8 rows being written all stay in L1
      for (int64_t k0 = 0; k0 < kc; k0 += 8) {
        const int64_t kn = std::min<int64_t>(8, kc - k0);
        for (int64_t j = 0; j < n; ++j) {
          const real* s = &B.p[k0 * B.rs + (j0 + j) * B.cs];  // contiguous along k
          for (int64_t k = 0; k < kn; ++k) dst[(k0 + k) * kNR + j] = s[k];
        }
      }
      for (int64_t k = 0; k < kc; ++k)
        for (int64_t j = n; j < kNR; ++j) dst[k * kNR + j] = real(0);
    }
  }
}

// ---- Micro-kernel -------------------------------------------------------------------
// C tile (R x n, R <= MR rows, n <= NR columns) (+)= A strip (kc x MR) * B strip (kc x NR).
//   acc(i, :) = sum_k a[k*MR + i] * b[k*ldb + :]      (2 vectors per row i)
// The B strip is packed (ldb = NR) or, for small M, read in place (ldb = row stride).
// R is a template parameter so a short last strip of rows does only R rows of
// work; the loops over i and over the 2 vectors unroll fully and acc lives in
// registers.
template <int R>
void micro_kernel(int64_t kc, const real* a, const real* b, int64_t ldb, real* C, int64_t ldc,
                  int n, bool add) {
  vec acc[R][2] = {};
  for (int64_t k = 0; k < kc; ++k, a += kMR, b += ldb) {
    const vec b0 = load(b), b1 = load(b + kVL);
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      const real ai = a[i];
      acc[i][0] = ai * b0 + acc[i][0];
      acc[i][1] = ai * b1 + acc[i][1];
    }
  }
  if (n == kNR) {  // full width: vector stores
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      real* c = C + i * ldc;
      store(c, add ? load(c) + acc[i][0] : acc[i][0]);
      store(c + kVL, add ? load(c + kVL) + acc[i][1] : acc[i][1]);
    }
  } else {  // right edge: spill the tile, copy the n valid columns (same arithmetic)
    real tile[kNR];
    for (int i = 0; i < R; ++i) {
      store(tile, acc[i][0]);
      store(tile + kVL, acc[i][1]);
      real* c = C + i * ldc;
      for (int j = 0; j < n; ++j) c[j] = add ? c[j] + tile[j] : tile[j];
    }
  }
}

using KernelFn = void (*)(int64_t, const real*, const real*, int64_t, real*, int64_t, int, bool);

// kernels[R] = micro_kernel<R> for R = 1..MR.
template <int... Rs>
constexpr auto make_kernels(std::integer_sequence<int, Rs...>) {
  return std::array<KernelFn, sizeof...(Rs) + 1>{nullptr, &micro_kernel<Rs + 1>...};
}
constexpr auto kKernels = make_kernels(std::make_integer_sequence<int, kMR>{});

// ---- Packing buffers ------------------------------------------------------------------
// One pair per thread (thread_local), 64-byte aligned, grown on demand and
// reused: no heap allocation per call once warmed up.
struct AlignedDelete {
  void operator()(real* p) const { ::operator delete[](p, std::align_val_t{64}); }
};
class PackBuffer {
 public:
  real* get(int64_t n) {
    if (n > size_) {
      data_.reset(static_cast<real*>(
          ::operator new[](static_cast<size_t>(n) * sizeof(real), std::align_val_t{64})));
      size_ = n;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<real[], AlignedDelete> data_;
  int64_t size_ = 0;
};

// ---- Drivers ------------------------------------------------------------------------------
// Tiny problems: plain i-k-j loops (innermost along a row of C), no packing.
void gemm_small(int64_t M, int64_t N, int64_t K, View A, View B, real* C, int64_t ldc,
                bool accumulate) {
  for (int64_t i = 0; i < M; ++i) {
    real* c = C + i * ldc;
    if (!accumulate) std::fill(c, c + N, real(0));
    for (int64_t k = 0; k < K; ++k) {
      const real a = A.at(i, k);
      for (int64_t j = 0; j < N; ++j) c[j] += a * B.at(k, j);
    }
  }
}

// Rows of A times rows of Bᵀ as dot products: C(i,j) (+)= Σ_k A(i,k) B(k,j)
// when op(A)'s rows and op(B)'s columns are both contiguous in memory, as in
// linear's forward x Wᵀ with W (out,in) of a single output (out = 1). Nothing
// is packed. A tile of RI rows
// of A and RJ columns of B keeps RI*RJ vector accumulators along k; each is
// summed across its lanes at the end, then the last K % kVL terms are added.
// Every C element follows that same sequence wherever its tile lies, so the
// result does not depend on how the thread split cut C.
template <int RI, int RJ>
void dot_tile(int64_t K, const real* A, int64_t lda, const real* B, int64_t ldb, real* C,
              int64_t ldc, bool add) {
  vec acc[RI][RJ] = {};
  const int64_t kv = K / kVL * kVL;
  for (int64_t k = 0; k < kv; k += kVL) {
    vec b[RJ];
#pragma GCC unroll 8
    for (int j = 0; j < RJ; ++j) b[j] = load(B + j * ldb + k);
#pragma GCC unroll 8
    for (int i = 0; i < RI; ++i) {
      const vec a = load(A + i * lda + k);
#pragma GCC unroll 8
      for (int j = 0; j < RJ; ++j) acc[i][j] = a * b[j] + acc[i][j];
    }
  }
  for (int i = 0; i < RI; ++i)
    for (int j = 0; j < RJ; ++j) {
      real lanes[kVL];
      store(lanes, acc[i][j]);
      real s = 0;
      for (int l = 0; l < kVL; ++l) s += lanes[l];
      for (int64_t k = kv; k < K; ++k) s += A[i * lda + k] * B[j * ldb + k];
      real& c = C[i * ldc + j];
      c = add ? c + s : s;
    }
}

// The driver: tiles of 4 rows of A by one column of B (N is below 4 here).
void gemm_dot(int64_t M, int64_t N, int64_t K, View A, View B, real* C, int64_t ldc,
              bool accumulate) {
  // op(B)(k, j) = B.p[k + j * B.cs]: column j of op(B) is a row of the stored matrix.
  for (int64_t j = 0; j < N; ++j) {
    const real* b = B.p + j * B.cs;
    int64_t i = 0;
    for (; i + 4 <= M; i += 4)
      dot_tile<4, 1>(K, A.p + i * A.rs, A.rs, b, B.cs, C + i * ldc + j, ldc, accumulate);
    for (; i < M; ++i)
      dot_tile<1, 1>(K, A.p + i * A.rs, A.rs, b, B.cs, C + i * ldc + j, ldc, accumulate);
  }
}

// One thread's blocked GEMM on the whole (M, N, K) problem it is given.
void gemm_blocked(int64_t M, int64_t N, int64_t K, View A, View B, real* C, int64_t ldc,
                  bool accumulate) {
  thread_local PackBuffer a_buf, b_buf;
  const int64_t kc_max = std::min(K, kKC);
  const int64_t mc_max = (std::min(M, kMC) + kMR - 1) / kMR * kMR;
  const int64_t nc_max = (std::min(N, kNC) + kNR - 1) / kNR * kNR;
  real* pa = a_buf.get(mc_max * kc_max);
  real* pb = b_buf.get(nc_max * kc_max);
  // Few rows of A: each B strip would be used only a few times, so packing B
  // costs about as much as the multiply. If B's rows are contiguous the
  // kernel reads them in place; only a ragged last strip is packed (padded).
  const bool direct_b = B.cs == 1 && M <= kDirectBRows;
  for (int64_t jc = 0; jc < N; jc += kNC) {
    const int64_t nc = std::min(kNC, N - jc);
    for (int64_t pc = 0; pc < K; pc += kKC) {
      const int64_t kc = std::min(kKC, K - pc);
      const bool add = accumulate || pc > 0;  // later K blocks add onto earlier ones
      const View Bp{B.p + pc * B.rs + jc * B.cs, B.rs, B.cs};  // this KC x NC panel
      const int64_t ragged = nc % kNR;                         // width of a last, partial NR strip
      if (!direct_b)
        pack_b(kc, nc, Bp, pb);
      else if (ragged > 0)
        pack_b(kc, ragged, View{Bp.p + nc - ragged, B.rs, 1}, pb);
      for (int64_t ic = 0; ic < M; ic += kMC) {
        const int64_t mc = std::min(kMC, M - ic);
        pack_a(mc, kc, View{A.p + ic * A.rs + pc * A.cs, A.rs, A.cs}, pa);
        for (int64_t jr = 0; jr < nc; jr += kNR) {
          const int n = static_cast<int>(std::min<int64_t>(kNR, nc - jr));
          const real* b = !direct_b ? pb + jr * kc : n == kNR ? Bp.p + jr : pb;
          const int64_t ldb = direct_b && n == kNR ? B.rs : kNR;
          for (int64_t ir = 0; ir < mc; ir += kMR) {
            const int r = static_cast<int>(std::min<int64_t>(kMR, mc - ir));
            kKernels[r](kc, pa + ir * kc, b, ldb, C + (ic + ir) * ldc + jc + jr, ldc, n, add);
          }
        }
      }
    }
  }
}

}  // namespace

void gemm_with_pool(ThreadPool* pool, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                    const real* A, int64_t lda, const real* B, int64_t ldb, real* C, int64_t ldc,
                    bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // empty sum: C = 0, or C unchanged when accumulating
    if (!accumulate)
      for (int64_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, real(0));
    return;
  }
  const View a = trans_a ? View{A, 1, lda} : View{A, lda, 1};  // op(A) is (M,K)
  const View b = trans_b ? View{B, 1, ldb} : View{B, ldb, 1};  // op(B) is (K,N)
  const int64_t work = M * N * K;
  if (work <= kSmallWork) {
    gemm_small(M, N, K, a, b, C, ldc, accumulate);
    return;
  }
  // Matrix-vector products (N < 4, e.g. attention's vᵀ tanh(...)) as dot
  // products when both operands run along k in memory: the packed kernel would
  // compute 2*kVL columns to keep 1. (Measured: ~10x faster for N = 1. For
  // wider N the lane sums at the end of each dot product cost more than
  // packing saves, so the blocked kernel stays.)
  const bool dot = a.cs == 1 && b.rs == 1 && K >= 2 * kVL && N < 4;
  auto blocked = dot ? gemm_dot : gemm_blocked;
  if (pool == nullptr || pool->num_threads() == 1 || work < kParallelWork) {
    blocked(M, N, K, a, b, C, ldc, accumulate);
    return;
  }
  // Split C into strips along its longer side, in whole tiles so every thread
  // runs full-width kernels. Each strip is an independent smaller GEMM.
  if (N >= M) {
    pool->parallel_for((N + kNR - 1) / kNR, [&](int64_t s0, int64_t s1) {
      const int64_t j0 = s0 * kNR, j1 = std::min(N, s1 * kNR);
      blocked(M, j1 - j0, K, a, View{b.p + j0 * b.cs, b.rs, b.cs}, C + j0, ldc, accumulate);
    });
  } else {
    pool->parallel_for((M + kMR - 1) / kMR, [&](int64_t s0, int64_t s1) {
      const int64_t i0 = s0 * kMR, i1 = std::min(M, s1 * kMR);
      blocked(i1 - i0, N, K, View{a.p + i0 * a.rs, a.rs, a.cs}, b, C + i0 * ldc, ldc, accumulate);
    });
  }
}

void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const real* A, int64_t lda,
          const real* B, int64_t ldb, real* C, int64_t ldc, bool accumulate) {
  gemm_with_pool(&ThreadPool::global(), trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc,
                 accumulate);
}

}  // namespace s2s
