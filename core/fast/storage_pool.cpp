#include "core/fast/storage_pool.hpp"

#include <bit>
#include <new>

namespace s2s {

namespace {
void* system_allocate(size_t bytes) {
  return ::operator new (bytes, std::align_val_t{StoragePool::kAlignment});
}
void system_free(void* p) noexcept {
  ::operator delete (p, std::align_val_t{StoragePool::kAlignment});
}
}  // namespace

// Class index: 0..3 for 64, 128, 192, 256 bytes; then for 2^k < bytes <= 2^(k+1)
// (k >= 8) the four classes m · 2^(k-2), m = 5..8, at 4 + 4(k-8) + (m-5).
int StoragePool::class_of(size_t bytes) {
  if (bytes <= 256) return bytes == 0 ? 0 : static_cast<int>((bytes - 1) / 64);
  const int k = static_cast<int>(std::bit_width(bytes - 1)) - 1;  // 2^k < bytes <= 2^(k+1)
  const size_t step = size_t{1} << (k - 2);
  const int m = static_cast<int>((bytes + step - 1) / step);  // 5..8
  const int c = 4 + 4 * (k - 8) + (m - 5);
  return c < kClasses ? c : -1;
}

size_t StoragePool::size_of_class(int c) {
  if (c < 4) return size_t{64} * static_cast<size_t>(c + 1);
  const int k = 8 + (c - 4) / 4, m = 5 + (c - 4) % 4;
  return static_cast<size_t>(m) << (k - 2);
}

size_t StoragePool::class_size(size_t bytes) {
  const int c = class_of(bytes);
  return c < 0 ? 0 : size_of_class(c);
}

void* StoragePool::acquire(size_t bytes) {
  const int c = class_of(bytes);
  const size_t size = c >= 0 ? size_of_class(c) : bytes;
  {
    std::lock_guard lock(mutex_);
    if (c >= 0 && !free_[c].empty()) {
      void* p = free_[c].back();
      free_[c].pop_back();
      ++stats_.hits;
      stats_.cached_bytes -= static_cast<int64_t>(size);
      return p;
    }
    ++stats_.misses;
  }
  return system_allocate(size);
}

void StoragePool::release(void* p, size_t bytes) noexcept {
  if (p == nullptr) return;
  const int c = class_of(bytes);
  if (c >= 0) {
    const size_t size = size_of_class(c);
    std::lock_guard lock(mutex_);
    if (static_cast<size_t>(stats_.cached_bytes) + size <= capacity_) {
      try {
        auto& list = free_[c];
        // Room for many blocks at once: the list itself then (almost) never
        // reallocates, so a warmed-up pool calls no malloc at all.
        if (list.capacity() == 0) list.reserve(256);
        list.push_back(p);
        stats_.cached_bytes += static_cast<int64_t>(size);
        return;
      } catch (...) {  // no memory for the list itself: free the block instead
      }
    }
  }
  system_free(p);
}

void StoragePool::trim() noexcept {
  std::lock_guard lock(mutex_);
  for (auto& list : free_) {
    for (void* p : list) system_free(p);
    list.clear();
    list.shrink_to_fit();
  }
  stats_.cached_bytes = 0;
}

StoragePool::Stats StoragePool::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

StoragePool::~StoragePool() { trim(); }

StoragePool& StoragePool::global() {
  // Never destroyed: tensors in other static objects may be freed after main
  // returns, and must still find their pool (the OS reclaims the memory).
  static StoragePool* pool = new StoragePool();
  return *pool;
}

}  // namespace s2s
