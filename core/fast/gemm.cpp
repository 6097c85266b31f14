#include "core/fast/gemm.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "core/engine.hpp"
#include "core/fast/thread_pool.hpp"

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
//    A transposed B (x Wᵀ, W stored (N,K)) is packed by kVL x kVL transposes
//    in registers, a few shuffles per vector instead of one load and one
//    store per element. With few rows of A (small batches) each B strip is
//    used only a few times: a B with contiguous rows is then read in place,
//    with software prefetch, and otherwise each strip is packed just before use;
//    A's rows, when contiguous, are then read in place too (no packing at all).
// 3. Cache blocking. KC x NR strip of B stays in L1 while the kernel sweeps
//    all MR strips of A; the MC x KC block of A stays in L2. With small K
//    (dW += dYᵀ X, K = batch) C is swept strip of rows by strip of rows instead.
// 4. Threads. Large problems are split over column (or row) strips of C.
//    Every C element is computed by one thread with the same sequence of
//    operations, so results are bit-identical for any thread count (strips
//    are cut where they cannot change which loop computes an element).
//
// Loop nest (C is M x N, all loops step by the block size named):
//   jc over N by NC:  pc over K by KC:  pack B(pc.., jc..)
//     ic over M by MC:  pack A(ic.., pc..)
//       jr over NC by NR:  ir over MC by MR:  micro-kernel
//   C(i,j) = sum over KC blocks of (kernel dot product), accumulated in order.
//
// Products too small or too thin to repay any packing take one of three
// direct paths instead (chosen from the shape in gemm_with_pool):
//   gemm_dot   op(A) rows and op(B) columns both contiguous along k, M or N < 4
//              (attention's batched products, vᵀ tanh(...)): dot products;
//   gemm_rows  B rows contiguous, M <= 2 or K <= 4 (one batch row; outer
//              products): each row of C accumulated in vectors over k;
//   gemm_small anything else under 512 multiply-adds: plain loops.

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
// The kernel prefetches the B row this far ahead (see micro_kernel).
constexpr int64_t kPrefetchRows = 16;
// K up to this is "small": C is swept row strip by row strip (see gemm_blocked).
constexpr int64_t kSmallK = 64;
// Paths without packing (gemm_with_pool picks one; measured with gemm_bench):
// dot products when op(A) (M,K) and op(B) (K,N) both run along k and C has
// fewer than kDotMaxSide rows or columns; row-by-row products when B's rows
// are contiguous and A has at most kRowsMaxM rows or K <= kRowsMaxK; plain
// loops below kSmallWork multiply-adds. Packing costs more than it saves there.
constexpr int64_t kDotMaxSide = 4;
constexpr int64_t kRowsMaxM = 2;
constexpr int64_t kRowsMaxK = 4;
constexpr int64_t kSmallWork = 8 * 8 * 8;
// From this many multiply-adds (about 160^3, ~50 us on one core) the problem
// is split across threads. Measured with gemm_bench on 2 threads (the pool's
// workers poll for jobs, see thread_pool.hpp): 8M multiply-adds run 1.8-2x
// faster when the second core is free; 2M only 1.2-1.35x, and 0.8x when
// another process holds the second core, so smaller problems stay on one.
constexpr int64_t kParallelWork = int64_t{1} << 22;

// op(X)(r, c) = X[r * rs + c * cs]: a transposed operand just swaps the strides.
struct View {
  const real* p;
  int64_t rs, cs;
  real at(int64_t r, int64_t c) const { return p[r * rs + c * cs]; }
};

