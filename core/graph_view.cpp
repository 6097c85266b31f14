// Looking at a graph: Graphviz text and a node count (01_autograd, tests).
#include "core/graph_view.hpp"

#include <fmt/format.h>

#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace s2s {

std::string to_dot(const Var& v) {
  std::string out = "digraph G {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n";
  std::unordered_map<const Node*, size_t> ids;
  std::vector<const Node*> stack{v.node()};
  ids[v.node()] = 0;
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    size_t id = ids[n];
    std::string label = n->name.empty() ? n->op : fmt::format("{}\\n{}", n->name, n->op);
    out += fmt::format("  n{} [label=\"{}\\n{}\"{}];\n", id, label, shape_str(n->value.shape()),
                       n->is_leaf() ? ", style=filled, fillcolor=\"#e8f0ff\"" : "");
    for (const auto& in : n->inputs) {
      auto [it, fresh] = ids.emplace(in.get(), ids.size());
      if (fresh) stack.push_back(in.get());
      out += fmt::format("  n{} -> n{};\n", it->second, id);
    }
  }
  return out + "}\n";
}

size_t graph_size(const Var& v) {
  std::unordered_set<const Node*> seen{v.node()};
  std::vector<const Node*> stack{v.node()};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    for (const auto& in : n->inputs)
      if (seen.insert(in.get()).second) stack.push_back(in.get());
  }
  return seen.size();
}

}  // namespace s2s
