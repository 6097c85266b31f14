#include "core/var.hpp"

#include <fmt/format.h>

#include <span>

#include "core/error.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

Tensor* Node::input_grad(size_t i) {
  Node& in = *inputs[i];
  if (!in.requires_grad) return nullptr;
  if (in.grad.empty() && in.value.numel() > 0) in.grad = Tensor(in.value.shape());  // zeros
  return &in.grad;
}

Node::~Node() {
  // Take over our inputs; a node we hold the last reference to is emptied
  // before it dies, so no destructor ever recurses.
  auto stack = std::move(inputs);
  while (!stack.empty()) {
    std::shared_ptr<Node> n = std::move(stack.back());
    stack.pop_back();
    if (n && n.use_count() == 1) {
      for (auto& in : n->inputs) stack.push_back(std::move(in));
      n->inputs.clear();
    }
  }
}

Var::Var(Tensor value, bool requires_grad, std::string name) : node_(make_pooled<Node>()) {
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
  node_->op = "leaf";
  node_->name = std::move(name);
}

const Tensor& Var::grad() const {
  if (node_->grad.empty() && node_->value.numel() > 0) node_->grad = Tensor(node_->value.shape());
  return node_->grad;
}

namespace {
void check_finite(const Tensor& t, const char* what, const Node& n) {
  if (all_finite(t)) return;
  throw Error(fmt::format(
      "anomaly: {} of op '{}'{} contains NaN or Inf (shape {}, inputs: {})", what, n.op,
      n.name.empty() ? "" : fmt::format(" ('{}')", n.name), shape_str(n.value.shape()), [&] {
        std::vector<std::string> s;
        for (auto& in : n.inputs)
          s.push_back(fmt::format("{}{}", in->op, shape_str(in->value.shape())));
        return fmt::format("{}", fmt::join(s, ", "));
      }()));
}
}  // namespace

Var Var::make(const char* op, Tensor value, std::initializer_list<Var> inputs,
              BackwardFn backward) {
  return make(op, std::move(value), std::span<const Var>(inputs.begin(), inputs.size()),
              std::move(backward));
}

Var Var::make(const char* op, Tensor value, std::span<const Var> inputs, BackwardFn backward) {
  Var out;
  out.node_ = make_pooled<Node>();
  out.node_->value = std::move(value);
  out.node_->op = op;
  bool needs = false;
  for (const Var& v : inputs) {
    S2S_CHECK(v.defined(), "{}: an input Var is undefined (default-constructed)", out.node_->op);
    needs = needs || v.requires_grad();
  }
  if (GradMode::anomaly()) {
    for (const Var& v : inputs) out.node_->inputs.push_back(v.node_);  // for the message
    check_finite(out.node_->value, "forward output", *out.node_);
    out.node_->inputs.clear();
  }
  if (needs && GradMode::enabled()) {
    out.node_->requires_grad = true;
    out.node_->inputs.reserve(inputs.size());  // one allocation, not one per doubling
    for (const Var& v : inputs) out.node_->inputs.push_back(v.node_);
    out.node_->backward = std::move(backward);
  }
  return out;
}

void Var::backward(bool retain_graph) {
  S2S_CHECK(value().numel() == 1,
            "backward: needs a scalar (one element) to start from, got shape {}; pass a seed "
            "gradient for non-scalar outputs",
            shape_str(value().shape()));
  backward(Tensor::ones(value().shape()), retain_graph);
}

void Var::backward(const Tensor& seed, bool retain_graph) {
  S2S_CHECK(node_->requires_grad,
            "backward: this value does not require grad (no parameter or input with "
            "requires_grad=true contributed, or it was computed under NoGradGuard)");
  S2S_CHECK(!node_->released,
            "backward: the graph of '{}' was already released by an earlier backward(); build "
            "it again, or call backward(retain_graph=true) the first time",
            node_->op);
  S2S_CHECK(seed.shape() == value().shape(), "backward: seed shape {} differs from value shape {}",
            shape_str(seed.shape()), shape_str(value().shape()));

  // Iterative depth-first search producing a post-order (inputs before users).
  PooledList<std::shared_ptr<Node>> order;
  NodeSet<Node> visited;
  visited.insert(node_.get());
  using Frame = std::pair<std::shared_ptr<Node>, size_t>;
  PooledList<Frame> stack;
  stack.emplace_back(node_, 0);
  while (!stack.empty()) {
    auto& [n, next] = stack.back();
    if (next < n->inputs.size()) {
      std::shared_ptr<Node> in = n->inputs[next++];
      if (in->requires_grad && visited.insert(in.get())) {
        S2S_CHECK(!in->released,
                  "backward: part of this graph ('{}') was already released by an earlier "
                  "backward(); use retain_graph=true on the first call",
                  in->op);
        stack.emplace_back(std::move(in), 0);
      }
    } else {
      order.push_back(std::move(n));
      stack.pop_back();
    }
  }

  // Every non-leaf starts this pass at zero (a retained graph may hold last
  // pass's gradients); leaves accumulate across passes until zero_grad().
  for (auto& p : order)
    if (!p->is_leaf() && !p->grad.empty()) p->grad = Tensor();
  if (node_->grad.empty()) node_->grad = Tensor(value().shape());
  node_->grad += seed;
  // Run closures from the output back to the leaves.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node& n = **it;
    if (n.is_leaf() || n.grad.empty()) continue;
    n.backward(n);
    if (GradMode::anomaly())
      for (size_t i = 0; i < n.inputs.size(); ++i)
        if (n.inputs[i]->requires_grad) check_finite(n.inputs[i]->grad, "backward gradient", n);
  }
  for (auto& p : order)
    if (!p->is_leaf() && !p->retain_grad) p->grad = Tensor();
  if (retain_graph) return;
  // Release: drop closures (and the activations they saved) and input links.
  for (auto& p : order) {
    Node& n = *p;
    if (n.is_leaf()) continue;
    n.backward = nullptr;
    n.inputs.clear();
    n.released = true;
  }
}

}  // namespace s2s
