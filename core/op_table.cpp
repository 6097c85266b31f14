#include "core/op_table.hpp"

namespace s2s {

const OpTable& reference_ops() {
  static const OpTable table{
      reference_exp,    reference_tanh,         reference_sigmoid,
      reference_softmax, reference_matmul,      reference_linear,
      reference_weighted_sum, reference_additive_energy, reference_adam_update};
  return table;
}

}  // namespace s2s