// ---- In-register transpose ------------------------------------------------------
// swap_blocks<h>(x, y) swaps the h-lane blocks of x that follow an even block
// with the h-lane blocks of y that precede an odd one:
//   h = 1:  x = [a b], y = [c d]  ->  x = [a c], y = [b d]
// Applied to rows r and r+h of a kVL x kVL block for every r with bit h clear,
// for h = kVL/2, ..., 1, it transposes the block (each level transposes the
// 2x2 arrangement of h x h sub-blocks inside every 2h x 2h block).
template <int h, size_t... L>
void swap_blocks(vec& x, vec& y, std::index_sequence<L...>) {
  const vec nx = __builtin_shufflevector(x, y, (L / h % 2 == 0 ? L : kVL + L - h)...);
  const vec ny = __builtin_shufflevector(x, y, (L / h % 2 == 0 ? L + h : kVL + L)...);
  x = nx;
  y = ny;
}
// Always inlined: as a call, w would live in memory instead of registers
// (measured: x Wᵀ with 16 rows lost 10% when GCC outlined it).
template <int h>
[[gnu::always_inline]] inline void transpose_level(vec* w) {
  for (int r = 0; r < kVL; ++r)
    if ((r & h) == 0) swap_blocks<h>(w[r], w[r + h], std::make_index_sequence<kVL>{});
  if constexpr (h > 1) transpose_level<h / 2>(w);
}
// dst[k * ldd + j] = src[j * lds + k] for j, k < kVL.
inline void transpose_block(const real* src, int64_t lds, real* dst, int64_t ldd) {
  vec w[kVL];
  for (int j = 0; j < kVL; ++j) w[j] = load(src + j * lds);
  transpose_level<kVL / 2>(w);
  for (int k = 0; k < kVL; ++k) store(dst + k * ldd, w[k]);
}

