#pragma once
// Differentiable ops on Var. Each op lives in one core/ops_*.cpp file with its
// forward and backward side by side and the derivative written as math.
//
// Convention in backward closures: `self` is the op's node, self.value is y,
// self.grad is dy (∂L/∂y), self.input(i) is input i's value, and
// self.input_grad(i) is input i's gradient buffer (nullptr when that input
// needs none). A gradient is always written the same way, with +=:
//   if (Tensor* dx = self.input_grad(0)) *dx += dy * y;   (exp: y = e^x)
// exp, tanh, sigmoid, softmax, matmul, linear: the engine's ops (core/op_table.hpp).
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "core/var.hpp"

namespace s2s {

using Ids = std::vector<int64_t>;  // token ids and other integer indices
// A copy of ids that a backward closure keeps (a std::vector from the storage pool).
using SavedIds = PooledList<int64_t>;

// --- elementwise arithmetic (numpy broadcasting) ops_arith.cpp ---------------
Var add(const Var& a, const Var& b);
Var sub(const Var& a, const Var& b);
Var mul(const Var& a, const Var& b);
Var div(const Var& a, const Var& b);
Var neg(const Var& a);
Var add_scalar(const Var& a, real s);
Var mul_scalar(const Var& a, real s);
inline Var operator+(const Var& a, const Var& b) { return add(a, b); }
inline Var operator-(const Var& a, const Var& b) { return sub(a, b); }
inline Var operator*(const Var& a, const Var& b) { return mul(a, b); }
inline Var operator/(const Var& a, const Var& b) { return div(a, b); }
inline Var operator-(const Var& a) { return neg(a); }
inline Var operator+(const Var& a, real s) { return add_scalar(a, s); }
inline Var operator+(real s, const Var& a) { return add_scalar(a, s); }
inline Var operator-(const Var& a, real s) { return add_scalar(a, -s); }
inline Var operator-(real s, const Var& a) { return add_scalar(neg(a), s); }
inline Var operator*(const Var& a, real s) { return mul_scalar(a, s); }
inline Var operator*(real s, const Var& a) { return mul_scalar(a, s); }
inline Var operator/(const Var& a, real s) { return mul_scalar(a, real(1) / s); }

// --- elementwise functions  ops_unary.cpp ------------------------------------
Var exp(const Var& x);
Var log(const Var& x);
Var tanh(const Var& x);
Var sigmoid(const Var& x);
Var relu(const Var& x);
Var sqrt(const Var& x);
Var square(const Var& x);
Var pow(const Var& x, real p);

// --- matrix product  ops_matmul.cpp ------------------------------------------
// (M,K)@(K,N), (B,M,K)@(B,K,N), (B,M,K)@(K,N).
Var matmul(const Var& a, const Var& b);
// y = x Wᵀ + b with W (out,in) as in PyTorch; x (...,in) -> y (...,out). b may be nullptr.
// ops_linear.cpp
Var linear(const Var& x, const Var& W, const Var* b);
// Throws unless x (...,in), W (out,in) and b (out) fit linear.
void check_linear(const Var& x, const Var& W, const Var* b);

// --- reductions  ops_reduce.cpp ----------------------------------------------
Var sum(const Var& x, int axis, bool keepdim = false);
Var sum(const Var& x);  // all elements -> scalar
Var mean(const Var& x, int axis, bool keepdim = false);
Var mean(const Var& x);
Var max(const Var& x, int axis, bool keepdim = false);  // gradient flows to the first max
Var max(const Var& x);

// --- softmax  ops_softmax.cpp ------------------------------------------------
Var softmax(const Var& x, int axis);
Var log_softmax(const Var& x, int axis);

// --- shapes  ops_shape.cpp -------------------------------------------------------
Var reshape(const Var& x, Shape shape);
Var permute(const Var& x, const std::vector<int>& axes);
Var transpose(const Var& x, int a, int b);
Var slice(const Var& x, int axis, int64_t start, int64_t stop);
Var select(const Var& x, int axis, int64_t index);  // slice of size 1, axis removed
Var concat(std::span<const Var> parts, int axis);
inline Var concat(std::initializer_list<Var> parts, int axis) {  // concat({a, b}, 1)
  return concat(std::span<const Var>(parts.begin(), parts.size()), axis);
}
Var stack(const std::vector<Var>& parts, int axis);
std::vector<Var> split(const Var& x, const std::vector<int64_t>& sizes, int axis);

// --- indexing and selection  ops_gather.cpp, ops_select.cpp ----------------------
// Rows of table (V,E) picked by ids; result shape = ids_shape + (E).
Var gather_rows(const Var& table, const Ids& ids, const Shape& ids_shape);
// Where mask != 0 the output is `value`, elsewhere x. mask broadcasts to x.
Var masked_fill(const Var& x, const Tensor& mask, real value);
// cond != 0 ? a : b, elementwise; cond, a and b broadcast together.
Var where(const Tensor& cond, const Var& a, const Var& b);

// --- loss  ops_cross_entropy.cpp -----------------------------------------------------
// Mean over targets != ignore_index of -log softmax(logits)[target].
// logits (N,V), targets (N). The gradient is (softmax - onehot)/count.
Var cross_entropy(const Var& logits, const Ids& targets, int64_t ignore_index = -100);

}  // namespace s2s
