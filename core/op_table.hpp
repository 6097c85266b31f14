#pragma once
// The engine's ops: the few functions that have a second, faster implementation.
//
// Each of them is written once for reading, in namespace `reference`, next to
// its public name, and the public function only forwards to the current table:
//
//   Tensor exp(const Tensor& a) { return engine_ops().exp(a); }   // core/tensor_math.cpp
//   Tensor reference_exp(const Tensor& a) { ... std::exp ... }     // what you read
//
// Selecting the engine (core/engine.hpp) selects the table: reference_ops() holds
// the functions you read, fast_ops() their faster twins from core/fast/
// (vectorised math, fused ops, threads). The teaching code never asks which
// engine runs. tests/engine_contract_test.cpp checks that both tables train a
// model to the same loss and gradients.
//
// The other place the engine chooses is the cell factory (make_cell,
// nn/recurrent_cell.hpp): under the fast engine it builds a cell whose step is
// fused (core/fast/fused_cells.hpp).
#include <cstdint>

#include "core/var.hpp"

namespace s2s {

// Adam's constants for one step (nn/adam.hpp): w -= step_size · m / (√v / sqrt_bc2 + eps).
struct AdamStep {
  real beta1, beta2, step_size, sqrt_bc2, eps;
};

struct OpTable {
  // core/tensor_math.cpp: elementwise functions and softmax (log: log-softmax) on values
  Tensor (*exp)(const Tensor& a);
  Tensor (*tanh)(const Tensor& a);
  Tensor (*sigmoid)(const Tensor& a);
  Tensor (*softmax)(const Tensor& a, int axis, bool log);
  // core/ops_matmul.cpp, core/ops_linear.cpp
  Var (*matmul)(const Var& a, const Var& b);
  Var (*linear)(const Var& x, const Var& W, const Var* b);
  // attention/attention.cpp, attention/additive.cpp
  Var (*weighted_sum)(const Var& weights, const Var& values);
  Var (*additive_energy)(const Var& kp, const Var& qp, const Var& v);
  // nn/adam.cpp: Adam's update of n elements of one parameter
  void (*adam_update)(real* w, real* m, real* v, const real* g, int64_t n, AdamStep k);
};

const OpTable& engine_ops();     // the current engine's table (core/engine.cpp)
const OpTable& reference_ops();  // the functions below (core/op_table.cpp)
const OpTable& fast_ops();       // their fast twins (core/fast/fast.cpp)

// The readable implementations, one per entry; each file documents its own.
Tensor reference_exp(const Tensor& a);
Tensor reference_tanh(const Tensor& a);
Tensor reference_sigmoid(const Tensor& a);
Tensor reference_softmax(const Tensor& a, int axis, bool log);
Var reference_matmul(const Var& a, const Var& b);
Var reference_linear(const Var& x, const Var& W, const Var* b);
Var reference_weighted_sum(const Var& weights, const Var& values);
Var reference_additive_energy(const Var& kp, const Var& qp, const Var& v);
void reference_adam_update(real* w, real* m, real* v, const real* g, int64_t n, AdamStep k);

}  // namespace s2s
