// The fast engine's linear (core/ops_linear.cpp is the reference one) and
// linear_add, a recurrent cell's  addend + x Wᵀ + b  as one op. Same numbers as
// the reference: gemm's result does not depend on threads or on whether it
// writes into a fresh buffer or adds to zeros.
#include <span>

#include "core/error.hpp"
#include "core/fast/fast.hpp"
#include "core/fast/gemm.hpp"
#include "core/fast/grad_handover.hpp"
#include "core/fast/thread_pool.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

// Above this many multiply-adds per product, linear's backward computes dx and
// dW on two threads at once (see below); below, handing work to the other
// core costs more than it saves.
constexpr int64_t kLinearPairWork = int64_t{1} << 20;

namespace {
// The bias loops on plain pointers that cannot alias, so they vectorize
// (through Tensor's operator[] the compiler had to assume the bias could
// change under each store: a scalar loop, a fifth of the GEMM's time for a
// (32,1024) output).
void add_to_rows(real* __restrict y, const real* __restrict b, int64_t N, int64_t out) {
  for (int64_t n = 0; n < N; ++n)  // y (N,out) row n += b (out)
    for (int64_t o = 0; o < out; ++o) y[n * out + o] += b[o];
}
void add_elementwise(real* __restrict y, const real* __restrict a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] + y[i];
}
void add_row_sums(real* __restrict db, const real* __restrict dy, int64_t N, int64_t out) {
  for (int64_t n = 0; n < N; ++n)  // db (out) += dy (N,out) row n
    for (int64_t o = 0; o < out; ++o) db[o] += dy[n * out + o];
}

// y = x Wᵀ + b (+ addend)    x (N,in), W (out,in), b (out), addend like y
// dx += dy W,   dW += dyᵀ x,   db += Σ_n dy_n,   daddend += dy
Var linear_impl(const Var& x, const Var& W, const Var* b, const Var* addend) {
  check_linear(x, W, b);
  const int64_t out = W.size(0), in = W.size(1);
  const int64_t N = x.value().numel() / in;
  Shape out_shape = x.shape();
  out_shape.back() = out;
  if (addend)
    S2S_CHECK(addend->shape() == out_shape,
              "linear: addend must have the output's shape {}, got {}", shape_str(out_shape),
              shape_str(addend->shape()));
  Tensor y = Tensor::uninitialized(out_shape);  // gemm below writes every element
  gemm(false, true, N, out, in, x.value().data(), in, W.value().data(), in, y.data(), out, false);
  if (b) add_to_rows(y.data(), b->value().data(), N, out);
  if (addend) add_elementwise(y.data(), addend->value().data(), N * out);  // addend + (xWᵀ + b)
  const bool has_bias = b != nullptr;
  auto backward = [N, in, out, has_bias](Node& self) {
    const real* dy = self.grad.data();
    bool fresh_x, fresh_W;  // a new gradient buffer: gemm writes (=) instead of adding (+=)
    Tensor* dx = fast::fresh_input_grad(self, 0, fresh_x);
    Tensor* dW = fast::fresh_input_grad(self, 1, fresh_W);
    auto backward_x = [&](ThreadPool* pool) {  // dx (N,in) += dy (N,out) · W (out,in)
      gemm_with_pool(pool, false, false, N, in, out, dy, out, self.inputs[1]->value.data(), in,
                     dx->data(), in, !fresh_x);
    };
    auto backward_W = [&](ThreadPool* pool) {  // dW (out,in) += dyᵀ (out,N) · x (N,in)
      gemm_with_pool(pool, true, false, out, in, N, dy, out, self.inputs[0]->value.data(), in,
                     dW->data(), in, !fresh_W);
    };
    // dx and dW are independent products of equal cost (N·in·out multiply-adds).
    // With two threads they run side by side, each a whole one-thread GEMM:
    // faster than cutting each in half (one hand-off instead of two, and
    // full-size tiles). The numbers are the same: gemm's result does not
    // depend on how many threads computed it.
    ThreadPool& pool = ThreadPool::global();
    if (dx && dW && pool.num_threads() > 1 && N * in * out >= kLinearPairWork) {
      pool.parallel_for(2, [&](int64_t begin, int64_t end) {
        for (int64_t task = begin; task < end; ++task)
          task == 0 ? backward_x(nullptr) : backward_W(nullptr);
      });
    } else {
      if (dx) backward_x(&pool);
      if (dW) backward_W(&pool);
    }
    if (has_bias)
      if (Tensor* db = self.input_grad(2)) add_row_sums(db->data(), dy, N, out);
    const size_t a = has_bias ? 3 : 2;  // the addend's input index, if any
    if (self.inputs.size() > a)         // daddend += dy, last: dy itself can be handed over
      fast::add_input_grad(self, a, fast::take_grad(self));
  };
  Var inputs[4] = {x, W};  // then the bias and the addend, those given
  size_t n = 2;
  if (b) inputs[n++] = *b;
  if (addend) inputs[n++] = *addend;
  return Var::make(addend ? "linear_add" : "linear", std::move(y), std::span<const Var>(inputs, n),
                   std::move(backward));
}
}  // namespace

Var fast_linear(const Var& x, const Var& W, const Var* b) { return linear_impl(x, W, b, nullptr); }
Var linear_add(const Var& x, const Var& W, const Var* b, const Var& addend) {
  require_fast_engine("linear_add");
  return linear_impl(x, W, b, &addend);
}

}  // namespace s2s
