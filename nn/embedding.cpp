#include "nn/embedding.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace s2s {

Embedding::Embedding(int64_t V, int64_t E, Rng& rng, int64_t pad)
    : num_embeddings(V), dim(E), padding_idx(pad) {
  S2S_CHECK(V > 0 && E > 0, "Embedding: sizes must be > 0, got V={} E={}", V, E);
  S2S_CHECK(pad >= -1 && pad < V, "Embedding: padding_idx {} is outside [0, {}) (or -1 for none)",
            pad, V);
  Tensor w = init::normal({V, E}, rng);
  if (pad >= 0)
    for (int64_t e = 0; e < E; ++e) w[pad * E + e] = 0;
  weight = register_parameter("weight", std::move(w));
}

Var Embedding::forward(const Ids& ids, const Shape& ids_shape) const {
  for (size_t i = 0; i < ids.size(); ++i)
    S2S_CHECK(ids[i] >= 0 && ids[i] < num_embeddings,
              "Embedding: token id {} at position {} is outside the vocabulary [0, {})", ids[i], i,
              num_embeddings);
  Var rows = gather_rows(weight, ids, ids_shape);  // (..., E)
  if (padding_idx < 0) return rows;
  // Zero the padding rows; masked_fill also blocks their gradient.
  Shape mask_shape = ids_shape;
  mask_shape.push_back(1);
  Tensor is_pad(mask_shape);
  for (size_t i = 0; i < ids.size(); ++i) is_pad[static_cast<int64_t>(i)] = ids[i] == padding_idx;
  return masked_fill(rows, is_pad, 0);
}

}  // namespace s2s
