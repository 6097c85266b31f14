#pragma once
// The one matrix-multiply kernel every matmul (forward and backward) calls.
//   C (M,N) = op(A) (M,K) * op(B) (K,N)   [+ C if accumulate]
// op(X) is X or Xᵀ; lda/ldb/ldc are row strides of the stored matrices.
// Cache-blocked and register-tiled, with direct paths for thin and tiny
// products (see gemm.cpp); under the fast engine large problems run on the
// global ThreadPool. Results are bit-identical for every thread count.
#include <cstdint>

#include "core/real.hpp"

namespace s2s {

class ThreadPool;

void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const real* A, int64_t lda,
          const real* B, int64_t ldb, real* C, int64_t ldc, bool accumulate);

// Same as gemm, but large problems use `pool` (nullptr: the calling thread only).
// gemm(...) is gemm_with_pool(&ThreadPool::global(), ...).
void gemm_with_pool(ThreadPool* pool, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                    const real* A, int64_t lda, const real* B, int64_t ldb, real* C, int64_t ldc,
                    bool accumulate);

// What gemm computes, as the plain triple loop (slow; tests/gemm_test.cpp
// checks that gemm equals it):  C[i,j] (+)= Σ_k op(A)[i,k] op(B)[k,j].
void plain_gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const real* A,
                int64_t lda, const real* B, int64_t ldb, real* C, int64_t ldc, bool accumulate);

}  // namespace s2s
