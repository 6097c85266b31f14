// reference_workload: times training steps of the reference model
// (bench/reference_model.hpp) in float32.
//
//   reference_workload --size small|medium|large [--steps N] [--save FILE]
//                      [--threads N] [--rss-every K]
//
// One timed step = zero grads + forward + backward + Adam step, on one fixed
// random batch. The last line is
//   ms_per_step=<median> tokens_per_s=<B·T / median step time> peak_rss_mb=<VmHWM>
// With --save FILE the initial parameters and the batch are written first (one
// safetensors file, PyTorch names) and every step prints `step=<i> loss=<x>`,
// so bench/torch_reference.py --replay can rerun the identical training.
// --rss-every K prints the current resident set every K steps (a flat line
// shows the graph is freed after each backward).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench/alloc_count.hpp"
#include "bench/reference_model.hpp"
#include "core/fast/thread_pool.hpp"
#include "nn/adam.hpp"
#include "nn/safetensors.hpp"

namespace {

using namespace s2s;

// A field of /proc/self/status in MiB ("VmHWM" = peak RSS, "VmRSS" = current).
double proc_status_mb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::atof(line.c_str() + field.size() + 1) / 1024.0;
  return -1;
}

// CPU time of the whole process (all threads) in ms. On a shared, loaded
// machine wall time includes waiting for a core; CPU time does not.
double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

struct Options {
  std::string size = "small", save;
  int64_t steps = -1;  // -1: a default per size
  int threads = 0;     // 0: the pool's default
  int64_t rss_every = 0;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      S2S_CHECK(i + 1 < argc, "reference_workload: {} needs a value", a);
      return argv[++i];
    };
    if (a == "--size")
      o.size = value();
    else if (a == "--steps")
      o.steps = std::stoll(value());
    else if (a == "--save")
      o.save = value();
    else if (a == "--threads")
      o.threads = std::stoi(value());
    else if (a == "--rss-every")
      o.rss_every = std::stoll(value());
    else if (a == "--engine")
      set_engine(parse_engine(value()));
    else
      throw Error("reference_workload: unknown argument '" + a +
                  "' (use --size small|medium|large [--steps N] [--save FILE] [--threads N] "
                  "[--rss-every K] [--engine reference|fast])");
  }
  return o;
}

int run(const Options& opt) {
  static_assert(sizeof(real) == sizeof(float), "reference_workload measures the float32 build");
  // The global pool reads S2S_THREADS when it is first used, which is below.
  if (opt.threads > 0) setenv("S2S_THREADS", std::to_string(opt.threads).c_str(), 1);
  const bench::ReferenceSizes z = bench::reference_sizes(opt.size);
  const int64_t steps = opt.steps > 0 ? opt.steps
                                      : (opt.size == "small"    ? 200
                                         : opt.size == "medium" ? 30
                                                                : 5);

  Rng rng(1234);
  bench::ReferenceModel model(z, rng);
  Ids src(static_cast<size_t>(z.B * z.S)), tgt(static_cast<size_t>(z.B * (z.T + 1)));
  for (auto& id : src) id = static_cast<int64_t>(rng.below(static_cast<uint64_t>(z.V)));
  for (auto& id : tgt) id = static_cast<int64_t>(rng.below(static_cast<uint64_t>(z.V)));

  if (!opt.save.empty()) {
    std::vector<StoredTensor> stored;
    for (auto& [name, p] : model.named_parameters())
      stored.push_back(StoredTensor::from_real(name, p.value()));
    stored.push_back(StoredTensor::from_int64("batch.src", src, {z.B, z.S}));
    stored.push_back(StoredTensor::from_int64("batch.tgt", tgt, {z.B, z.T + 1}));
    write_safetensors(opt.save, stored, {{"size", opt.size}, {"lr", "0.001"}});
  }

  Adam adam(model.parameters(), real(1e-3));
  std::vector<double> ms, cpu_ms;
  // Heap allocations (operator new) and storage-pool misses per step, counted
  // from step `warm` on: the first steps fill the pool (and its free lists).
  const int64_t warm = std::min<int64_t>(5, steps / 2);
  int64_t allocs0 = 0, misses0 = 0;
  for (int64_t i = 0; i < steps; ++i) {
    if (i == warm) {
      allocs0 = bench::heap_allocations();
      misses0 = StoragePool::global().stats().misses;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = process_cpu_ms();
    adam.zero_grad();
    Var loss = model.loss(src, tgt);
    loss.backward();
    adam.step();
    const std::chrono::duration<double, std::milli> dt = std::chrono::steady_clock::now() - t0;
    ms.push_back(dt.count());
    cpu_ms.push_back(process_cpu_ms() - c0);
    if (!opt.save.empty())
      std::printf("step=%lld loss=%.9g\n", static_cast<long long>(i), loss.item());
    if (opt.rss_every > 0 && (i + 1) % opt.rss_every == 0)
      std::printf("step=%lld rss_mb=%.1f peak_rss_mb=%.1f\n", static_cast<long long>(i + 1),
                  proc_status_mb("VmRSS"), proc_status_mb("VmHWM"));
    std::fflush(stdout);  // (outside the timed part) progress shows while a long run goes on
  }
  const double later_steps = static_cast<double>(std::max<int64_t>(1, steps - warm));
  const double allocs = static_cast<double>(bench::heap_allocations() - allocs0) / later_steps;
  const double misses =
      static_cast<double>(StoragePool::global().stats().misses - misses0) / later_steps;
  const double wall = median(ms);
  std::printf(
      "# size=%s engine=%s V=%lld E=%lld H=%lld B=%lld S=%lld T=%lld threads=%d steps=%lld "
      "cpu_ms_per_step=%.3f heap_allocs_per_step=%.2f pool_misses_per_step=%.2f\n",
      opt.size.c_str(), engine_name(engine()), static_cast<long long>(z.V),
      static_cast<long long>(z.E), static_cast<long long>(z.H), static_cast<long long>(z.B),
      static_cast<long long>(z.S), static_cast<long long>(z.T), ThreadPool::global().num_threads(),
      static_cast<long long>(steps), median(cpu_ms), allocs, misses);
  std::printf("ms_per_step=%.3f tokens_per_s=%.0f peak_rss_mb=%.1f\n", wall,
              static_cast<double>(z.B * z.T) / (wall * 1e-3), proc_status_mb("VmHWM"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reference_workload: %s\n", e.what());
    return 1;
  }
}
