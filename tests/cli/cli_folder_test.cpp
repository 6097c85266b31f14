// A model folder is one transaction (issue 18): retraining into one folder on
// alternating data and killing the process (kill -9) at random moments, and
// while its temporary folder exists, never leaves an unloadable folder; a full
// disk fails the save cleanly and keeps the old model byte for byte; stale
// temporaries of dead processes are removed.
#include <doctest/doctest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "cli_util.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/model_folder.hpp"

using namespace s2s;
using namespace s2s::clitest;

namespace {

// "" when DIR loads, else the error.
std::string load_error(const std::string& dir) {
  try {
    LoadedModel lm = load_model(dir);
    return lm.model ? "" : "no model";
  } catch (const std::exception& e) {
    return e.what();
  }
}

// Leftovers beside DIR (DIR.tmp-*, DIR.old-*) and inside it (*.tmp.*).
std::vector<std::string> leftovers(const std::string& dir) {
  std::vector<std::string> found;
  const fs::path p(dir);
  for (const auto& e : fs::directory_iterator(p.parent_path())) {
    const std::string n = e.path().filename().string();
    if (n.rfind(p.filename().string() + ".", 0) == 0) found.push_back(n);
  }
  if (fs::is_directory(p))
    for (const auto& e : fs::directory_iterator(p))
      if (e.path().filename().string().find(".tmp.") != std::string::npos)
        found.push_back(e.path().filename().string());
  return found;
}

// Whether DIR.tmp-PID (kind "tmp") or DIR.old-PID (kind "old") exists.
bool sibling_exists(const std::string& dir, const char* kind = "tmp") {
  std::error_code ec;
  const fs::path p(dir);
  const std::string prefix = p.filename().string() + "." + kind + "-";
  for (const auto& e : fs::directory_iterator(p.parent_path(), ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("kill -9 loop: retraining into one folder never leaves an unloadable folder") {
  TempDir tmp("cli_kill");
  const std::string dir = tmp.file("model");
  std::mt19937 rng(18);
  // Alternating data (different vocabularies); several epochs so that saves happen
  // throughout the run; each save pauses 15 ms between its steps so that kills
  // land while the temporary folder exists too.
  const char* tasks[] = {"copy", "toy_en_es"};
  int kills = 0, during_temp = 0, unloadable = 0, lost = 0, loads = 0, repaired = 0;
  bool had_model = true;  // from the calibration run
  std::vector<std::string> errors;
  const auto t0 = std::chrono::steady_clock::now();
  // Calibration: how long a whole run with a save takes on this build (release
  // ~0.3 s, several times more under sanitizers): kills land in [0, 1.5 × that].
  const Run first = run_s2s(tmp, with_flags(tiny_train(dir, "copy", 2), {"--overwrite"}), "", 300,
                            {"S2S_TEST_SAVE_PAUSE_MS=15"});
  REQUIRE(first.code == 0);
  const double run_seconds = first.seconds;
  for (int i = 0; i < 24; ++i) {
    const std::vector<std::string> args =
        with_flags(tiny_train(dir, tasks[i % 2], 40), {"--overwrite", "--seconds", "20"});
    const std::string out = tmp.file("out.txt"), err = tmp.file("err.txt");
    // Every third run takes the fallback (DIR -> DIR.old-PID, DIR.tmp-PID -> DIR),
    // whose window between the two renames the next load must repair.
    std::vector<std::string> env = {"S2S_TEST_SAVE_PAUSE_MS=15"};
    if (i % 3 == 2) env.push_back("S2S_TEST_SAVE_NO_EXCHANGE=1");
    pid_t pid = spawn(args, "", out, err, env);
    // Every other kill: while DIR.tmp-PID exists; in fallback runs, while DIR.old-PID does.
    const bool wait_for_temp = i % 2 == 1 || i % 3 == 2;
    const char* kind = i % 3 == 2 ? "old" : "tmp";
    const auto start = std::chrono::steady_clock::now();
    const double at = std::uniform_real_distribution<double>(0.01, 1.5 * run_seconds)(rng);
    int status = 0;
    bool exited = false;
    for (;;) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      const double t =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (wait_for_temp
              ? (sibling_exists(dir, kind) && std::uniform_int_distribution<int>(0, 3)(rng) == 0) ||
                    t > 3 * run_seconds
              : t >= at) {
        during_temp += sibling_exists(dir);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ++kills;
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    (void)exited;
    const bool missing = !fs::exists(dir);
    if (missing) {  // a kill between the fallback's renames: the next writer's first step
      WriterLock lock(dir);
      clean_leftovers(dir);
    }
    if (!missing || had_model) {
      const std::string e = load_error(dir);
      ++loads;
      if (!e.empty()) ++unloadable, errors.push_back(e);
      if (missing) ++repaired;
      if (missing && !e.empty()) ++lost;  // a model that existed must never disappear
      had_model = true;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto& e : errors) MESSAGE("unloadable: ", e);
  MESSAGE(kills, " kills (", during_temp, " while a temporary folder existed), ", loads,
          " folders loaded (", repaired, " after a kill between the fallback's renames), ",
          unloadable, " unloadable, ", lost, " lost, ", seconds, " s");
  CHECK(kills >= 20);
  CHECK(during_temp >= 5);
  CHECK(unloadable == 0);
  CHECK(lost == 0);
  // The next save removes every leftover of the killed processes.
  std::vector<std::string> args = tiny_train(dir, "copy");
  args.push_back("--overwrite");
  const Run r = run_s2s(tmp, args);
  CHECK(r.code == 0);
  CHECK(load_error(dir).empty());
  CHECK(leftovers(dir).empty());
}

TEST_CASE("stale temporaries are ignored by readers and removed by the next save") {
  TempDir tmp("cli_stale");
  const std::string dir = tmp.file("model");
  REQUIRE(run_s2s(tmp, tiny_train(dir, "copy")).code == 0);
  // A dead process's leftovers (PID 999999999 is not running), with its marker.
  const std::string left = dir + ".tmp-999999999-00000000000000aa";
  fs::create_directories(left);
  write_text(left + "/.s2s-save", "s2s model folder\npid 999999999\ntoken 00000000000000aa\n");
  write_text(left + "/src.vocab", "junk");
  write_text(dir + "/model.safetensors.tmp.999999999", "junk");
  // Writers killed before or while writing their marker (the first thing a save writes):
  // an empty folder, and one with part of the marker. Both hold nothing else, so both go.
  const std::string empty = dir + ".tmp-999999998-00000000000000bb";
  const std::string partial = dir + ".tmp-999999997-00000000000000cc";
  fs::create_directories(empty);
  fs::create_directories(partial);
  write_text(partial + "/.s2s-save", "s2s model folder\npid 9999");
  // A partial marker beside anything else is not provably ours: it stays.
  const std::string kept = dir + ".tmp-999999996-00000000000000dd";
  fs::create_directories(kept);
  write_text(kept + "/.s2s-save", "s2s model folder\npid 9999");
  write_text(kept + "/src.vocab", "someone's file");
  CHECK(load_error(dir).empty());
  CHECK(fs::exists(left));  // a reader changes nothing
  CHECK(fs::exists(empty));
  std::vector<std::string> args = tiny_train(dir, "toy_en_es");
  args.push_back("--overwrite");
  CHECK(run_s2s(tmp, args).code == 0);
  CHECK(leftovers(dir) == std::vector<std::string>{fs::path(kept).filename().string()});
  CHECK(read_bytes(kept + "/src.vocab") == "someone's file");
  CHECK(load_error(dir).empty());
}

TEST_CASE("disk full: a failed save keeps the old model byte for byte and leaves nothing") {
  TempDir tmp("cli_diskfull");
  const std::string mnt = tmp.file("tmpfs");
  fs::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=2m") != 0) {
    MESSAGE("skipped: cannot mount a tmpfs here (", std::strerror(errno),
            "); run as root or with CAP_SYS_ADMIN");
    return;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  const std::string dir = mnt + "/model";
  // The old model: small. The new one: larger (another task, more hidden units).
  REQUIRE(run_s2s(tmp, tiny_train(dir, "copy")).code == 0);
  const auto before = snapshot_folder(dir);
  const std::vector<std::string> bigger =
      with_flags(tiny_train(dir, "toy_en_es"), {"--overwrite", "--hidden", "48", "--embed", "32"});
  int failed = 0, succeeded = 0, unloadable = 0, changed = 0, left = 0;
  // Leave 0 bytes .. ~1.5 MB free: the save fails at each of its steps, then succeeds.
  // -1: fill until the file system refuses (even the temporary folder or a vocabulary fails).
  for (int64_t free_kb : {-1, 0, 4, 8, 16, 32, 64, 128, 256, 1536}) {
    const std::string filler = mnt + "/filler";
    fs::remove(filler);
    const int64_t total = 2048 * 1024, used = [&] {
      int64_t u = 0;
      for (const auto& e : fs::recursive_directory_iterator(mnt))
        if (e.is_regular_file()) u += (static_cast<int64_t>(e.file_size()) + 4095) / 4096 * 4096;
      return u;
    }();
    const int64_t fill =
        free_kb < 0 ? total : std::max<int64_t>(0, total - used - free_kb * 1024 - 16 * 4096);
    {
      std::ofstream f(filler, std::ios::binary);
      std::string chunk(4096, 'x');
      for (int64_t n = 0; n < fill && f; n += 4096) f.write(chunk.data(), 4096);
    }
    const Run r = run_s2s(tmp, bigger);
    fs::remove(filler);
    INFO("free ~", free_kb, " KB: exit ", r.code, ": ", r.err);
    CHECK((r.code == 0 || r.code == 1));
    MESSAGE("free ~", free_kb, " KB: exit ", r.code, ": ", r.err.substr(0, r.err.find('\n')));
    if (r.code == 0) {
      ++succeeded;
    } else {
      ++failed;
      CHECK(r.err.find("error:") != std::string::npos);
      if (snapshot_folder(dir) != before) ++changed;
    }
    if (!load_error(dir).empty()) ++unloadable;
    left += static_cast<int>(leftovers(dir).size());
    if (r.code == 0) break;
  }
  MESSAGE("disk full: ", failed,
          " failed saves (old model kept byte for byte unless noted: ", changed, " changed), ",
          succeeded, " succeeded, ", unloadable, " unloadable, ", left, " leftovers");
  CHECK(failed >= 3);
  CHECK(changed == 0);
  CHECK(unloadable == 0);
  CHECK(left == 0);
}
