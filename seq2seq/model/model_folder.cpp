#include "seq2seq/model/model_folder.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "seq2seq/model/checkpoint.hpp"

namespace s2s {

namespace fs = std::filesystem;

namespace {

// DIR without a trailing slash; refuses ".", ".." and "/" (the folder is replaced as a whole).
fs::path folder_path(const std::string& dir) {
  S2S_CHECK(!dir.empty(), "model folder: the folder name is empty");
  fs::path p = fs::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  const std::string name = p.filename().string();
  S2S_CHECK(!name.empty() && name != "." && name != "..",
            "model folder '{}': give a folder of its own (e.g. runs/model): the whole folder is "
            "replaced when a model is saved",
            dir);
  return p;
}

fs::path parent_of(const fs::path& p) {
  fs::path parent = p.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

bool process_alive(long pid) {
  if (pid <= 0) return false;
  if (pid == static_cast<long>(::getpid())) return true;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// The PID in "<prefix><digits>[-...]", or -1 when the name does not have that form.
long pid_after(const std::string& name, const std::string& prefix) {
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return -1;
  long pid = 0;
  size_t i = prefix.size();
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i) pid = pid * 10 + (name[i] - '0');
  if (i == prefix.size() || (i < name.size() && name[i] != '-')) return -1;
  return pid;
}

// "model.safetensors.tmp.123", "src.vocab.tmp.123": an atomic single-file write's temporary.
bool is_file_temporary(const std::string& name, long* pid) {
  for (const std::string& f : model_folder_files()) {
    long p = pid_after(name, f + ".tmp.");
    if (p >= 0) {
      *pid = p;
      return true;
    }
  }
  return false;
}

void fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  S2S_CHECK(fd >= 0, "cannot open '{}' to sync it: {}", p.string(), std::strerror(errno));
  const bool ok = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  S2S_CHECK(ok, "cannot sync '{}' to disk: {}", p.string(), std::strerror(err));
}

// Testing hooks: S2S_TEST_SAVE_PAUSE_MS=N sleeps N ms between the steps of a save,
// so a test can kill the process while the temporary folder exists;
// S2S_TEST_SAVE_NO_EXCHANGE forces the two-rename fallback.
bool test_no_exchange() { return std::getenv("S2S_TEST_SAVE_NO_EXCHANGE") != nullptr; }

void test_pause() {
  static const int ms = [] {
    const char* v = std::getenv("S2S_TEST_SAVE_PAUSE_MS");
    return v ? std::atoi(v) : 0;
  }();
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

bool complete_set(const fs::path& dir) {
  std::error_code ec;
  for (const std::string& f : model_folder_files())
    if (!fs::is_regular_file(dir / f, ec)) return false;
  return true;
}

// A save replaces the whole folder: anything else in it would be lost.
void check_only_model_files(const fs::path& p, const std::string& what) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(p, ec)) {
    const std::string name = e.path().filename().string();
    long pid = 0;
    bool ours = is_file_temporary(name, &pid);
    for (const std::string& f : model_folder_files()) ours = ours || name == f;
    S2S_CHECK(ours,
              "{} holds '{}', which is not part of a model; a save replaces the whole folder, so "
              "choose another folder (or move that file away)",
              what, name);
  }
  S2S_CHECK(!ec, "{}: cannot list the folder: {}", what, ec.message());
}

}  // namespace

bool folder_holds_model(const std::string& dir) {
  std::error_code ec;
  for (const std::string& f : model_folder_files())
    if (fs::exists(fs::path(dir) / f, ec)) return true;
  return false;
}

void check_output_folder(const std::string& dir, bool overwrite) {
  const fs::path p = folder_path(dir);
  std::error_code ec;
  const fs::file_status st = fs::status(p, ec);
  if (fs::exists(st)) {
    S2S_CHECK(fs::is_directory(st), "--out '{}' is a file, not a folder", dir);
    check_only_model_files(p, "--out '" + dir + "'");
    S2S_CHECK(overwrite || !folder_holds_model(p.string()),
              "--out '{}' already holds a model; pass --overwrite to replace it (the old model "
              "stays until the new model's first checkpoint is complete)",
              dir);
  }
  // The nearest existing ancestor must be writable (the folder is created beside the old one).
  fs::path anc = fs::absolute(parent_of(p), ec);  // "runs/m" with no runs/ yet: check "."
  while (!fs::exists(anc, ec) && anc.has_parent_path() && anc != anc.parent_path())
    anc = anc.parent_path();
  S2S_CHECK(fs::is_directory(anc, ec), "--out '{}': '{}' is not a folder", dir, anc.string());
  S2S_CHECK(::access(anc.c_str(), W_OK | X_OK) == 0, "--out '{}': cannot write in '{}': {}", dir,
            anc.string(), std::strerror(errno));
}

