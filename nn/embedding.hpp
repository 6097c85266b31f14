#pragma once
// Embedding: a table of E-dimensional vectors, one row per token id.
// With a padding index, that row outputs zeros and never receives gradient.
#include "nn/module.hpp"

namespace s2s {

class Embedding : public Module {
 public:
  Embedding(int64_t num_embeddings, int64_t dim, Rng& rng, int64_t padding_idx = -1);
  // ids laid out row-major with shape ids_shape -> (ids_shape..., E).
  Var forward(const Ids& ids, const Shape& ids_shape) const;

  int64_t num_embeddings, dim, padding_idx;
  Var weight;  // (V,E)
};

}  // namespace s2s
