#include "core/fast/fast.hpp"

#include "core/engine.hpp"
#include "core/error.hpp"

namespace s2s {

void require_fast_engine(const char* op) {
  S2S_CHECK(fast_engine(),
            "{} is a fused op of the fast engine; the reference engine runs the composed "
            "ops written in its comment (core/fast/fast.hpp) instead",
            op);
}

const OpTable& fast_ops() {
  static const OpTable table{fast_exp,           fast_tanh,       fast_sigmoid,
                             fast_softmax,       fast_matmul,     fast_linear,
                             fused_weighted_sum, additive_scores, fast_adam_update};
  return table;
}

const std::vector<std::string>& fused_op_names() {
  static const std::vector<std::string> names{"linear_add",      "lstm_cell_update",
                                              "lstm_hidden",     "gru_hidden",
                                              "additive_scores", "fused_weighted_sum"};
  return names;
}

}  // namespace s2s
