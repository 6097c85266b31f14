// The affine map of every Linear layer, y = x Wᵀ + b, as one op, so the weight
// keeps PyTorch's (out,in) layout without a transpose copy. linear is the
// engine's (core/op_table.hpp); the fast engine's twin runs the backward's two
// products on two threads.
#include "core/error.hpp"
#include "core/fast/gemm.hpp"  // the numeric backend: the matrix kernel
#include "core/op_table.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

void check_linear(const Var& x, const Var& W, const Var* b) {
  S2S_CHECK(W.rank() == 2, "linear: weight must be (out,in), got {}", shape_str(W.shape()));
  const int64_t out = W.size(0), in = W.size(1);
  S2S_CHECK(x.rank() >= 1 && x.size(-1) == in,
            "linear: input's last size must be in_features {} (weight {}), got input {}", in,
            shape_str(W.shape()), shape_str(x.shape()));
  if (b)
    S2S_CHECK(b->shape() == Shape{out}, "linear: bias must be ({},), got {}", out,
              shape_str(b->shape()));
}

Var linear(const Var& x, const Var& W, const Var* b) { return engine_ops().linear(x, W, b); }

// y = x Wᵀ + b          x (N,in) (any leading axes count as N), W (out,in), b (out)
// dx += dy W,   dW += dyᵀ x,   db += Σ_n dy_n
Var reference_linear(const Var& x, const Var& W, const Var* b) {
  check_linear(x, W, b);
  const int64_t out = W.size(0), in = W.size(1), N = x.value().numel() / in;
  Shape y_shape = x.shape();
  y_shape.back() = out;
  Tensor y = Tensor::uninitialized(y_shape);  // gemm writes every element
  // gemm(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, accumulate): C (+)= op(A) op(B)
  gemm(false, true, N, out, in, x.value().data(), in, W.value().data(), in, y.data(), out, false);
  if (b) y += b->value();  // (N,out) + (out): broadcast over rows
  Var inputs[3] = {x, W};
  if (b) inputs[2] = *b;
  return Var::make("linear", std::move(y), std::span<const Var>(inputs, b ? 3 : 2),
                   [N, in, out](Node& self) {
                     const real* dy = self.grad.data();    // (N,out)
                     if (Tensor* dx = self.input_grad(0))  // dx (N,in) += dy (N,out) W (out,in)
                       gemm(false, false, N, in, out, dy, out, self.input(1).data(), in, dx->data(),
                            in, /*accumulate=*/true);
                     if (Tensor* dW = self.input_grad(1))  // dW (out,in) += dyᵀ (out,N) x (N,in)
                       gemm(true, false, out, in, N, dy, out, self.input(0).data(), in, dW->data(),
                            in, /*accumulate=*/true);
                     if (self.inputs.size() == 3)
                       if (Tensor* db = self.input_grad(2))  // db (out) += Σ_n dy_n
                         *db += sum(self.grad.reshape({N, out}), 0);
                   });
}

}  // namespace s2s
