#pragma once
// Var: a handle to a node of the computation graph (reverse-mode autodiff).
//
// Each op makes a Node that keeps its value, its inputs, an op name and a
// backward closure. backward() walks the graph in reverse topological order
// (found iteratively: unrolls are deep) and each closure adds its inputs'
// gradients: dinput += (∂output/∂input)ᵀ · doutput. Afterwards the graph is
// released: closures and input links are dropped, so saved activations are
// freed. Leaves (parameters, inputs created with requires_grad) keep .grad.
#include <initializer_list>
#include <memory>
#include <span>
#include <string>

#include "core/fast/graph_memory.hpp"  // the numeric backend: pooled nodes, lists, closures
#include "core/grad_mode.hpp"
#include "core/tensor.hpp"

namespace s2s {

struct Node {
  Tensor value;
  Tensor grad;  // ∂L/∂value; empty until backward reaches this node
  PooledList<std::shared_ptr<Node>> inputs;
  // Reads this->grad (dy) and adds each input's share:  dx += (∂y/∂x)ᵀ dy.
  BackwardFn backward;
  const char* op = "";  // "matmul", "tanh", ... or "leaf" (a string literal)
  std::string name;     // a parameter's dotted name, e.g. "encoder.rnn.cell.weight_ih"
  bool requires_grad = false;
  bool retain_grad = false;  // keep .grad of a non-leaf after backward
  bool released = false;     // backward already ran and freed this node's history

  // The one way to write a gradient:  if (Tensor* dx = self.input_grad(i)) *dx += ...;
  // input i's gradient buffer (zeros on first use), or nullptr when that input
  // needs no gradient, so backward can skip the work.
  Tensor* input_grad(size_t i);
  const Tensor& input(size_t i) const { return inputs[i]->value; }  // input i's value x_i
  bool is_leaf() const { return !backward; }
  // Destroys long chains of nodes iteratively: a 10,000-step unroll must not
  // recurse 10,000 destructors deep.
  ~Node();
};

class Var {
 public:
  Var() = default;
  // A leaf. Parameters and inputs whose gradient you want use requires_grad = true.
  explicit Var(Tensor value, bool requires_grad = false, std::string name = "");

  const Tensor& value() const { return node_->value; }
  Tensor& value() { return node_->value; }  // for in-place parameter updates
  const Shape& shape() const { return node_->value.shape(); }
  int64_t size(int axis) const { return node_->value.size(axis); }
  int64_t rank() const { return node_->value.rank(); }
  real item() const { return node_->value.item(); }
  bool defined() const { return node_ != nullptr; }
  bool requires_grad() const { return node_->requires_grad; }
  const char* op() const { return node_->op; }
  const std::string& name() const { return node_->name; }

  // The gradient after backward; zeros of the value's shape if none arrived.
  const Tensor& grad() const;
  bool has_grad() const { return !node_->grad.empty() || node_->value.numel() == 0; }
  void zero_grad() { node_->grad = Tensor(); }
  void retain_grad() { node_->retain_grad = true; }  // keep grad of an intermediate

  // Backpropagate from a scalar (seed 1) or with an explicit seed gradient.
  void backward(bool retain_graph = false);
  void backward(const Tensor& seed, bool retain_graph = false);

  Node* node() const { return node_.get(); }
  const std::shared_ptr<Node>& node_ptr() const { return node_; }

  // Used by ops: a new node with these inputs and backward closure. When grad
  // mode is off or no input requires grad, no history is kept.
  // op is a string literal (it is kept, not copied); backward is a lambda.
  static Var make(const char* op, Tensor value, std::initializer_list<Var> inputs,
                  BackwardFn backward);
  static Var make(const char* op, Tensor value, std::span<const Var> inputs, BackwardFn backward);

 private:
  std::shared_ptr<Node> node_;
};

}  // namespace s2s
