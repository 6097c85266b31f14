// The fast engine's matmul (core/ops_matmul.cpp is the reference one): the
// same products dA += dC Bᵀ, dB += Aᵀ dC, written by the matrix kernel with
// transpose flags straight into the gradient buffers (+=), so backward neither
// copies transposes nor allocates.
#include "core/fast/fast.hpp"
#include "core/fast/gemm.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

Var fast_matmul(const Var& a, const Var& b) {
  Tensor out = matmul(a.value(), b.value());  // checks the shapes
  return Var::make("matmul", std::move(out), {a, b}, [](Node& self) {
    const Tensor &A = self.input(0), &B = self.input(1), &dC = self.grad;
    const bool batched = A.rank() == 3 && B.rank() == 3;
    const int64_t batches = batched ? A.size(0) : 1;
    // (B,M,K)@(K,N) folds its batch into rows: M = B·M.
    const int64_t M = batched ? A.size(1) : A.numel() / A.size(-1);
    const int64_t K = A.size(-1), N = B.size(-1);
    Tensor* dA = self.input_grad(0);
    Tensor* dB = self.input_grad(1);
    for (int64_t i = 0; i < batches; ++i) {
      const real* a = A.data() + i * M * K;
      const real* b = B.data() + (batched ? i * K * N : 0);
      const real* dc = dC.data() + i * M * N;
      // gemm(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, accumulate): C (+)= op(A) op(B)
      // dA (M,K) += dC (M,N) · Bᵀ (N,K)
      if (dA) gemm(false, true, M, K, N, dc, N, b, N, dA->data() + i * M * K, K, true);
      // dB (K,N) += Aᵀ (K,M) · dC (M,N)
      if (dB)
        gemm(true, false, K, N, M, a, K, dc, N, dB->data() + (batched ? i * K * N : 0), N, true);
    }
  });
}

}  // namespace s2s
