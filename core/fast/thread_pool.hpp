#pragma once
// A tiny fixed-size thread pool with one operation: parallel_for.
//
//   pool.parallel_for(n, [&](int64_t begin, int64_t end) { ... });
//
// splits [0, n) into at most num_threads() contiguous chunks
//   chunk t = [n*t/T, n*(t+1)/T)
// and runs them concurrently; the calling thread runs chunk 0 itself and
// waits for the others. Determinism is the caller's contract: if every output
// element is written by exactly one chunk and its arithmetic does not depend on
// the chunk boundaries, results are bit-identical for every thread count.
//
// Waiting is a bounded spin, then sleep: a worker that finished a job keeps
// polling for the next one for up to kSpin (1 ms) before it blocks on a
// condition variable, and the caller polls for the workers' completion the
// same way. Training issues GEMMs microseconds apart, while waking a blocked
// thread takes tens of microseconds, as long as a 4M multiply-add GEMM's half.
// The cost: an idle pool keeps one core busy (yielding) for 1 ms after each job.
//
// An exception thrown by a chunk is rethrown to the caller (after all chunks
// have finished). Nested calls (a chunk calling parallel_for) and calls from a second thread
// while the pool is busy simply run inline on the calling thread: correct,
// never a deadlock.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/engine.hpp"

namespace s2s {

class ThreadPool {
 public:
  // num_threads counts the calling thread: ThreadPool(1) starts no workers and
  // runs everything inline; ThreadPool(2) starts one worker.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();  // wakes the workers and joins them
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  template <class F>
  void parallel_for(int64_t n, F&& f) {
    if (n <= 0) return;
    if (n == 1 || workers_.empty()) {
      f(int64_t{0}, n);
      return;
    }
    // Type-erase f without copying it (std::function could heap-allocate):
    // a plain function pointer that casts the context back to F and calls it.
    using Fn = std::remove_reference_t<F>;
    run(n, Job{[](const void* ctx, int64_t b, int64_t e) {
                 (*static_cast<Fn*>(const_cast<void*>(ctx)))(b, e);
               },
               static_cast<const void*>(&f)});
  }

  // The process-wide pool gemm uses. Created lazily on first call (a
  // function-local static, so creation is thread-safe) with S2S_THREADS
  // threads if that environment variable is set (S2S_THREADS=1: everything
  // runs inline), else std::thread::hardware_concurrency(). Destroyed at
  // normal program exit, which joins its workers.
  static ThreadPool& global();

 private:
  struct Job {  // "call(ctx, begin, end)" runs one chunk of the caller's f
    void (*call)(const void* ctx, int64_t begin, int64_t end);
    const void* ctx;
    void operator()(int64_t begin, int64_t end) const { call(ctx, begin, end); }
  };
  void run(int64_t n, const Job& f);
  void worker_loop(int index);

  std::vector<std::thread> workers_;
  std::mutex busy_;               // held by the one caller currently using the workers
  std::mutex mutex_;              // guards the fields below; atomics change only under it
  std::condition_variable wake_;  // workers sleep here for a new job
  std::condition_variable done_;  // the caller sleeps here for the workers
  const Job* job_ = nullptr;
  int64_t job_n_ = 0;
  std::atomic<uint64_t> generation_{0};  // bumped once per job so workers see each job once
  std::atomic<int> pending_{0};          // workers still running the current job
  std::atomic<bool> stop_{false};
  std::exception_ptr worker_error_;  // first exception thrown by a worker's chunk
};

// Runs f(r) for every row r in [0, rows) of an elementwise pass whose rows
// are independent (each writes only its own outputs). Below 2^15 elements
// (rows · elements_per_row) it runs inline, since handing rows to another
// core costs a few microseconds; above, rows are split across the global
// pool. Each row's arithmetic is the same wherever it runs, so the result
// does not depend on the thread count.
// Under the reference engine it always runs inline (no thread pool).
template <class F>
void for_each_row(int64_t rows, int64_t elements_per_row, F f) {
  constexpr int64_t kParallelElements = int64_t{1} << 15;
  auto run_rows = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) f(r);
  };
  if (rows * elements_per_row >= kParallelElements && engine() == Engine::fast)
    ThreadPool::global().parallel_for(rows, run_rows);
  else
    run_rows(0, rows);
}

// ThreadPool::global().parallel_for(n, f) under the fast engine; f(0, n) inline
// under the reference engine.
template <class F>
void parallel_for(int64_t n, F&& f) {
  if (engine() == Engine::fast)
    ThreadPool::global().parallel_for(n, f);
  else if (n > 0)
    f(int64_t{0}, n);
}

}  // namespace s2s
