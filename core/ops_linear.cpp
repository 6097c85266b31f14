// The affine map of every Linear layer, y = x Wᵀ + b, as one primitive so the
// weight can stay in PyTorch's (out,in) layout without a transpose copy.
// tests/gradcheck checks it and that it equals matmul(x, transpose(W)) + b.
#include "core/error.hpp"
#include "core/gemm.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

// y = x Wᵀ + b    x (N,in), W (out,in), b (out)
// dx += dy W,   dW += dyᵀ x,   db += Σ_n dy_n
Var linear(const Var& x, const Var& W, const Var* b) {
  S2S_CHECK(W.rank() == 2, "linear: weight must be (out,in), got {}", shape_str(W.shape()));
  const int64_t out = W.size(0), in = W.size(1);
  S2S_CHECK(x.rank() >= 1 && x.size(-1) == in,
            "linear: input's last size must be in_features {} (weight {}), got input {}", in,
            shape_str(W.shape()), shape_str(x.shape()));
  if (b)
    S2S_CHECK(b->shape() == Shape{out}, "linear: bias must be ({},), got {}", out,
              shape_str(b->shape()));
  const int64_t N = x.value().numel() / in;
  Shape out_shape = x.shape();
  out_shape.back() = out;
  Tensor y = Tensor::uninitialized(out_shape);  // gemm below writes every element
  gemm(false, true, N, out, in, x.value().data(), in, W.value().data(), in, y.data(), out, false);
  if (b)
    for (int64_t n = 0; n < N; ++n)
      for (int64_t o = 0; o < out; ++o) y[n * out + o] += b->value()[o];
  std::vector<Var> inputs{x, W};
  if (b) inputs.push_back(*b);
  return Var::make("linear", std::move(y), inputs, [N, in, out](Node& self) {
    const real* dy = self.grad.data();
    bool fresh;                                  // a new gradient buffer: gemm writes, not adds
    if (Tensor* dx = self.input_grad(0, fresh))  // (N,in) += (N,out)·(out,in)
      gemm(false, false, N, in, out, dy, out, self.inputs[1]->value.data(), in, dx->data(), in,
           !fresh);
    if (Tensor* dW = self.input_grad(1, fresh))  // (out,in) += (N,out)ᵀ·(N,in)
      gemm(true, false, out, in, N, dy, out, self.inputs[0]->value.data(), in, dW->data(), in,
           !fresh);
    if (self.inputs.size() > 2)
      if (Tensor* db = self.input_grad(2))
        for (int64_t n = 0; n < N; ++n)
          for (int64_t o = 0; o < out; ++o) (*db)[o] += dy[n * out + o];
  });
}

}  // namespace s2s
