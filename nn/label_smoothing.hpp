#pragma once
// Cross-entropy with smoothed targets (Szegedy et al. 2016): the target of row n
// is not the one-hot vector of t_n but
//   q_n = (1 - ε) onehot(t_n) + ε / V          (Σ_v q_n,v = 1)
// so the model is not pushed towards infinitely confident scores. This is
// PyTorch's CrossEntropyLoss(label_smoothing=ε): the ε/V goes to every class,
// the target's included. Rows whose target is ignore_index (padding) are not
// counted, as in cross_entropy; ε = 0 is cross_entropy exactly.
#include "core/ops.hpp"

namespace s2s {

// L = (1/C) Σ_{n counted} Σ_v -q_n,v log softmax(z_n)_v,   C = #counted rows.
// logits (N,V), one target per row, ε in [0, 1).
Var smoothed_cross_entropy(const Var& logits, const Ids& targets, real epsilon,
                           int64_t ignore_index = -100);

}  // namespace s2s
