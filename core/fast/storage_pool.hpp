#pragma once
// StoragePool: recycles the memory blocks of Tensor storage.
//
// A training step allocates the same tensors every time: each op's output,
// each gradient, in the same sizes and order. Returning those blocks to malloc
// after backward and asking for them again next step costs real time: large
// blocks go back to the operating system and come back as fresh pages, each
// first touch a page fault (measured: ~7% of the medium reference workload's
// main thread, and malloc's own bookkeeping ~10% of the small one). The pool
// keeps freed blocks in free lists by size class instead, so from the second
// step on a step's tensors are carved from blocks the previous step gave back:
// no call into malloc, no page fault.
//
// Size classes: up to 256 bytes, multiples of 64; above, four classes per
// power of two (320, 384, 448, 512, 640, ...), so a block is at most 25%
// larger than asked. Blocks are 64-byte aligned (one cache line, one AVX-512
// vector). At most `capacity` bytes are kept; a block released beyond that,
// or too large for any class, goes straight back to the system.
//
// Tensor's allocator uses StoragePool::global(), one process-wide pool behind
// a mutex (pool threads create tensors too). It changes no number anywhere:
// only where memory comes from. trim() returns everything to the system.
// Under AddressSanitizer Tensor bypasses the pool, so that a read of a freed
// tensor is still reported (an instantly reused block would hide it).
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

// The pool serves tensors and graph nodes except under AddressSanitizer,
// where every block comes from operator new (see pool_allocate below).
#ifndef S2S_STORAGE_POOL
#if defined(__SANITIZE_ADDRESS__)
#define S2S_STORAGE_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define S2S_STORAGE_POOL 0
#endif
#endif
#endif
#ifndef S2S_STORAGE_POOL
#define S2S_STORAGE_POOL 1
#endif

namespace s2s {

class StoragePool {
 public:
  struct Stats {
    int64_t hits = 0;          // acquire() served from a free list
    int64_t misses = 0;        // acquire() that had to allocate from the system
    int64_t cached_bytes = 0;  // bytes held in free lists right now
  };

  static constexpr size_t kAlignment = 64;
  static constexpr size_t kDefaultCapacity = size_t{1} << 30;  // 1 GiB

  explicit StoragePool(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  ~StoragePool();
  StoragePool(const StoragePool&) = delete;
  StoragePool& operator=(const StoragePool&) = delete;

  // A block of at least `bytes` bytes, 64-byte aligned (bytes > 0).
  void* acquire(size_t bytes);
  // Gives back a block from acquire(bytes) with the same `bytes`.
  void release(void* p, size_t bytes) noexcept;
  // Frees every cached block.
  void trim() noexcept;
  Stats stats() const;

  // The size a request of `bytes` is rounded up to (0 when no class fits).
  static size_t class_size(size_t bytes);

  // The process-wide pool behind Tensor storage.
  static StoragePool& global();

 private:
  static constexpr int kClasses = 4 + 4 * 32;  // up to 2^40 bytes
  static int class_of(size_t bytes);           // -1: larger than every class
  static size_t size_of_class(int c);          // the block size of class c >= 0

  mutable std::mutex mutex_;
  std::vector<void*> free_[kClasses];
  size_t capacity_;
  Stats stats_;
};

// A block from the global pool (64-byte aligned), or from operator new under
// AddressSanitizer, so that a use after free is still reported (a block
// reused at once would hide it).
inline void* pool_allocate(size_t bytes) {
#if S2S_STORAGE_POOL
  return StoragePool::global().acquire(bytes);
#else
  return ::operator new (bytes, std::align_val_t{StoragePool::kAlignment});
#endif
}
inline void pool_deallocate(void* p, size_t bytes) noexcept {
#if S2S_STORAGE_POOL
  StoragePool::global().release(p, bytes);
#else
  (void)bytes;
  ::operator delete (p, std::align_val_t{StoragePool::kAlignment});
#endif
}

// A standard allocator over pool_allocate, for containers and
// std::allocate_shared: the graph's nodes and input lists reuse blocks too.
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}
  T* allocate(size_t n) {
    if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(pool_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) noexcept { pool_deallocate(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;  // one global pool: any instance frees any block
  }
};

// Tensor storage's allocator (core/tensor.hpp). Two differences from std::allocator:
// - memory comes from StoragePool::global() (core/fast/storage_pool.hpp), which
//   recycles the blocks of freed tensors: a training step makes the same
//   tensors every time, and from the second step on they reuse the previous
//   step's blocks instead of calling malloc (bypassed under AddressSanitizer,
//   so that use-after-free is still caught);
// - a new element is default-initialised: for a float that means "left as it
//   was", so `resize(n)` allocates without writing zeros. Op outputs that are
//   about to be overwritten completely (Tensor::uninitialized) skip a pass
//   over memory that, for the large activations of a seq2seq unroll, cost as
//   much as the op itself.
template <class T>
struct StorageAllocator : PoolAllocator<T> {
  template <class U>
  struct rebind {
    using other = StorageAllocator<U>;
  };
  StorageAllocator() = default;
  template <class U>
  StorageAllocator(const StorageAllocator<U>&) noexcept {}
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-init: no value written
  }
};

}  // namespace s2s
