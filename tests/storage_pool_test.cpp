#include "core/fast/storage_pool.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <set>

#include "core/tensor.hpp"
#include "core/tensor_math.hpp"
#include "nn/adam.hpp"
#include "nn/linear.hpp"
#include "nn/loss.hpp"
#include "core/fast/fused_cells.hpp"

using s2s::StoragePool;

TEST_CASE("storage pool: size classes round up by at most 25% and never down") {
  size_t prev = 0;
  for (size_t bytes = 1; bytes < (size_t{1} << 22); bytes += bytes / 7 + 1) {
    const size_t c = StoragePool::class_size(bytes);
    CHECK(c >= bytes);
    CHECK(c % 64 == 0);
    if (bytes > 256) CHECK(c * 4 <= bytes * 5 + 256);  // at most a quarter more
    CHECK(c >= prev);                                  // monotone in the request
    prev = c;
  }
  CHECK(StoragePool::class_size(64) == 64);
  CHECK(StoragePool::class_size(65) == 128);
  CHECK(StoragePool::class_size(257) == 320);
  CHECK(StoragePool::class_size(512) == 512);
  CHECK(StoragePool::class_size(513) == 640);
  CHECK(StoragePool::class_size(size_t{1} << 41) == 0);  // too large: no class
}

TEST_CASE("storage pool: a released block is handed out again for the same class") {
  StoragePool pool;
  void* a = pool.acquire(1000);
  CHECK(reinterpret_cast<uintptr_t>(a) % StoragePool::kAlignment == 0);
  CHECK(pool.stats().misses == 1);
  pool.release(a, 1000);
  CHECK(pool.stats().cached_bytes == static_cast<int64_t>(StoragePool::class_size(1000)));
  void* b = pool.acquire(990);  // same class (1024)
  CHECK(b == a);
  CHECK(pool.stats().hits == 1);
  CHECK(pool.stats().cached_bytes == 0);
  void* c = pool.acquire(5000);  // another class: a new block
  CHECK(c != a);
  CHECK(pool.stats().misses == 2);
  pool.release(b, 990);
  pool.release(c, 5000);
  pool.trim();
  CHECK(pool.stats().cached_bytes == 0);
}

TEST_CASE("storage pool: blocks beyond the capacity go back to the system") {
  StoragePool pool(/*capacity=*/4096);
  void* a = pool.acquire(4096);
  void* b = pool.acquire(4096);
  pool.release(a, 4096);
  pool.release(b, 4096);  // would exceed 4096 cached bytes: freed
  CHECK(pool.stats().cached_bytes == 4096);
  std::set<void*> seen{pool.acquire(4096), pool.acquire(4096)};
  CHECK(pool.stats().hits == 1);
  for (void* p : seen) pool.release(p, 4096);
}

#if S2S_STORAGE_POOL
TEST_CASE("storage pool: tensors of a repeated computation reuse their blocks") {
  auto step = [] {
    s2s::Tensor x = s2s::Tensor::full({64, 128}, 2);
    s2s::Tensor y = x * x + x;
    return s2s::sum_all(y);
  };
  const s2s::real first = step();  // warms the pool
  const auto before = StoragePool::global().stats();
  CHECK(step() == first);
  const auto after = StoragePool::global().stats();
  CHECK(after.misses == before.misses);  // no new system allocation
  CHECK(after.hits > before.hits);
}
#endif

#if S2S_STORAGE_POOL
TEST_CASE("storage pool: a warmed-up training step takes every block from the pool") {
  // Tensors, graph nodes, input lists and backward closures all come from the
  // pool; from the third step on, nothing new is requested from the system.
  s2s::Rng rng(3);
  s2s::FusedLSTMCell cell(4, 6, rng);  // the fast engine's cell (the default engine)
  s2s::Linear out(6, 5, rng);
  std::vector<s2s::Var> params = cell.parameters();
  for (const s2s::Var& p : out.parameters()) params.push_back(p);
  s2s::Adam adam(params, s2s::real(1e-2));
  const s2s::Tensor x = s2s::Tensor::normal({3, 4}, rng);
  auto step = [&] {
    adam.zero_grad();
    s2s::RecurrentState st = cell.zero_state(3);
    for (int t = 0; t < 4; ++t) st = cell.step(s2s::Var(x), st);
    s2s::Var loss = s2s::cross_entropy(out(st.h), s2s::Ids{0, 2, 4});
    loss.backward();
    adam.step();
    return loss.item();
  };
  step();
  step();
  const auto before = StoragePool::global().stats();
  const s2s::real l3 = step(), l4 = step();
  const auto after = StoragePool::global().stats();
  CHECK(l4 < l3);                         // it trains
  CHECK(after.misses == before.misses);   // and asks the system for nothing
  CHECK(after.hits > before.hits + 100);  // many blocks were reused
}
#endif
