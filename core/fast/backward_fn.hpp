#pragma once
// BackwardFn: the backward closure a graph node keeps. A move-only
// void(Node&) callable like std::function<void(Node&)>, with one difference
// that matters for speed: the closure's captures (a saved activation, a few
// sizes) live inside the node, in kInline bytes, instead of in a heap block
// of their own per op. Larger closures go to the storage pool
// (core/fast/storage_pool.hpp). Ops pass a lambda; nothing else changes.
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "core/fast/storage_pool.hpp"

namespace s2s {

struct Node;

class BackwardFn {
 public:
  // Room for a saved Tensor (96 bytes) and a few sizes or a second vector.
  static constexpr size_t kInline = 160;

  BackwardFn() = default;
  BackwardFn(std::nullptr_t) {}  // NOLINT: "no backward", as for std::function
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, BackwardFn> &&
                                              std::is_invocable_v<std::decay_t<F>&, Node&>>>
  BackwardFn(F&& f) {  // NOLINT: a lambda converts implicitly, as to std::function
    using Fn = std::decay_t<F>;
    if constexpr (kFits<Fn>) {
      ::new (static_cast<void*>(buf_)) Fn(std::forward<F>(f));
    } else {
      void* p = pool_allocate(sizeof(Fn));
      try {
        ::new (p) Fn(std::forward<F>(f));
      } catch (...) {
        pool_deallocate(p, sizeof(Fn));
        throw;
      }
      ::new (static_cast<void*>(buf_)) Fn*(static_cast<Fn*>(p));
    }
    ops_ = &kOps<Fn>;
  }
  BackwardFn(BackwardFn&& o) noexcept { take(o); }
  BackwardFn& operator=(BackwardFn&& o) noexcept {
    if (this != &o) {
      reset();
      take(o);
    }
    return *this;
  }
  BackwardFn& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  BackwardFn(const BackwardFn&) = delete;
  BackwardFn& operator=(const BackwardFn&) = delete;
  ~BackwardFn() { reset(); }

  explicit operator bool() const { return ops_ != nullptr; }
  void operator()(Node& n) { ops_->call(buf_, n); }
  void reset() noexcept {
    if (ops_) {
      ops_->destroy(buf_);
      ops_ = nullptr;
    }
  }

 private:
  template <class Fn>
  static constexpr bool kFits =
      sizeof(Fn) <= kInline &&
      alignof(Fn) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<Fn>;
  // What a BackwardFn does with its closure of type Fn, as three functions.
  struct Ops {
    void (*call)(void* buf, Node& n);
    void (*move)(void* from, void* to) noexcept;  // leaves `from` destroyed
    void (*destroy)(void* buf) noexcept;
  };
  template <class Fn>
  static Fn* target(void* buf) {
    if constexpr (kFits<Fn>)
      return std::launder(static_cast<Fn*>(buf));
    else
      return *std::launder(static_cast<Fn**>(buf));
  }
  template <class Fn>
  static constexpr Ops kOps{[](void* buf, Node& n) { (*target<Fn>(buf))(n); },
                            [](void* from, void* to) noexcept {
                              if constexpr (kFits<Fn>) {
                                Fn* f = target<Fn>(from);
                                ::new (to) Fn(std::move(*f));
                                f->~Fn();
                              } else {
                                ::new (to)
                                    Fn*(target<Fn>(from));  // the pooled closure changes owner
                              }
                            },
                            [](void* buf) noexcept {
                              Fn* f = target<Fn>(buf);
                              f->~Fn();
                              if constexpr (!kFits<Fn>) pool_deallocate(f, sizeof(Fn));
                            }};

  void take(BackwardFn& o) noexcept {
    if (o.ops_) {
      o.ops_->move(o.buf_, buf_);
      ops_ = o.ops_;
      o.ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) unsigned char buf_[kInline];
  const Ops* ops_ = nullptr;
};

}  // namespace s2s
