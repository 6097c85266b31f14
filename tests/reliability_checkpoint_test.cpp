// Atomic checkpoints: a write that is killed half-way or that fails must leave
// the previous checkpoint exactly as it was. nn/safetensors.cpp writes to
// "<path>.tmp.<pid>", fsyncs, then rename()s over <path>; rename is atomic on
// POSIX file systems, so a reader sees the old file or the new one, never half.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "nn/safetensors.hpp"
#include "reliability_util.hpp"

using namespace s2s;
using namespace s2s::reliability;

namespace {

std::vector<std::pair<std::string, Tensor>> small_checkpoint() {
  Rng rng(11);
  return {{"w", Tensor::normal({4, 3}, rng)}, {"b", Tensor::normal({3}, rng)}};
}

void check_is_small_checkpoint(const std::string& path) {
  auto back = load_safetensors(path);
  auto want = small_checkpoint();
  REQUIRE(back.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    CHECK(back[i].first == want[i].first);
    CHECK(back[i].second.values() == want[i].second.values());
  }
}

}  // namespace

TEST_CASE("reliability: SIGKILL in the middle of a checkpoint write leaves the old file intact") {
  TempDir tmp("kill_write");
  const std::string path = tmp.file("model.safetensors");
  save_safetensors(path, small_checkpoint());
  const std::string before = read_bytes(path);

  // A big checkpoint (32 MB of zeros in float, 64 MB in double) takes long enough
  // to write that we can catch the child in the middle of it.
  const std::vector<StoredTensor> big{
      StoredTensor::from_real("big", Tensor::zeros({int64_t{8} << 20}))};
  const int64_t big_bytes = static_cast<int64_t>(big[0].bytes.size());

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the child overwrites the checkpoint with the big one, forever
    try {
      for (;;) write_safetensors(path, big);
    } catch (...) {
    }
    ::_exit(1);
  }
  // Wait until the child's temporary file holds some but not all bytes, then kill.
  const std::string child_tmp = fmt::format("{}.tmp.{}", path, child);
  bool caught_mid_write = false;
  for (int i = 0; i < 20000 && !caught_mid_write; ++i) {  // up to ~20 s
    struct stat st {};
    caught_mid_write =
        ::stat(child_tmp.c_str(), &st) == 0 && st.st_size > 0 && st.st_size < big_bytes;
    if (!caught_mid_write) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(caught_mid_write);

  // The checkpoint is whole: the previous one byte for byte (the usual case: we
  // caught the first write) or a complete big one (an earlier write finished).
  // Never a mixture or a truncated file.
  if (read_bytes(path) == before) {
    check_is_small_checkpoint(path);
  } else {
    MESSAGE("a complete write finished before the kill; checking it is whole");
    auto back = load_safetensors(path);
    REQUIRE(back.size() == 1);
    CHECK(back[0].second.numel() == int64_t{8} << 20);
  }
  // At most the killed child's temporary file remains. It has its own name, so
  // nobody loads it by mistake, and being incomplete, the loader rejects it.
  for (const std::string& name : tmp.listing()) {
    INFO(name);
    CHECK((name == "model.safetensors" || name == fs::path(child_tmp).filename().string()));
  }
  if (fs::exists(child_tmp) && static_cast<int64_t>(fs::file_size(child_tmp)) < big_bytes)
    CHECK_THROWS_AS(load_safetensors(child_tmp), s2s::Error);
}

TEST_CASE("reliability: a failed checkpoint write leaves the old file intact") {
  TempDir tmp("failed_write");
  const std::string path = tmp.file("model.safetensors");
  save_safetensors(path, small_checkpoint());
  const std::string before = read_bytes(path);
  Rng rng(3);
  const std::vector<std::pair<std::string, Tensor>> newer{{"w", Tensor::normal({4, 3}, rng)}};

  SUBCASE("the temporary file cannot be created") {
    // Occupy the temporary name with a folder: open() fails (works even as root,
    // who ignores permission bits).
    const std::string tmp_name = fmt::format("{}.tmp.{}", path, ::getpid());
    fs::create_directories(tmp_name);
    CHECK_THROWS_WITH_AS(save_safetensors(path, newer), doctest::Contains("cannot create"),
                         s2s::Error);
    fs::remove(tmp_name);
  }
  SUBCASE("the data is invalid (checked before any byte is written)") {
    std::vector<StoredTensor> bad{StoredTensor::from_real("w", Tensor::zeros({2}))};
    bad[0].bytes.pop_back();  // one byte short of its shape
    CHECK_THROWS_WITH_AS(write_safetensors(path, bad), doctest::Contains("needs"), s2s::Error);
  }
  SUBCASE("the folder is read-only") {
    if (::geteuid() == 0) {
      MESSAGE("running as root: permission bits do not stop root, case skipped");
    } else {
      fs::permissions(tmp.dir, fs::perms::owner_read | fs::perms::owner_exec);
      CHECK_THROWS_WITH_AS(save_safetensors(path, newer), doctest::Contains("cannot create"),
                           s2s::Error);
      fs::permissions(tmp.dir, fs::perms::owner_all);
    }
  }
  CHECK(read_bytes(path) == before);
  check_is_small_checkpoint(path);
  CHECK(tmp.listing() == std::vector<std::string>{"model.safetensors"});
}
