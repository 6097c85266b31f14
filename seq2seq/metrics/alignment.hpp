#pragma once
// Does the attention look at the right words? We turn attention weights into
// hard links and compare them to gold links with the alignment error rate
// (Och & Ney 2003). With sure = possible = gold links G and predicted links A:
//   AER = 1 - 2 |A ∩ G| / (|A| + |G|)          0 = perfect, 1 = nothing right
#include <cstdint>
#include <utility>
#include <vector>

#include "core/tensor.hpp"

namespace s2s {

using Links = std::vector<std::pair<int, int>>;  // (src_index, tgt_index)

// attn: (T,S) weights, row t = how much target token t attends each source
// token. Links each target t < tgt_len to its argmax source s < src_len.
// Pass -1 to use the full size; pass tgt_len = n to skip the <eos> row, and
// src_len to ignore padding columns. With a reversed source, map s back yourself.
Links alignment_from_attention(const Tensor& attn, int64_t src_len = -1, int64_t tgt_len = -1);

// AER of one sentence. Both empty -> 0.
double alignment_error_rate(const Links& predicted, const Links& gold);

// Corpus AER: intersections and sizes summed over sentences before dividing.
double corpus_aer(const std::vector<Links>& predicted, const std::vector<Links>& gold);

}  // namespace s2s
