// Determinism: the same seed gives bit-identical training, run after run and for
// any number of GEMM threads. The GEMM (core/gemm.cpp) gives each output element
// to exactly one thread with a fixed order of operations, so the thread count
// changes who computes a number, never how.
//
// The thread count of the global pool is read once per process (S2S_THREADS), so
// the thread comparison runs this test binary again as child processes
// (/proc/self/exe) with S2S_THREADS=1 and =2, each writing its losses to a file.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/fast/thread_pool.hpp"
#include "reliability_util.hpp"
#include "seq2seq/train/trainer.hpp"

extern char** environ;

using namespace s2s;
using namespace s2s::reliability;

namespace {

// Sizes chosen so that the GEMMs cross core/gemm.cpp's threading threshold
// (M·N·K >= 2^22): a GRU's hidden-to-hidden product is (B,H)@(H,3H) =
// 32·256·768 ≈ 6.3M multiply-adds, and the output layer (B,H)@(H,V) with the
// attention products come close. Real threads, real splits.
std::vector<double> train_losses(int64_t steps) {
  Splits data = tiny_copy_task(256, 8);
  auto [sv, tv] = build_vocabs(data.train);
  ModelConfig mc = tiny_model_config(sv.size(), tv.size(), 32, 256);
  // Additive scores: their fused ops split batch rows across threads as well
  // (core/ops_attention.cpp), and the weighted sum does in every score.
  mc.attn.score = "additive";
  Seq2Seq model(mc);
  TrainConfig tc;
  tc.epochs = 100;
  tc.max_steps = steps;
  tc.batch_size = 32;
  tc.lr = real(3e-3);
  tc.teacher_forcing = real(0.5);  // exercises the training Rng too
  tc.progress = false;
  tc.valid_examples = 8;
  return train(model, data, sv, tv, tc).step_losses;
}

constexpr int64_t kSteps = 12;
constexpr const char* kWorker = "reliability: same seed gives bit-identical losses";

// Runs this binary as `S2S_THREADS=threads <self> -tc=<kWorker>` with the losses
// going to `out`; returns the exit status.
int run_worker(int threads, const std::string& out, const std::string& log) {
  std::vector<std::string> env_strings = {fmt::format("S2S_THREADS={}", threads),
                                          "S2S_REL_LOSSES_OUT=" + out};
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "S2S_THREADS=", 12) != 0 &&
        std::strncmp(*e, "S2S_REL_LOSSES_OUT=", 19) != 0)
      env_strings.push_back(*e);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string self = fs::read_symlink("/proc/self/exe").string();
  std::string filter = std::string("-tc=") + kWorker;
  std::vector<char*> argv{self.data(), filter.data(), nullptr};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, self.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("reliability: same seed gives bit-identical losses") {
  const std::vector<double> a = train_losses(kSteps);
  REQUIRE(a.size() == static_cast<size_t>(kSteps));
  const char* out = std::getenv("S2S_REL_LOSSES_OUT");
  if (!out) {
    const std::vector<double> b = train_losses(kSteps);
    CHECK(a == b);  // exact equality of every double, no tolerance
  } else {
    // Run by the thread-count test below: write the losses (exact, as hex floats).
    std::string text = fmt::format("threads {}\n", ThreadPool::global().num_threads());
    for (double l : a) text += fmt::format("{:a}\n", l);
    write_text(out, text);
  }
}

TEST_CASE("reliability: 1 and 2 GEMM threads give bit-identical losses") {
  TempDir tmp("determinism");
  const std::string l1 = tmp.file("t1.txt"), l2 = tmp.file("t2.txt");
  REQUIRE(run_worker(1, l1, tmp.file("t1.log")) == 0);
  REQUIRE(run_worker(2, l2, tmp.file("t2.log")) == 0);
  const std::string one = read_bytes(l1), two = read_bytes(l2);
  CHECK(one.rfind("threads 1\n", 0) == 0);
  CHECK(two.rfind("threads 2\n", 0) == 0);
  // Same losses after the first line (the thread count).
  CHECK(one.substr(one.find('\n')) == two.substr(two.find('\n')));
  CHECK(std::count(one.begin(), one.end(), '\n') == kSteps + 1);
}
