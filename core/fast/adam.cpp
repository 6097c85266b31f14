// Adam's update on the thread pool (nn/adam.cpp is the reference one).
#include "core/fast/fast.hpp"
#include "core/fast/thread_pool.hpp"

namespace s2s {

// Tensors with at least this many elements are updated on all pool threads
// (below it, handing work to another core costs more than the update).
constexpr int64_t kAdamParallelElements = int64_t{1} << 16;

void fast_adam_update(real* w, real* m, real* v, const real* g, int64_t n, AdamStep k) {
  if (n < kAdamParallelElements) return reference_adam_update(w, m, v, g, n, k);
  // Each element's update is independent of the others: the same numbers for
  // any thread count.
  parallel_for(n, [&](int64_t begin, int64_t end) {
    reference_adam_update(w + begin, m + begin, v + begin, g + begin, end - begin, k);
  });
}

}  // namespace s2s
