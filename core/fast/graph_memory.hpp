#pragma once
// The graph's memory, from the storage pool (the seam's half that core/var.hpp
// and core/var.cpp use; see core/fast/README.md).
//
// To read the engine, think of these as the plain standard types they stand for:
//   BackwardFn      std::function<void(Node&)>, without a heap block per op
//   PooledList<T>   std::vector<T>
//   make_pooled<T>  std::make_shared<T>
//   NodeSet         std::unordered_set<const Node*>
// A training step builds the same graph every time; from the second step on
// its nodes, input lists and closures reuse the previous step's blocks.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/fast/backward_fn.hpp"
#include "core/fast/storage_pool.hpp"

namespace s2s {

template <class T>
using PooledList = std::vector<T, PoolAllocator<T>>;

template <class T>
std::shared_ptr<T> make_pooled() {
  return std::allocate_shared<T>(PoolAllocator<T>{});
}

// The set of nodes a backward pass has reached: open addressing in one flat
// table (a std::unordered_set makes a heap allocation per node, hundreds per
// training step). Linear probing from a multiplicative hash of the address;
// the table doubles when half full.
template <class NodeT>
class NodeSet {
 public:
  NodeSet() : slots_(1024, nullptr) {}
  // True when n was not in the set yet.
  bool insert(const NodeT* n) {
    if (2 * (count_ + 1) > slots_.size()) grow();
    return place(slots_, n);
  }

 private:
  using Slots = PooledList<const NodeT*>;
  static size_t home(const NodeT* n, size_t size) {
    const uint64_t h =
        static_cast<uint64_t>(reinterpret_cast<uintptr_t>(n)) * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h >> 32) & (size - 1);  // size is a power of two
  }
  bool place(Slots& slots, const NodeT* n) {
    for (size_t i = home(n, slots.size());; i = (i + 1) & (slots.size() - 1)) {
      if (slots[i] == n) return false;
      if (slots[i] == nullptr) {
        slots[i] = n;
        ++count_;
        return true;
      }
    }
  }
  void grow() {
    Slots bigger(2 * slots_.size(), nullptr);
    count_ = 0;
    for (const NodeT* n : slots_)
      if (n != nullptr) place(bigger, n);
    slots_.swap(bigger);
  }
  Slots slots_;
  size_t count_ = 0;
};

}  // namespace s2s
