// Row gather: the embedding lookup. y[n] = table[ids[n]].
#include <algorithm>

#include "core/error.hpp"
#include "core/ops.hpp"

namespace s2s {

// y_n = W[id_n];  dW[id_n] += dy_n  (rows used twice get both gradients)
Var gather_rows(const Var& table, const Ids& ids, const Shape& ids_shape) {
  S2S_CHECK(table.rank() == 2, "gather_rows: table must be 2-D (V,E), got {}",
            shape_str(table.shape()));
  check_shape(ids_shape, "gather_rows");
  S2S_CHECK(static_cast<int64_t>(ids.size()) == shape_numel(ids_shape),
            "gather_rows: {} ids given for ids shape {}", ids.size(), shape_str(ids_shape));
  const int64_t V = table.size(0), E = table.size(1);
  for (size_t n = 0; n < ids.size(); ++n)
    S2S_CHECK(ids[n] >= 0 && ids[n] < V,
              "gather_rows: token id {} at position {} is outside [0, {})", ids[n], n, V);
  Shape out_shape = ids_shape;
  out_shape.push_back(E);
  Tensor out = Tensor::uninitialized(out_shape);
  const real* w = table.value().data();
  for (size_t n = 0; n < ids.size(); ++n) std::copy_n(w + ids[n] * E, E, out.data() + n * E);
  return Var::make("gather_rows", std::move(out), {table},
                   [ids = SavedIds(ids.begin(), ids.end()), E](Node& self) {
                     if (Tensor* dtable = self.input_grad(0))
                       for (size_t n = 0; n < ids.size(); ++n) {  // dtable[ids[n]] += dy[n]
                         real* row = dtable->data() + ids[n] * E;
                         const real* dy = self.grad.data() + n * E;
                         for (int64_t e = 0; e < E; ++e) row[e] += dy[e];
                       }
                   });
}

}  // namespace s2s
