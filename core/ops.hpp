#pragma once
// Differentiable ops on Var. Each op lives in one core/ops_*.cpp file with its
// forward and backward side by side and the derivative written as math.
//
// Convention in backward closures: `self` is the op's node, self.grad is dy
// (∂L/∂output), X(i) is input i's value, and G(i) is input i's gradient buffer
// (nullptr when that input needs none). Backward only accumulates (+=).
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "core/var.hpp"

namespace s2s {

using Ids = std::vector<int64_t>;  // token ids and other integer indices
// A copy of ids that a backward closure keeps, in a block from the storage pool.
using SavedIds = std::vector<int64_t, PoolAllocator<int64_t>>;

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
// addend + x Wᵀ + b in one op, addend of the output's shape (a recurrent
// cell's  x_pre + h W_hhᵀ + b_hh): the same numbers as linear(...) then +,
// without the sum's extra node, output and gradient copy.
Var linear(const Var& x, const Var& W, const Var* b, const Var& addend);

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

// --- fused LSTM cell  ops_lstm.cpp ----------------------------------------------------
// The elementwise part of an LSTM step as two ops (speed; together they equal
// the composed cell, see nn/lstm_cell.hpp). pre (B,4H) = gate pre-activations
// in i, f, g, o order, c (B,H) the old cell:
//   c' = lstm_cell_update(pre, c) = σ(a_f) ⊙ c + σ(a_i) ⊙ tanh(a_g)     (B,H)
//   h' = lstm_hidden(pre, c')     = σ(a_o) ⊙ tanh(c')                  (B,H)
Var lstm_cell_update(const Var& pre, const Var& c);
Var lstm_hidden(const Var& pre, const Var& c_new);

// --- fused GRU cell  ops_gru.cpp -------------------------------------------------------
// The elementwise part of a GRU step as one op (speed; it equals the composed
// cell, see nn/gru_cell.hpp). xi = x W_ihᵀ + b_ih, hh = h W_hhᵀ + b_hh (B,3H),
// both in r, z, n order, h (B,H) the old state:
//   h' = gru_hidden(xi, hh, h) = (1 - z) ⊙ n + z ⊙ h                   (B,H)
//   with r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r ⊙ h_n)
Var gru_hidden(const Var& xi, const Var& hh, const Var& h);

// --- fused attention ops  ops_attention.cpp ---------------------------------------------
// Attention's per-decoder-step work as single ops (speed; each equals the
// composed ops in its comment, tests/attention_fused_ops_test.cpp).
// Additive (Bahdanau) scores e[b,s] = Σ_a v[a] tanh(kp[b,s,a] + qp[b,a]):
// kp (B,S,A) projected keys, qp (B,A) projected query, v (A) -> e (B,S).
//   = reshape(matmul(tanh(kp + reshape(qp, {B,1,A})), reshape(v, {A,1})), {B,S})
Var additive_scores(const Var& kp, const Var& qp, const Var& v);
// Weighted sum of values ctx[b,:] = Σ_s weights[b,s] values[b,s,:]:
// weights (B,S), values (B,S,H) -> ctx (B,H).
//   = reshape(matmul(reshape(weights, {B,1,S}), values), {B,H})
Var attend(const Var& weights, const Var& values);

// --- loss  ops_cross_entropy.cpp -----------------------------------------------------
// Mean over targets != ignore_index of -log softmax(logits)[target].
// logits (N,V), targets (N). Fused: the gradient is (softmax - onehot)/count.
Var cross_entropy(const Var& logits, const Ids& targets, int64_t ignore_index = -100);

}  // namespace s2s
