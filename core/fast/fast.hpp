#pragma once
// The fast engine: the faster twins of the engine's ops, and the fused ops they use.
//
// The teaching code (core/*.cpp, nn/, attention/) never calls this header.
// Selecting the fast engine selects fast_ops() (core/op_table.hpp), whose
// entries are the functions below, and makes make_cell build the fused cells of
// fused_cells.hpp:
//
//   entry / factory          reference (what you read)       fast (here)
//   exp, tanh, sigmoid       core/tensor_math.cpp            fast_exp, ... (math.cpp), vectorised,
//   softmax                                                  large ones on the thread pool
//   matmul                   core/ops_matmul.cpp             fast_matmul (matmul.cpp)
//   linear                   core/ops_linear.cpp             fast_linear (linear.cpp)
//   weighted_sum             attention/attention.cpp         fused_weighted_sum (ops_attention.cpp)
//   additive_energy          attention/additive.cpp          additive_scores (ops_attention.cpp)
//   adam_update              nn/adam.cpp                     fast_adam_update (adam.cpp)
//   make_cell: GRU, LSTM     nn/gru_cell.cpp, lstm_cell.cpp  FusedGRUCell, FusedLSTMCell
//
// and under both engines, the numeric backend that Tensor and matmul call:
//   gemm (gemm.hpp), the matrix kernel behind matmul and linear: blocked and
//     vectorised, on the thread pool only under the fast engine; plain_gemm is
//     the triple loop it is tested equal to (tests/gemm_test.cpp);
//   memory: tensors, graph nodes and closures from the storage pool
//     (storage_pool.hpp, graph_memory.hpp, backward_fn.hpp).
//
// Every fused op equals the composed ops written in its comment, and each
// throws when called under the reference engine. tests/engine_contract_test.cpp
// checks that a training step gives the same loss and gradients in both engines.
#include "core/engine.hpp"
#include "core/op_table.hpp"
#include "core/ops.hpp"

namespace s2s {

inline bool fast_engine() { return engine() == Engine::fast; }

// Throws unless the fast engine runs: a fused op called under the reference engine.
void require_fast_engine(const char* op);

// The names of the fused ops (the ops above that only the fast engine runs).
const std::vector<std::string>& fused_op_names();

// --- tensor math  fast/math.cpp --------------------------------------------------------
// exp, tanh and sigmoid with the vectorised approximations of fast_math.hpp (float;
// double uses the standard library), and softmax or log-softmax of the rows of
// a (rows,n) matrix, rows split across the thread pool when large.
Tensor fast_exp(const Tensor& a);
Tensor fast_tanh(const Tensor& a);
Tensor fast_sigmoid(const Tensor& a);
void fast_softmax_rows(const real* x, real* y, int64_t rows, int64_t n, bool log);
// softmax (log: log-softmax) along axis: rows as above when nothing but sizes 1
// follows the axis, else reference_softmax.
Tensor fast_softmax(const Tensor& a, int axis, bool log);

// --- matmul  fast/matmul.cpp ------------------------------------------------------------
// matmul(a, b) of core/ops_matmul.cpp, its backward's products written by gemm
// with transpose flags into the gradient buffers (no transpose copies).
Var fast_matmul(const Var& a, const Var& b);

// --- linear  fast/linear.cpp ----------------------------------------------------------
// linear(x, W, b) of core/ops_linear.cpp, with its backward's two products on
// two threads when large (the numbers are the same).
Var fast_linear(const Var& x, const Var& W, const Var* b);
// addend + x Wᵀ + b in one op, addend of the output's shape (a recurrent
// cell's  x_pre + h W_hhᵀ + b_hh): the same numbers as linear(...) then +,
// without the sum's extra node, output and gradient copy.
Var linear_add(const Var& x, const Var& W, const Var* b, const Var& addend);

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
Var fused_weighted_sum(const Var& weights, const Var& values);

// --- Adam  fast/adam.cpp ----------------------------------------------------------------
// reference_adam_update (nn/adam.cpp) on slices of a large tensor on the thread
// pool: each element's update is independent, the numbers the same.
void fast_adam_update(real* w, real* m, real* v, const real* g, int64_t n, AdamStep k);

}  // namespace s2s
