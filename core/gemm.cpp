#include "core/gemm.hpp"

#include <algorithm>
#include <vector>

namespace s2s {

// Reference kernel: i-k-j loop order so the innermost loop runs along rows of
// B and C (contiguous, vectorisable). Transposed operands are packed first.
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const real* A, int64_t lda,
          const real* B, int64_t ldb, real* C, int64_t ldc, bool accumulate) {
  std::vector<real> packed_a, packed_b;
  if (trans_a) {  // stored (K,M) -> pack to (M,K)
    packed_a.resize(static_cast<size_t>(M * K));
    for (int64_t k = 0; k < K; ++k)
      for (int64_t i = 0; i < M; ++i) packed_a[i * K + k] = A[k * lda + i];
    A = packed_a.data();
    lda = K;
  }
  if (trans_b) {  // stored (N,K) -> pack to (K,N)
    packed_b.resize(static_cast<size_t>(K * N));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k) packed_b[k * N + n] = B[n * ldb + k];
    B = packed_b.data();
    ldb = N;
  }
  for (int64_t i = 0; i < M; ++i) {
    real* c = C + i * ldc;
    if (!accumulate) std::fill(c, c + N, real(0));
    for (int64_t k = 0; k < K; ++k) {
      const real a = A[i * lda + k];
      const real* b = B + k * ldb;
      for (int64_t j = 0; j < N; ++j) c[j] += a * b[j];
    }
  }
}

}  // namespace s2s