// ---- Packing ----------------------------------------------------------------------
// A block (mc x kc) -> strips of MR rows; strip s holds a[k*MR + i] = A(s*MR+i, k).
// A last strip with m < MR rows leaves rows m..MR-1 unset: micro_kernel<m> never reads them.
// Full strips are moved a vector at a time: with A's rows contiguous, kVL x kVL
// blocks (MR real rows, the rest copies of the last) are transposed in
// registers, as for B; with A transposed, each k's MR values are already
// contiguous. (Measured against element-by-element packing: dW += dYᵀ X
// 10-14% faster, square n = 512 178 -> 204 GFLOP/s.)
void pack_a(int64_t mc, int64_t kc, View A, real* dst) {
  constexpr size_t kStripBytes = kMR * sizeof(real);
  for (int64_t i0 = 0; i0 < mc; i0 += kMR, dst += kMR * kc) {
    const int64_t m = std::min<int64_t>(kMR, mc - i0);
    if (A.cs == 1) {  // rows of A contiguous: transpose kVL-wide column blocks
      int64_t k0 = 0;
      if constexpr (kMR <= kVL) {
        if (m == kMR)
          for (; k0 + kVL <= kc; k0 += kVL) {
            vec w[kVL];
            for (int i = 0; i < kVL; ++i)
              w[i] = load(&A.p[(i0 + std::min(i, kMR - 1)) * A.rs + k0]);
            transpose_level<kVL / 2>(w);  // w[k] lane i = A(i0+i, k0+k)
            for (int k = 0; k < kVL; ++k) std::memcpy(dst + (k0 + k) * kMR, &w[k], kStripBytes);
          }
      }
      for (int64_t i = 0; i < m; ++i)
        for (int64_t k = k0; k < kc; ++k) dst[k * kMR + i] = A.at(i0 + i, k);
    } else if (A.rs == 1 && m == kMR) {  // transposed, full strip: MR contiguous values per k
      for (int64_t k = 0; k < kc; ++k) std::memcpy(dst + k * kMR, &A.p[i0 + k * A.cs], kStripBytes);
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
    } else {  // B transposed (rows of the stored matrix run along k): transpose
              // kVL x kVL blocks in registers, the rest element by element
      int64_t k0 = 0;
      if (n == kNR)
        for (; k0 + kVL <= kc; k0 += kVL)
          for (int64_t jj = 0; jj < kNR; jj += kVL)
            transpose_block(&B.p[k0 * B.rs + (j0 + jj) * B.cs], B.cs, dst + k0 * kNR + jj, kNR);
      for (int64_t j = 0; j < n; ++j) {
        const real* s = &B.p[(j0 + j) * B.cs];  // contiguous along k
        for (int64_t k = k0; k < kc; ++k) dst[k * kNR + j] = s[k * B.rs];
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
// registers. kInPlace: B is read in place, so prefetch its rows.
//
// kAInPlace: A is read in place too, row i at a + i*lda (rows contiguous along
// k), instead of from a packed strip. Same multiply-adds in the same order, so
// the same numbers; for few rows of A, packing them (element by element)
// costs more than the kernel saves, up to half the time when N is small.
template <int R, bool kInPlace, bool kAInPlace>
void micro_kernel(int64_t kc, const real* a, int64_t lda, const real* b, int64_t ldb, real* C,
                  int64_t ldc, int n, bool add) {
  vec acc[R][2] = {};
  for (int64_t k = 0; k < kc; ++k, a += kAInPlace ? 1 : kMR, b += ldb) {
    if constexpr (kInPlace) {
      // B read in place comes row by row from L2 or memory, a row stride
      // apart: ask for the row kPrefetchRows ahead (measured in the reference
      // workload: +25% for dX = dY W, M = 32; packed strips need no help).
      __builtin_prefetch(b + kPrefetchRows * ldb);
      __builtin_prefetch(b + kPrefetchRows * ldb + kNR - 1);
    }
    const vec b0 = load(b), b1 = load(b + kVL);
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      const real ai = a[kAInPlace ? i * lda : i];
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

using KernelFn = void (*)(int64_t, const real*, int64_t, const real*, int64_t, real*, int64_t, int,
                          bool);

// kKernels[b_in_place][a_in_place][R] = micro_kernel<R, b_in_place, a_in_place>, R = 1..MR.
template <bool kInPlace, bool kAInPlace, int... Rs>
constexpr auto make_kernels(std::integer_sequence<int, Rs...>) {
  return std::array<KernelFn, sizeof...(Rs) + 1>{nullptr,
                                                 &micro_kernel<Rs + 1, kInPlace, kAInPlace>...};
}
using KernelRow = std::array<KernelFn, kMR + 1>;
constexpr std::array<std::array<KernelRow, 2>, 2> kKernels = {
    {{make_kernels<false, false>(std::make_integer_sequence<int, kMR>{}),
      make_kernels<false, true>(std::make_integer_sequence<int, kMR>{})},
     {make_kernels<true, false>(std::make_integer_sequence<int, kMR>{}),
      make_kernels<true, true>(std::make_integer_sequence<int, kMR>{})}}};

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

// ---- Dot-product path: x Wᵀ ------------------------------------------------------------
// C(i,j) (+)= Σ_k A(i,k) B(j,k) when the rows of op(A) and the columns of op(B)
// both run along k in memory (x Wᵀ with W (out,in) row-major), for thin
// products only: one to three rows (attention's per-batch-row products) or
// columns (vᵀ tanh(...)), where the blocked kernel would pack for a 12 x 32
// tile and keep a few of its elements. Nothing is packed. A register tile of
// RI rows of A times RJ rows of W (RI*RJ = kVL) keeps one vector accumulator
// per C element, each summing kVL-wide slices of its dot product along k. At the end the kVL
// accumulators are reduced together by a transpose-and-add tree into one vector whose lane r is the
// total of accumulator r: log2(kVL) levels of "shuffle two vectors, add", instead of kVL scalar
// lane sums per accumulator.
//
// fold<h>(x, y): lanes in even blocks of h lanes get x's block + the block
// after it, lanes in odd blocks get y's block before + y's block:
//   h = 2, kVL = 4:  x = [x0 x1 x2 x3], y = [y0 y1 y2 y3]
//   -> [x0+x2, x1+x3, y0+y2, y1+y3]
template <int h, size_t... L>
vec fold(vec x, vec y, std::index_sequence<L...>) {
  const vec lo = __builtin_shufflevector(x, y, (L / h % 2 == 0 ? L : kVL + L - h)...);
  const vec hi = __builtin_shufflevector(x, y, (L / h % 2 == 0 ? L + h : kVL + L)...);
  return lo + hi;
}

// Reduces w[0..n) in place, pairing w[r] with w[r + n/2] at half-width n/2,
// until w[0] lane r holds the sum of all lanes of the original w[r] (n = kVL).
// Every accumulator is summed by the same tree (lane l + lane l + h, h
// halving) whatever its position, so the result never depends on the tile.
template <int n>
void reduce_lanes(vec* w) {
  for (int r = 0; r < n / 2; ++r)
    w[r] = fold<n / 2>(w[r], w[r + n / 2], std::make_index_sequence<kVL>{});
  if constexpr (n > 2) reduce_lanes<n / 2>(w);
}

// Tile of C (ri <= RI rows, rj <= RJ columns) (+)= rows a[0..RI) · rows b[0..RJ),
// each of length K. Rows past ri / rj point at copies of valid rows (the
// caller clamps them): computed, never stored.
template <int RI, int RJ>
void dot_tile(int64_t K, const real* const* a, const real* const* b, real* C, int64_t ldc, int ri,
              int rj, bool add) {
  static_assert(RI * RJ == kVL, "one accumulator per lane of the reduced vector");
  vec acc[kVL] = {};
  const int64_t kv = K / kVL * kVL;
  for (int64_t k = 0; k < kv; k += kVL) {
    vec bv[RJ];
#pragma GCC unroll 16
    for (int j = 0; j < RJ; ++j) bv[j] = load(b[j] + k);
#pragma GCC unroll 16
    for (int i = 0; i < RI; ++i) {
      const vec av = load(a[i] + k);
#pragma GCC unroll 16
      for (int j = 0; j < RJ; ++j) acc[i * RJ + j] = av * bv[j] + acc[i * RJ + j];
    }
  }
  if (kv < K) {  // the last K % kVL terms: one more step on zero-padded vectors
    const size_t bytes = static_cast<size_t>(K - kv) * sizeof(real);
    vec bv[RJ] = {};
    for (int j = 0; j < RJ; ++j) std::memcpy(&bv[j], b[j] + kv, bytes);
    for (int i = 0; i < RI; ++i) {
      vec av = {};
      std::memcpy(&av, a[i] + kv, bytes);
      for (int j = 0; j < RJ; ++j) acc[i * RJ + j] = av * bv[j] + acc[i * RJ + j];
    }
  }
  reduce_lanes<kVL>(acc);
  real sum[kVL];
  store(sum, acc[0]);  // sum[i*RJ + j] = C tile element (i, j)
  for (int i = 0; i < ri; ++i)
    for (int j = 0; j < rj; ++j) {
      real& c = C[i * ldc + j];
      c = add ? c + sum[i * RJ + j] : sum[i * RJ + j];
    }
}

// Sweeps C in RI x RJ tiles. Rows of A are taken in blocks of about 16 KB
// that stay in L1 while every tile of W passes by them.
template <int RI, int RJ>
void dot_sweep(int64_t M, int64_t N, int64_t K, View A, View B, real* C, int64_t ldc,
               bool accumulate) {
  // op(B)(k, j) = B.p[k + j * B.cs]: column j of op(B) is a row of the stored matrix.
  const int64_t rows_per_block =
      std::max<int64_t>(RI, (int64_t{16384} / (K * int64_t{sizeof(real)})) / RI * RI);
  for (int64_t i0 = 0; i0 < M; i0 += rows_per_block) {
    const int64_t i1 = std::min(M, i0 + rows_per_block);
    for (int64_t j = 0; j < N; j += RJ) {
      const real* b[RJ];
      for (int t = 0; t < RJ; ++t) b[t] = B.p + std::min(j + t, N - 1) * B.cs;
      for (int64_t i = i0; i < i1; i += RI) {
        const real* a[RI];
        for (int t = 0; t < RI; ++t) a[t] = A.p + std::min(i + t, M - 1) * A.rs;
        dot_tile<RI, RJ>(K, a, b, C + i * ldc + j, ldc,
                         static_cast<int>(std::min<int64_t>(RI, i1 - i)),
                         static_cast<int>(std::min<int64_t>(RJ, N - j)), accumulate);
      }
    }
  }
}

// Vector-like products only (M < 4 or N < 4; for wider C the blocked path,
// whose packing of op(B) is a fast in-register transpose, is faster): one row
// of A times kVL rows of W, or kVL rows of A times one row of W.
void gemm_dot(int64_t M, int64_t N, int64_t K, View A, View B, real* C, int64_t ldc,
              bool accumulate) {
  if (N < M)
    dot_sweep<kVL, 1>(M, N, K, A, B, C, ldc, accumulate);
  else
    dot_sweep<1, kVL>(M, N, K, A, B, C, ldc, accumulate);
}

// ---- Row path: tiny products ------------------------------------------------------------
// C(i, :) (+)= Σ_k A(i,k) B(k, :) with B's rows contiguous: for each row of C,
// up to 4 vectors of it are accumulated in registers over k (one broadcast
// A(i,k) times a row piece of B per step). No packing and no setup, for
// products too small to repay them: a single row of A (batched matmuls do one
// GEMM per batch row), or K so small (an outer product, K = 1) that every C
// element takes only a few multiply-adds.
// A column of C is summed in the 4-vector loop, the 1-vector loop or the scalar tail,
// and the compiler may contract a * b + c into one rounding in one loop and not in
// another (seen with GCC 12 and AVX2: the last bits differ). So a thread's strip of
// columns is whole blocks of kRowsW (gemm_with_pool): each column then takes the same
// loop for any thread count.
constexpr int64_t kRowsW = 4 * kVL;

void gemm_rows(int64_t M, int64_t N, int64_t K, View A, View B, real* C, int64_t ldc,
               bool accumulate) {
  constexpr int64_t kW = kRowsW;
  for (int64_t i = 0; i < M; ++i) {
    real* c = C + i * ldc;
    int64_t j = 0;
    for (; j + kW <= N; j += kW) {
      vec acc[4] = {};
      for (int64_t k = 0; k < K; ++k) {
        const real a = A.at(i, k);
        const real* b = B.p + k * B.rs + j;
#pragma GCC unroll 4
        for (int v = 0; v < 4; ++v) acc[v] = a * load(b + v * kVL) + acc[v];
      }
#pragma GCC unroll 4
      for (int v = 0; v < 4; ++v)
        store(c + j + v * kVL, accumulate ? load(c + j + v * kVL) + acc[v] : acc[v]);
    }
    for (; j + kVL <= N; j += kVL) {
      vec acc = {};
      for (int64_t k = 0; k < K; ++k) acc = A.at(i, k) * load(B.p + k * B.rs + j) + acc;
      store(c + j, accumulate ? load(c + j) + acc : acc);
    }
    for (; j < N; ++j) {  // the last N % kVL columns
      real acc = 0;
      for (int64_t k = 0; k < K; ++k) acc = A.at(i, k) * B.p[k * B.rs + j] + acc;
      c[j] = accumulate ? c[j] + acc : acc;
    }
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
  // How B reaches the kernel, one of three ways:
  // - in place: few rows of A, so each B strip would be used only a few times
  //   and packing B costs about as much as the multiply. Needs B's rows
  //   contiguous; only a ragged last strip is packed (padded).
  // - strip by strip: one block of A rows (M <= MC), so each NR strip of B is
  //   packed just before the kernels use it and is still in L1 for all of them.
  // - whole panel: several blocks of A rows reuse it; or K is small, see below.
  const bool direct_b = B.cs == 1 && M <= kDirectBRows;
  // With small K every C element gets only a few multiply-adds and the time
  // goes into reading and writing C: sweep C in MR-row strips, each across
  // the whole (small) packed B panel, i.e. in memory order. (Measured: +15%
  // for dW += dYᵀ X with K = batch = 32.)
  const bool rows_outer = K <= kSmallK;
  // A read in place when its rows are contiguous and few (the same bound as B).
  const bool direct_a = A.cs == 1 && M <= kDirectBRows;
  const bool pack_panel = !direct_b && (M > kMC || rows_outer);
  for (int64_t jc = 0; jc < N; jc += kNC) {
    const int64_t nc = std::min(kNC, N - jc);
    for (int64_t pc = 0; pc < K; pc += kKC) {
      const int64_t kc = std::min(kKC, K - pc);
      const bool add = accumulate || pc > 0;  // later K blocks add onto earlier ones
      const View Bp{B.p + pc * B.rs + jc * B.cs, B.rs, B.cs};  // this KC x NC panel
      const int64_t ragged = nc % kNR;                         // width of a last, partial NR strip
      if (pack_panel)
        pack_b(kc, nc, Bp, pb);
      else if (direct_b && ragged > 0)
        pack_b(kc, ragged, View{Bp.p + nc - ragged, B.rs, 1}, pb);
      // B strip at column jr of the panel (n columns): pointer and row stride.
      auto strip = [&](int64_t jr, int n) -> std::pair<const real*, int64_t> {
        if (!direct_b) return {pack_panel ? pb + jr * kc : pb, kNR};
        return n == kNR ? std::pair<const real*, int64_t>{Bp.p + jr, B.rs} : std::pair{pb, kNR};
      };
      for (int64_t ic = 0; ic < M; ic += kMC) {
        const int64_t mc = std::min(kMC, M - ic);
        if (!direct_a) pack_a(mc, kc, View{A.p + ic * A.rs + pc * A.cs, A.rs, A.cs}, pa);
        // Rows per strip: MR, except that A read in place (no packed strip
        // layout to follow) is cut into equal strips, e.g. 16 rows as 8 + 8,
        // not 12 + 4: a 4-row tile has too few accumulators to hide the FMA
        // latency and loads B once per 8 multiply-adds instead of once per 16.
        const int64_t strips = (mc + kMR - 1) / kMR;
        const int64_t mr = direct_a ? (mc + strips - 1) / strips : kMR;
        auto tile = [&](int64_t ir, int64_t jr, int n) {
          const int r = static_cast<int>(std::min<int64_t>(mr, mc - ir));
          const auto [b, ldb] = strip(jr, n);
          const real* a = direct_a ? A.p + (ic + ir) * A.rs + pc : pa + ir * kc;
          kKernels[ldb != kNR][direct_a][r](kc, a, A.rs, b, ldb, C + (ic + ir) * ldc + jc + jr, ldc,
                                            n, add);
        };
        if (rows_outer) {
          for (int64_t ir = 0; ir < mc; ir += mr)
            for (int64_t jr = 0; jr < nc; jr += kNR) {
              // Prefetch the next tile's C (to the right, or the next rows'
              // first) while this one computes. (Measured: +5-10% for dW.)
              const bool last = jr + kNR >= nc;
              const int64_t ni = last ? ir + mr : ir, nj = last ? 0 : jr + kNR;
              for (int64_t i = ni; i < std::min(mc, ni + mr); ++i) {
                __builtin_prefetch(C + (ic + i) * ldc + jc + nj, 1);
                __builtin_prefetch(C + (ic + i) * ldc + jc + nj + kVL, 1);
              }
              tile(ir, jr, static_cast<int>(std::min<int64_t>(kNR, nc - jr)));
            }
        } else {
          for (int64_t jr = 0; jr < nc; jr += kNR) {
            const int n = static_cast<int>(std::min<int64_t>(kNR, nc - jr));
            if (!direct_b && !pack_panel) pack_b(kc, n, View{Bp.p + jr * B.cs, B.rs, B.cs}, pb);
            for (int64_t ir = 0; ir < mc; ir += mr) tile(ir, jr, n);
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
  // Pick the path from the whole problem (never from a thread's share of it).
  using Path = void (*)(int64_t, int64_t, int64_t, View, View, real*, int64_t, bool);
  Path path = gemm_blocked;
  if (a.cs == 1 && b.rs == 1 && std::min(M, N) < kDotMaxSide)
    path = gemm_dot;
  else if (b.cs == 1 && (M <= kRowsMaxM || K <= kRowsMaxK))
    path = gemm_rows;
  else if (work <= kSmallWork)
    path = gemm_small;
  if (pool == nullptr || pool->num_threads() == 1 || work < kParallelWork) {
    path(M, N, K, a, b, C, ldc, accumulate);
    return;
  }
  // Split C into strips along its longer side, in whole tiles so every thread
  // runs full-width kernels. Each strip is an independent smaller GEMM. The row
  // path's strips of columns are whole blocks of its widest loop (see gemm_rows).
  if (N >= M) {
    const int64_t w = path == gemm_rows ? kRowsW : kNR;
    pool->parallel_for((N + w - 1) / w, [&](int64_t s0, int64_t s1) {
      const int64_t j0 = s0 * w, j1 = std::min(N, s1 * w);
      path(M, j1 - j0, K, a, View{b.p + j0 * b.cs, b.rs, b.cs}, C + j0, ldc, accumulate);
    });
  } else {
    pool->parallel_for((M + kMR - 1) / kMR, [&](int64_t s0, int64_t s1) {
      const int64_t i0 = s0 * kMR, i1 = std::min(M, s1 * kMR);
      path(i1 - i0, N, K, View{a.p + i0 * a.rs, a.rs, a.cs}, b, C + i0 * ldc, ldc, accumulate);
    });
  }
}

void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const real* A, int64_t lda,
          const real* B, int64_t ldb, real* C, int64_t ldc, bool accumulate) {
  // The reference engine runs no thread pool (core/engine.hpp).
  gemm_with_pool(engine() == Engine::fast ? &ThreadPool::global() : nullptr, trans_a, trans_b, M, N, K, A, lda,
                 B, ldb, C, ldc, accumulate);
}

void plain_gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const real* A,
                int64_t lda, const real* B, int64_t ldb, real* C, int64_t ldc, bool accumulate) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      real c = accumulate ? C[i * ldc + j] : real(0);
      for (int64_t k = 0; k < K; ++k)  // C[i,j] (+)= Σ_k op(A)[i,k] op(B)[k,j]
        c += (trans_a ? A[k * lda + i] : A[i * lda + k]) *
             (trans_b ? B[j * ldb + k] : B[k * ldb + j]);
      C[i * ldc + j] = c;
    }
}

}  // namespace s2s