void recover_model_folder(const std::string& dir) {
  try {
    const fs::path p = folder_path(dir);
    const fs::path parent = parent_of(p);
    const std::string base = p.filename().string();
    std::error_code ec;
    if (!fs::is_directory(parent, ec)) return;
    std::vector<fs::path> stale_tmp, stale_old;
    for (const auto& e : fs::directory_iterator(parent, ec)) {
      const std::string name = e.path().filename().string();
      long pid = pid_after(name, base + ".tmp-");
      if (pid >= 0 && !process_alive(pid)) stale_tmp.push_back(e.path());
      pid = pid_after(name, base + ".old-");
      if (pid >= 0 && !process_alive(pid)) stale_old.push_back(e.path());
    }
    // A kill between the fallback's two renames: put the old set back.
    if (!fs::exists(p, ec))
      for (const fs::path& old : stale_old)
        if (complete_set(old) && ::rename(old.c_str(), p.c_str()) == 0) break;
    for (const fs::path& s : stale_tmp) fs::remove_all(s, ec);
    for (const fs::path& s : stale_old) fs::remove_all(s, ec);
    if (fs::is_directory(p, ec))
      for (const auto& e : fs::directory_iterator(p, ec)) {
        long pid = 0;
        if (is_file_temporary(e.path().filename().string(), &pid) && !process_alive(pid))
          fs::remove(e.path(), ec);
      }
  } catch (const std::exception&) {  // best effort: a reader must not fail because of this
  }
}

void save_model_folder(const std::string& dir, const Seq2Seq& model, const Vocab& src_vocab,
                       const Vocab& tgt_vocab, const Metadata& extra) {
  const fs::path p = folder_path(dir);
  const fs::path parent = parent_of(p);
  std::error_code ec;
  fs::create_directories(parent, ec);
  S2S_CHECK(!ec, "save_model: cannot create folder '{}': {}", parent.string(), ec.message());
  S2S_CHECK(!fs::exists(p, ec) || fs::is_directory(p, ec),
            "save_model: '{}' is a file, not a folder", dir);
  if (fs::is_directory(p, ec)) check_only_model_files(p, "save_model: '" + dir + "'");
  recover_model_folder(dir);

  const fs::path tmp = parent / fmt::format("{}.tmp-{}", p.filename().string(), ::getpid());
  fs::remove_all(tmp, ec);
  fs::create_directory(tmp, ec);
  S2S_CHECK(!ec, "save_model: cannot create folder '{}': {}", tmp.string(), ec.message());
  try {
    Metadata meta = config_to_metadata(model.config());
    for (const auto& [k, v] : extra) meta[k] = v;
    src_vocab.save((tmp / "src.vocab").string());
    fsync_path(tmp / "src.vocab", false);
    test_pause();
    tgt_vocab.save((tmp / "tgt.vocab").string());
    fsync_path(tmp / "tgt.vocab", false);
    test_pause();
    save_module((tmp / "model.safetensors").string(), model, meta);  // fsyncs the file
    fsync_path(tmp, true);
    test_pause();
    // The swap: one rename makes the new set visible.
    if (!fs::exists(p, ec)) {
      S2S_CHECK(::rename(tmp.c_str(), p.c_str()) == 0, "cannot rename '{}' to '{}': {}",
                tmp.string(), p.string(), std::strerror(errno));
    } else if (!test_no_exchange() &&
               ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, p.c_str(), RENAME_EXCHANGE) == 0) {
      test_pause();
      fs::remove_all(tmp, ec);  // now the old set
    } else {
      S2S_CHECK(test_no_exchange() || errno == EINVAL || errno == ENOSYS || errno == ENOTSUP ||
                    errno == EOPNOTSUPP,
                "cannot swap '{}' and '{}': {}", tmp.string(), p.string(), std::strerror(errno));
      const fs::path old = parent / fmt::format("{}.old-{}", p.filename().string(), ::getpid());
      fs::remove_all(old, ec);
      S2S_CHECK(::rename(p.c_str(), old.c_str()) == 0, "cannot rename '{}' to '{}': {}", p.string(),
                old.string(), std::strerror(errno));
      test_pause();
      if (::rename(tmp.c_str(), p.c_str()) != 0) {
        const int err = errno;
        ::rename(old.c_str(), p.c_str());
        throw Error(fmt::format("cannot rename '{}' to '{}': {}", tmp.string(), p.string(),
                                std::strerror(err)));
      }
      fs::remove_all(old, ec);
    }
  } catch (const Error& e) {
    fs::remove_all(tmp, ec);
    // The single-file writers say their (temporary) file is unchanged: what counts is the folder.
    std::string msg = e.what();
    for (const std::string& tail :
         {std::string("; the old file is unchanged"),
          fmt::format("; '{}' is unchanged", (tmp / "src.vocab").string()),
          fmt::format("; '{}' is unchanged", (tmp / "tgt.vocab").string())})
      if (auto at = msg.find(tail); at != std::string::npos) msg.erase(at, tail.size());
    throw Error(fmt::format("save_model '{}': {}; the folder is unchanged", dir, msg));
  } catch (const std::exception& e) {
    fs::remove_all(tmp, ec);
    throw Error(fmt::format("save_model '{}': {}; the folder is unchanged", dir, e.what()));
  }
  try {  // the rename itself is durable once the parent folder is synced
    fsync_path(parent, true);
  } catch (const Error&) {
  }
}

}  // namespace s2s
