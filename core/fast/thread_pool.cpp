#include "core/fast/thread_pool.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>

namespace s2s {

namespace {

// Chunk t of T over [0, n): [n*t/T, n*(t+1)/T). Sizes differ by at most one.
int64_t chunk_begin(int64_t n, int t, int T) { return n * t / T; }

// Thread count for the global pool: S2S_THREADS if set and valid, else the
// number of hardware threads (at least 1).
int default_thread_count() {
  if (const char* env = std::getenv("S2S_THREADS")) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v >= 1 && v <= 1024) return static_cast<int>(v);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

// How long a thread polls before it sleeps (see thread_pool.hpp). Measured
// with gemm_bench on 2 threads, second core free: GEMMs of 8M multiply-adds
// ran 0.9-1.1x as fast as on 1 thread when workers always slept, 1.8-2x with
// polling. Polling yields: with a busy second core, it still runs at 1.0x
// (a pause-instruction spin dropped to 0.35x: it held the core the other
// thread needed). 1 ms rather than 100 us: a training step has stretches of
// single-threaded work (elementwise ops, bookkeeping) longer than 100 us, after
// which a sleeping worker had to be woken again (medium reference workload on
// 2 threads: 57.4 -> 55.4 ms per step).
constexpr auto kSpin = std::chrono::microseconds(1000);

// Polls `ready` until it returns true (then returns true) or kSpin has passed
// (then returns false). Between polls the thread yields its core: when the
// machine is busy (more runnable threads than cores), the thread we wait for
// may need exactly this core, and a plain busy loop would hold it off.
template <class Ready>
bool spin_until(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    if (ready()) return true;
    std::this_thread::yield();
    if (std::chrono::steady_clock::now() > deadline) return false;
  }
}

}  // namespace

ThreadPool::ThreadPool(int num_threads) {
  for (int i = 1; i < num_threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (std::thread& w : workers_) w.join();
}

ThreadPool& ThreadPool::global() {
  static ThreadPool pool(default_thread_count());
  return pool;
}

void ThreadPool::run(int64_t n, const Job& f) {
  // Busy (nested call from a chunk, or another thread is using the pool):
  // run inline. The result is the same, only slower.
  std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
  if (!busy.owns_lock()) {
    f(0, n);
    return;
  }
  const int T = static_cast<int>(std::min<int64_t>(n, num_threads()));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &f;
    job_n_ = n;
    pending_.store(static_cast<int>(workers_.size()));
    generation_.fetch_add(1);  // a spinning worker starts now, a sleeping one when notified
  }
  wake_.notify_all();
  // The caller runs chunk 0; worker i runs chunk i (empty chunks if i >= T).
  // Even if chunk 0 throws we must wait: the workers still use f.
  std::exception_ptr error;
  try {
    f(chunk_begin(n, 0, T), chunk_begin(n, 1, T));
  } catch (...) {
    error = std::current_exception();
  }
  spin_until([this] { return pending_.load() == 0; });
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return pending_.load() == 0; });
  job_ = nullptr;
  if (!error) error = worker_error_;
  worker_error_ = nullptr;
  if (error) std::rethrow_exception(error);
}

void ThreadPool::worker_loop(int index) {
  uint64_t seen = 0;
  for (;;) {
    const Job* job;
    int64_t n;
    {
      auto ready = [&] { return stop_.load() || generation_.load() != seen; };
      spin_until(ready);
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, ready);  // returns at once if the spin saw the job
      if (stop_) return;
      seen = generation_.load();
      job = job_;
      n = job_n_;
    }
    const int T = static_cast<int>(std::min<int64_t>(n, num_threads()));
    std::exception_ptr error;
    if (index < T) {
      try {
        (*job)(chunk_begin(n, index, T), chunk_begin(n, index + 1, T));
      } catch (...) {
        error = std::current_exception();
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (error && !worker_error_) worker_error_ = std::move(error);
      error = nullptr;  // drop our reference under the lock, before the caller may rethrow
      pending_.fetch_sub(1);
    }
    done_.notify_one();
  }
}

}  // namespace s2s
