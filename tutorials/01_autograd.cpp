// 01_autograd — tensors, the computation graph, backward, and a gradient check.
// Optional reading: the lecture does not cover it; the other tutorials do not need it.
//
// A single neuron y = tanh(w·x + b): we compute it, ask the engine for dy/dw,
// dy/dx, dy/db, check them against finite differences, and write the graph
// as Graphviz DOT. Built against the float64 library so the check is tight.
// The engine is core/var.hpp + core/var.cpp; the ops are core/ops_*.cpp
// (declared in core/ops.hpp); core/README.md gives a reading order. core/fast/
// is the fast engine's speed machinery, not needed to follow this lesson.
#include <fstream>

#include "common.hpp"
#include "core/gradcheck.hpp"
#include "core/graph_view.hpp"
#include "core/tensor_math.hpp"

using namespace s2s;

namespace {

// The gradient check's result line; its English message names the failing element.
void print_check(const tutorial::Lesson& L, const GradCheckResult& r, const std::string& op) {
  if (!L.zh() || !r.ok)
    fmt::print("  {}\n", r.message);
  else
    fmt::print("  梯度检验通过（运算 {}）：{} 个元素，最大误差 {:.3g}\n", L.quote(op), r.checked,
               r.max_error);
}

// The lecture's neuron y = tanh(w·x + b), as graph nodes.
struct Neuron {
  Var w, x, b, z, y;
};

Neuron a_neuron_forward(tutorial::Lesson& L) {
  L.heading("A neuron, forward", "一个神经元：前向计算");
  L.say(
      "We build y = tanh(w·x + b). Every op records a node: its inputs and how to send\n"
      "gradients back (its backward rule, e.g. tanh: dx += dy * (1 - y^2)).",
      "我们构建 y = tanh(w·x + b)。每个运算都会记录一个节点：它的输入，以及如何把梯度\n"
      "传回去（它的反向规则，例如 tanh：dx += dy * (1 - y^2)）。");
  Var w(Tensor::from({3}, {0.5, -1.0, 0.25}), true, "w");
  Var x(Tensor::from({3}, {1.0, 2.0, -3.0}), true, "x");
  Var b(Tensor::scalar(0.1), true, "b");
  Var z = sum(w * x) + b;
  Var y = tanh(z);
  fmt::print("  w = {}\n  x = {}\n  b = {}\n  z = w·x + b = {:.6f}\n  y = tanh(z) = {:.6f}\n",
             w.value(), x.value(), b.value(), z.item(), y.item());
  return {w, x, b, z, y};
}

// Backward through the neuron; returns its graph as DOT, drawn before backward
// releases it.
std::string backward(tutorial::Lesson& L, Neuron& n) {
  Var &w = n.w, &x = n.x, &b = n.b, &y = n.y;
  L.heading("Backward", "反向传播");
  L.say(
      "backward() visits the graph from y back to the leaves (reverse topological order)\n"
      "and each node adds its share: dz = dy * (1 - y^2), dw = dz * x, dx = dz * w, db = dz.",
      "backward() 从 y 出发按逆拓扑序走回叶子节点，每个节点累加自己的那一份：\n"
      "dz = dy * (1 - y^2)，dw = dz * x，dx = dz * w，db = dz。");
  const std::string dot = to_dot(y);  // before backward: backward releases the graph
  y.backward();
  fmt::print("  dy/dw = {}\n  dy/dx = {}\n  dy/db = {:.6f}\n", w.grad(), x.grad(), b.grad().item());
  const double dz = 1 - y.item() * y.item();
  bool by_hand = std::abs(w.grad()[1] - dz * 2.0) < 1e-12 && std::abs(b.grad().item() - dz) < 1e-12;
  L.invariant("chain_rule", by_hand,
              "backward equals the chain rule by hand: dy/dw_1 = (1 - y^2) * x_1",
              "反向传播与手算链式法则一致：dy/dw_1 = (1 - y^2) * x_1");
  return dot;
}

void gradient_check(tutorial::Lesson& L, const tutorial::Args& args, const Neuron& n) {
  const Var &w = n.w, &x = n.x, &b = n.b;
  L.heading("Gradient check", "梯度检验");
  L.say(
      "Central differences: dL/dx_j ≈ (L(x + eps e_j) - L(x - eps e_j)) / 2eps, in double\n"
      "precision, for every element of every input.",
      "中心差分：dL/dx_j ≈ (L(x + eps e_j) - L(x - eps e_j)) / 2eps，双精度，\n"
      "逐个检查每个输入的每个元素。");
  auto neuron = [](const std::vector<Var>& v) { return tanh(sum(v[0] * v[1]) + v[2]); };
  GradCheckResult r = gradcheck("neuron", neuron, {w.value(), x.value(), b.value()});
  print_check(L, r, "neuron");
  L.invariant("gradcheck_neuron", r.ok && r.max_error <= 1e-6,
              "analytic and numeric gradients agree within 1e-6",
              "解析梯度与数值梯度的误差在 1e-6 以内");
  // A bigger one: a 2-layer network on a batch, every weight checked.
  Rng rng(args.seed);
  auto mlp = [](const std::vector<Var>& v) {
    Var h = tanh(matmul(v[0], v[1]));
    return mean(square(sigmoid(matmul(h, v[2]))));
  };
  GradCheckResult r2 = gradcheck(
      "two-layer net", mlp,
      {Tensor::normal({4, 3}, rng), Tensor::normal({3, 5}, rng), Tensor::normal({5, 2}, rng)});
  print_check(L, r2, "two-layer net");
  L.invariant("gradcheck_mlp", r2.ok, "a two-layer network passes the same check",
              "两层网络同样通过检验");
}

void graph_as_dot(tutorial::Lesson& L, const std::string& dot) {
  L.heading("The graph as DOT", "用 DOT 画出计算图");
  std::string dot_path = L.path("neuron.dot");
  std::ofstream(dot_path) << dot;
  fmt::print("{}", dot);
  L.say(fmt::format("Written to {} (render: dot -Tsvg {} -o neuron.svg).", dot_path, dot_path),
        fmt::format("已写入 {}（渲染：dot -Tsvg {} -o neuron.svg）。", dot_path, dot_path));
  L.invariant("dot_graph",
              dot.find("tanh") != std::string::npos && dot.find("->") != std::string::npos,
              "the DOT graph shows the ops and their edges", "DOT 图包含运算节点和边");
}

void where_things_live(tutorial::Lesson& L) {
  L.heading("Where the engine and the ops live", "引擎和运算在哪里");
  L.say(
      "Read them next to this lesson (core/README.md gives a reading order):\n"
      "  core/var.hpp, core/var.cpp   the engine: Var, the graph nodes, backward()\n"
      "  core/ops.hpp                 every op with its math line and shapes\n"
      "  core/ops_*.cpp               each op's forward and backward side by side,\n"
      "                               e.g. tanh in core/ops_unary.cpp, sum in core/ops_reduce.cpp\n"
      "  core/gradcheck.cpp           the gradient check\n"
      "  core/graph_view.cpp          to_dot, the graph as Graphviz text\n"
      "core/fast/ holds the speed machinery of the fast engine; the engine above does not\n"
      "need it.",
      "建议对照本课阅读（core/README.md 给出了阅读顺序）：\n"
      "  core/var.hpp、core/var.cpp   引擎：Var、计算图节点、backward()\n"
      "  core/ops.hpp                 每个运算的数学式和形状\n"
      "  core/ops_*.cpp               每个运算的前向与反向写在一起，\n"
      "                               例如 tanh 在 core/ops_unary.cpp，sum 在 core/ops_reduce.cpp\n"
      "  core/gradcheck.cpp           梯度检验\n"
      "  core/graph_view.cpp          to_dot：把计算图写成 Graphviz 文本\n"
      "core/fast/ 是快速引擎的加速部分；理解上面的引擎不需要读它。");
  L.say("Next: 02_rnn_encoder — the same engine, unrolled over time.",
        "下一步：02_rnn_encoder —— 同一个引擎，在时间上展开。");
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tutorial::parse_args(argc, argv, "01_autograd",
                                   "tensors, graph, backward, gradient check, DOT");
  tutorial::Lesson L(args);
  L.say(
      "Optional reading: this tutorial is not part of the lecture. It shows the engine that\n"
      "computes the gradients for every other tutorial; skip to 02 if you only follow the lecture.",
      "选读：本教程不属于讲义内容。它展示为其他所有教程计算梯度的引擎；只跟讲义学习的话，\n"
      "可以直接跳到 02。");
  Neuron n = a_neuron_forward(L);
  const std::string dot = backward(L, n);
  gradient_check(L, args, n);
  graph_as_dot(L, dot);
  where_things_live(L);
  return L.finish();
}
