// Matrix product C = A B, on (M,K)@(K,N), (B,M,K)@(B,K,N) and (B,M,K)@(K,N)
// (core/tensor_math.cpp's matmul on values). Its gradient is two more products:
//   dA += dC Bᵀ        dB += Aᵀ dC
// matmul is the engine's (core/op_table.hpp): the fast engine's twin computes
// the same products with the matrix kernel's transpose flags, without copies.
#include "core/error.hpp"
#include "core/op_table.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

Var matmul(const Var& a, const Var& b) { return engine_ops().matmul(a, b); }

Var reference_matmul(const Var& a, const Var& b) {
  Tensor out = matmul(a.value(), b.value());  // checks the shapes
  return Var::make("matmul", std::move(out), {a, b}, [](Node& self) {
    const Tensor &A = self.input(0), &B = self.input(1), &dC = self.grad;
    // BEGIN EXERCISE matmul-backward
    if (Tensor* dA = self.input_grad(0))  // dA (…,M,K) += dC (…,M,N) Bᵀ (…,N,K)
      *dA += matmul(dC, B.transpose(-2, -1));
    if (Tensor* dB = self.input_grad(1)) {  // dB (…,K,N) += Aᵀ (…,K,M) dC (…,M,N)
      if (A.rank() == 3 && B.rank() == 2) {
        // One B for every batch: its gradient sums over them. Fold the batch into
        // rows, A (B·M,K) and dC (B·M,N), and one product does the sum.
        const int64_t K = A.size(2), N = B.size(1);
        *dB += matmul(A.reshape({A.numel() / K, K}).transpose(0, 1),
                      dC.reshape({dC.numel() / N, N}));
      } else {
        *dB += matmul(A.transpose(-2, -1), dC);
      }
    }
    // END EXERCISE
  });
}

}  // namespace s2s
