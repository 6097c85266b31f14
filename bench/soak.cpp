// Soak test (a benchmark, not a unit test): many training steps of a small
// attention seq2seq model, watching for slow leaks and numerical drift.
//
//   soak [--steps N] [--every K]        defaults: 10000 steps, report every 1000
//
// Workload, close to the performance issue's reference: GRU encoder-decoder with
// general attention, V = 32 (28 symbols + 4 specials), E = 32, H = 64, B = 16,
// a fresh random batch of the copy task every step with source lengths 6..10
// (so there is padding to mask), Adam with clipping at 1.
//
// It prints the resident set size (RSS, from /proc/self/statm) at the start,
// every K steps and at the end. Every step builds and frees a whole graph, so a
// leak of even one node per step shows up as steady RSS growth; a healthy run is
// flat after warm-up. Exits 1 if a loss is ever NaN/Inf.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "nn/adam.hpp"
#include "nn/clip_grad.hpp"
#include "seq2seq/model/seq2seq.hpp"

using namespace s2s;

namespace {

// Resident set size in MB: the second field of /proc/self/statm, in pages.
double rss_mb() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return -1;
  long pages_total = 0, pages_resident = 0;
  const int got = std::fscanf(f, "%ld %ld", &pages_total, &pages_resident);
  std::fclose(f);
  if (got != 2) return -1;
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) /
         (1024.0 * 1024.0);
}

// B random copy-task examples: source = target = a random string of symbols.
std::vector<Example> random_batch(Rng& rng, const std::vector<std::string>& symbols, int64_t B) {
  std::vector<Example> out(static_cast<size_t>(B));
  for (Example& e : out) {
    const int64_t len = 6 + static_cast<int64_t>(rng.below(5));  // 6..10
    for (int64_t i = 0; i < len; ++i)
      e.src.push_back(symbols[static_cast<size_t>(rng.below(symbols.size()))]);
    e.tgt = e.src;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t steps = 10000, every = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--steps") == 0)
      steps = std::stoll(argv[i + 1]);
    else if (std::strcmp(argv[i], "--every") == 0)
      every = std::stoll(argv[i + 1]);
  }

  std::vector<std::string> symbols;
  Vocab vocab;
  for (int i = 0; i < 28; ++i) symbols.push_back(fmt::format("s{}", i)), vocab.add(symbols.back());
  ModelConfig mc;
  mc.cell = CellKind::gru;
  mc.src_vocab = mc.tgt_vocab = vocab.size();  // 32
  mc.embed = 32;
  mc.hidden = 64;
  mc.attention = true;
  mc.attn.score = "general";
  mc.seed = 1;
  Seq2Seq model(mc);
  model.train();
  Adam adam(model.parameters(), real(3e-3));
  Rng rng(42);
  const int64_t B = 16;

  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const double rss_start = rss_mb();
  double rss_warm = 0, window_loss = 0;
  fmt::print("soak: {} steps, V={} E={} H={} B={} S=T=6..10, {}\n", steps, vocab.size(), mc.embed,
             mc.hidden, B, model.describe());
  fmt::print("{:>7} {:>9} {:>10} {:>8}\n", "step", "RSS (MB)", "mean loss", "time (s)");
  fmt::print("{:>7} {:>9.1f} {:>10} {:>8.1f}\n", 0, rss_start, "-", 0.0);
  for (int64_t step = 1; step <= steps; ++step) {
    const std::vector<Example> examples = random_batch(rng, symbols, B);
    std::vector<const Example*> ptrs;
    for (const Example& e : examples) ptrs.push_back(&e);
    const Batch batch = make_batch(ptrs, vocab, vocab);
    adam.zero_grad();
    ForwardOutput f = model.forward(batch);
    const double loss = f.loss.item();
    if (!std::isfinite(loss)) {
      fmt::print(stderr, "soak: loss became {} at step {}\n", loss, step);
      return 1;
    }
    f.loss.backward();
    clip_grad_norm(adam.params(), 1);
    adam.step();
    window_loss += loss;
    if (step % every == 0 || step == steps) {
      const int64_t n = step % every == 0 ? every : step % every;
      const double rss = rss_mb();
      if (rss_warm == 0) rss_warm = rss;
      fmt::print("{:>7} {:>9.1f} {:>10.4f} {:>8.1f}\n", step, rss, window_loss / n,
                 std::chrono::duration<double>(Clock::now() - t0).count());
      std::fflush(stdout);
      window_loss = 0;
    }
  }
  const double rss_end = rss_mb();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  fmt::print(
      "soak: done, no NaN. RSS start {:.1f} MB, after the first report {:.1f} MB, end {:.1f} MB "
      "({:+.1f} MB since the first report); {:.1f} s, {:.0f} steps/s\n",
      rss_start, rss_warm, rss_end, rss_end - rss_warm, secs, static_cast<double>(steps) / secs);
  return 0;
}
