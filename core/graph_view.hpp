#pragma once
// Looking at a graph (01_autograd draws one).
#include <string>

#include "core/var.hpp"

namespace s2s {

// Graphviz DOT text of the graph that produced v: one box per node with its op
// and shape, edges from inputs to outputs. Iterative, so deep graphs are fine.
std::string to_dot(const Var& v);
// Number of nodes reachable from v (for tests and curiosity).
size_t graph_size(const Var& v);

}  // namespace s2s
