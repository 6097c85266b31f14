#include "seq2seq/model/model_folder.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
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

std::string marker_text(long pid, const std::string& token) {
  return fmt::format("s2s model folder\npid {}\ntoken {}\n", pid, token);
}

std::string random_token() {
  uint64_t x = 0;
  if (::getrandom(&x, sizeof x, 0) != static_cast<ssize_t>(sizeof x))
    x = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        (static_cast<uint64_t>(::getpid()) << 32);
  return fmt::format("{:016x}", x);
}

// "<base>.<kind>-<PID>-<16 hex>": the PID and token, or false.
bool parse_sibling(const std::string& name, const std::string& base, const char* kind, long* pid,
                   std::string* token) {
  const std::string prefix = base + "." + kind + "-";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return false;
  size_t i = prefix.size();
  long p = 0;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9' && i - prefix.size() < 10; ++i)
    p = p * 10 + (name[i] - '0');
  if (i == prefix.size() || i >= name.size() || name[i] != '-') return false;
  const std::string t = name.substr(i + 1);
  if (t.size() != 16 || t.find_first_not_of("0123456789abcdef") != std::string::npos) return false;
  *pid = p;
  *token = t;
  return true;
}

// "model.safetensors.tmp.123": an atomic single-file write's temporary.
bool is_file_temporary(const std::string& name) {
  for (const std::string& f : model_folder_files()) {
    const std::string prefix = f + ".tmp.";
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
        name.find_first_not_of("0123456789", prefix.size()) == std::string::npos)
      return true;
  }
  return false;
}

// ".s2s-save.<PID>-<TOKEN>.tmp": the marker being replaced.
bool is_marker_temporary(const std::string& name) {
  const std::string prefix = std::string(kSaveMarker) + ".";
  return name.size() > prefix.size() + 4 && name.compare(0, prefix.size(), prefix) == 0 &&
         name.compare(name.size() - 4, 4, ".tmp") == 0;
}

// The names a model folder may hold.
bool is_folder_entry(const std::string& name) {
  for (const std::string& f : model_folder_files())
    if (name == f) return true;
  return name == kSaveMarker || is_file_temporary(name) || is_marker_temporary(name);
}

// The whole content of a small file (at most max bytes; "" when longer or unreadable).
std::string read_small(int dirfd, const char* name, size_t max) {
  const int fd = ::openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return "";
  struct stat st {};
  std::string s;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) <= max) {
    s.resize(max + 1);
    const ssize_t r = ::read(fd, s.data(), s.size());
    s.resize(r > 0 && static_cast<size_t>(r) <= max ? static_cast<size_t>(r) : 0);
  }
  ::close(fd);
  return s;
}

void write_file_synced(const fs::path& p, const std::string& text) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  S2S_CHECK(fd >= 0, "cannot create '{}': {}", p.string(), std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ok && ::fsync(fd) == 0;
  const int err = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(p.c_str());
    throw Error(fmt::format("cannot write '{}': {}", p.string(), std::strerror(err ? err : EIO)));
  }
}

void fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  S2S_CHECK(fd >= 0, "cannot open '{}' to sync it: {}", p.string(), std::strerror(errno));
  const bool ok = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  S2S_CHECK(ok, "cannot sync '{}' to disk: {}", p.string(), std::strerror(err));
}

// Removes a folder this writer made (or proved ours): unlinks each entry with a
// model folder's names, then rmdir, which fails (and leaves it) on anything else.
// With `marker` set, the folder must be a real folder whose marker is exactly that, or
// one whose writer died while writing its marker: the marker is the first thing a save
// writes, so such a folder holds nothing but an empty or partial marker, and removing it
// loses nothing.
bool remove_ours(const fs::path& folder, const std::string& marker) {
  const int dfd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0) return false;
  const std::string found = marker.empty() ? "" : read_small(dfd, kSaveMarker, 4096);
  const bool unfinished =
      !marker.empty() && found.size() < marker.size() && marker.compare(0, found.size(), found) == 0;
  bool ok = marker.empty() || found == marker || unfinished;
  std::vector<std::string> names;
  if (ok) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
      const std::string n = e.path().filename().string();
      if (!is_folder_entry(n) || (unfinished && n != kSaveMarker)) ok = false;
      names.push_back(n);
    }
    ok = ok && !ec;
  }
  if (ok)
    for (const std::string& n : names) ::unlinkat(dfd, n.c_str(), 0);
  ::close(dfd);
  return ok && ::rmdir(folder.c_str()) == 0;
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
    S2S_CHECK(is_folder_entry(name),
              "{} holds '{}', which is not part of a model; a save replaces the whole folder, so "
              "choose another folder (or move that file away)",
              what, name);
  }
  S2S_CHECK(!ec, "{}: cannot list the folder: {}", what, ec.message());
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

// The folders whose writer's lock this process holds (flock conflicts between two
// descriptors of one process, so a save inside `train` must not take it again).
std::mutex held_mutex;
std::set<std::string>& held_locks() {
  static std::set<std::string> held;
  return held;
}
std::string lock_key(const fs::path& p) {
  std::error_code ec;
  return fs::absolute(p, ec).lexically_normal().string();
}

}  // namespace

bool folder_holds_model(const std::string& dir) {
  std::error_code ec;
  for (const std::string& f : model_folder_files())
    if (fs::exists(fs::path(dir) / f, ec)) return true;
  return false;
}

WriterLock::WriterLock(const std::string& dir) {
  const fs::path p = folder_path(dir);
  const std::string base = p.filename().string();
  S2S_CHECK(base.size() <= static_cast<size_t>(kMaxFolderNameBytes),
            "--out '{}': the folder name is {} bytes, more than the limit of {} (s2s writes "
            "'NAME.tmp-PID-TOKEN' beside it, and a name has at most 255 bytes): choose a "
            "shorter name",
            dir.substr(0, 60) + (dir.size() > 60 ? "..." : ""), base.size(), kMaxFolderNameBytes);
  const fs::path parent = parent_of(p);
  std::error_code ec;
  fs::create_directories(parent, ec);
  S2S_CHECK(!ec, "--out '{}': cannot create folder '{}': {}", dir, parent.string(), ec.message());
  path_ = (parent / (base + ".lock")).string();
  key_ = lock_key(p);
  for (int attempt = 0;; ++attempt) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    S2S_CHECK(fd_ >= 0, "--out '{}': cannot create the lock file '{}': {}", dir, path_,
              std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      std::string pid = read_small(AT_FDCWD, path_.c_str(), 64);
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      ::close(fd_);
      S2S_CHECK(err != EWOULDBLOCK,
                "--out '{}' is being written by another writer (s2s train, or attention_lab train or "
                "save; {}; lock file '{}'): wait "
                "for it to finish, or choose another folder",
                dir, pid.empty() ? std::string("its PID is not recorded yet") : "PID " + pid,
                path_);
      throw Error(fmt::format("--out '{}': cannot lock '{}': {}", dir, path_, std::strerror(err)));
    }
    // The previous holder removes the file as it exits: make sure ours is the one at path_.
    struct stat a {
    }, b{};
    if (::fstat(fd_, &a) == 0 && ::stat(path_.c_str(), &b) == 0 && a.st_ino == b.st_ino &&
        a.st_dev == b.st_dev)
      break;
    ::close(fd_);
    S2S_CHECK(attempt < 100, "--out '{}': the lock file '{}' keeps changing", dir, path_);
  }
  const std::string pid = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
  }  // the PID is for messages only
  std::lock_guard<std::mutex> g(held_mutex);
  held_locks().insert(key_);
}

WriterLock::~WriterLock() {
  {
    std::lock_guard<std::mutex> g(held_mutex);
    held_locks().erase(key_);
  }
  ::unlink(path_.c_str());  // still holding the lock: see the inode check above
  ::close(fd_);
}

void check_output_folder(const std::string& dir, bool overwrite) {
  const fs::path p = folder_path(dir);
  S2S_CHECK(p.filename().string().size() <= static_cast<size_t>(kMaxFolderNameBytes),
            "--out: the folder name is {} bytes, more than the limit of {}",
            p.filename().string().size(), kMaxFolderNameBytes);
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(p, ec);
  if (fs::exists(st)) {
    S2S_CHECK(fs::is_directory(st), "--out '{}' is {}, not a folder", dir,
              fs::is_symlink(st) ? "a symbolic link" : "a file");
    check_only_model_files(p, "--out '" + dir + "'");
    S2S_CHECK(overwrite || !folder_holds_model(p.string()),
              "--out '{}' already holds a model; pass --overwrite to replace it (the old model "
              "stays until the new model's first checkpoint is complete)",
              dir);
    struct stat self {
    }, up{};
    bool mount_root = false;
#ifdef STATX_ATTR_MOUNT_ROOT  // also a bind mount of the same file system
    struct statx sx {};
    mount_root = ::statx(AT_FDCWD, p.c_str(), 0, STATX_BASIC_STATS, &sx) == 0 &&
                 (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 &&
                 (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
#endif
    if (::stat(p.c_str(), &self) == 0 && ::stat(parent_of(p).c_str(), &up) == 0)
      S2S_CHECK(self.st_dev == up.st_dev && !mount_root,
                "--out '{}' is a mount point: a save replaces the folder by renaming, which a "
                "mount point does not allow; give a folder inside it (e.g. {}/model)",
                dir, p.string());
    struct statvfs vs {};
    S2S_CHECK(::statvfs(p.c_str(), &vs) != 0 || (vs.f_flag & ST_RDONLY) == 0,
              "--out '{}' is on a read-only file system", dir);
  }
  // The nearest existing ancestor must be writable (the folder is created beside the old one).
  fs::path anc = fs::absolute(parent_of(p), ec);  // "runs/m" with no runs/ yet: check "."
  while (!fs::exists(anc, ec) && anc.has_parent_path() && anc != anc.parent_path())
    anc = anc.parent_path();
  S2S_CHECK(fs::is_directory(anc, ec), "--out '{}': '{}' is not a folder", dir, anc.string());
  struct statvfs vs {};
  S2S_CHECK(::statvfs(anc.c_str(), &vs) != 0 || (vs.f_flag & ST_RDONLY) == 0,
            "--out '{}': '{}' is on a read-only file system", dir, anc.string());
  S2S_CHECK(::access(anc.c_str(), W_OK | X_OK) == 0, "--out '{}': cannot write in '{}': {}", dir,
            anc.string(), std::strerror(errno));
}

std::vector<std::string> clean_leftovers(const std::string& dir) {
  std::vector<std::string> done;
  try {
    const fs::path p = folder_path(dir);
    const fs::path parent = parent_of(p);
    const std::string base = p.filename().string();
    std::error_code ec;
    struct Found {
      fs::path path;
      long pid;
      std::string token;
      bool old;
    };
    std::vector<Found> found;
    for (const auto& e : fs::directory_iterator(parent, ec)) {
      const std::string name = e.path().filename().string();
      long pid = 0;
      std::string token;
      for (const char* kind : {"tmp", "old"})
        if (parse_sibling(name, base, kind, &pid, &token) && e.is_directory(ec) &&
            !e.is_symlink(ec) && (pid == static_cast<long>(::getpid()) || !process_alive(pid)))
          found.push_back({e.path(), pid, token, kind[0] == 'o'});
    }
    // A kill between the fallback's two renames: put the old set back.
    if (!fs::exists(fs::symlink_status(p, ec)))
      for (const Found& f : found) {
        const int dfd = ::open(f.path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const bool ours =
            dfd >= 0 && read_small(dfd, kSaveMarker, 4096) == marker_text(f.pid, f.token);
        if (dfd >= 0) ::close(dfd);
        if (f.old && ours && complete_set(f.path) && ::rename(f.path.c_str(), p.c_str()) == 0) {
          done.push_back("restored " + f.path.filename().string());
          break;
        }
      }
    for (const Found& f : found)
      if (fs::exists(f.path, ec) && remove_ours(f.path, marker_text(f.pid, f.token)))
        done.push_back("removed " + f.path.filename().string());
    // Inside DIR: a marker being replaced when its writer died.
    if (fs::is_directory(p, ec)) {
      const int dfd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      for (const auto& e : fs::directory_iterator(p, ec)) {
        const std::string name = e.path().filename().string();
        long pid = 0;
        std::string token;
        // ".s2s-save.<PID>-<TOKEN>.tmp" reads as sibling "<.s2s-save>.<PID>-<TOKEN>" of kind "".
        if (dfd < 0 || !is_marker_temporary(name)) continue;
        const std::string mid =
            name.substr(std::strlen(kSaveMarker) + 1, name.size() - std::strlen(kSaveMarker) - 5);
        if (!parse_sibling("m.x-" + mid, "m", "x", &pid, &token) || process_alive(pid)) continue;
        if (read_small(dfd, name.c_str(), 4096) == marker_text(pid, token) &&
            ::unlinkat(dfd, name.c_str(), 0) == 0)
          done.push_back("removed " + name);
      }
      if (dfd >= 0) ::close(dfd);
    }
  } catch (const std::exception&) {  // best effort: a save must not fail because of this
  }
  return done;
}

OpenedFolder::~OpenedFolder() {
  for (int fd : {model, src_vocab, tgt_vocab})
    if (fd >= 0) ::close(fd);
}

void open_model_folder(const std::string& dir, OpenedFolder& out) {
  for (int attempt = 0;; ++attempt) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
      const int err = errno;
      std::string hint;
      if (err == ENOENT) {  // the fallback swap leaves DIR.old-PID-TOKEN and no DIR
        std::error_code ec;
        const fs::path p = fs::path(dir).lexically_normal();
        const fs::path q = p.filename().empty() ? p.parent_path() : p;
        long pid = 0;
        std::string token;
        bool live = false;
        for (const auto& e : fs::directory_iterator(parent_of(q), ec))
          if (parse_sibling(e.path().filename().string(), q.filename().string(), "old", &pid,
                            &token)) {
            live = live || process_alive(pid);
            hint = fmt::format(
                "; '{}' holds the model of an interrupted save: the next `s2s train --out {} "
                "--overwrite` puts it back, or rename it to '{}' yourself",
                e.path().string(), dir, dir);
          }
        // A writer between its two renames: DIR is back within moments (wait at most 1 s).
        if (live && attempt < 500) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          continue;
        }
      }
      throw Error(fmt::format(
          "load_model: '{}' is not a folder (expected one written by `s2s train --out`): {}{}", dir,
          std::strerror(err), hint));
    }
    struct Dir {
      int fd;
      ~Dir() { ::close(fd); }
    } d{dfd};
    // True when DIR now names another folder than the one opened (a save swapped it in).
    auto replaced = [&] {
      struct stat a {
      }, b{};
      return ::fstat(dfd, &a) != 0 || ::stat(dir.c_str(), &b) != 0 || a.st_ino != b.st_ino ||
             a.st_dev != b.st_dev;
    };
    int* slots[] = {&out.model, &out.src_vocab, &out.tgt_vocab};
    const char* names[] = {"model.safetensors", "src.vocab", "tgt.vocab"};
    bool retry = false;
    for (int i = 0; i < 3 && !retry; ++i) {
      const int fd = ::openat(dfd, names[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0) {
        const int err = errno;
        if (err == ENOENT && attempt < 50 && replaced()) {
          retry = true;
          break;
        }
        throw Error(fmt::format(
            "load_model: '{}/{}' is missing: cannot open it: {} (not a model folder, or an "
            "incomplete copy of one)",
            dir, names[i], std::strerror(err)));
      }
      *slots[i] = fd;
      struct stat st {};
      S2S_CHECK(::fstat(fd, &st) == 0 && S_ISREG(st.st_mode),
                "load_model: '{}/{}' is not a regular file", dir, names[i]);
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    if (!retry) return;
    for (int* s : slots)
      if (*s >= 0) ::close(*s), *s = -1;
  }
}

void save_model_folder(const std::string& dir, const Seq2Seq& model, const Vocab& src_vocab,
                       const Vocab& tgt_vocab, const Metadata& extra) {
  const fs::path p = folder_path(dir);
  std::unique_ptr<WriterLock> own_lock;
  {
    std::unique_lock<std::mutex> g(held_mutex);
    const bool held = held_locks().count(lock_key(p)) > 0;
    g.unlock();
    if (!held) own_lock = std::make_unique<WriterLock>(dir);
  }
  const fs::path parent = parent_of(p);
  std::error_code ec;
  fs::create_directories(parent, ec);
  S2S_CHECK(!ec, "save_model: cannot create folder '{}': {}", parent.string(), ec.message());
  S2S_CHECK(!fs::exists(p, ec) || fs::is_directory(p, ec),
            "save_model: '{}' is a file, not a folder", dir);
  if (fs::is_directory(p, ec)) check_only_model_files(p, "save_model: '" + dir + "'");
  clean_leftovers(dir);

  const long pid = static_cast<long>(::getpid());
  const std::string token = random_token(), marker = marker_text(pid, token);
  const fs::path tmp = parent / fmt::format("{}.tmp-{}-{}", p.filename().string(), pid, token);
  const fs::path marker_tmp = p / fmt::format("{}.{}-{}.tmp", kSaveMarker, pid, token);
  S2S_CHECK(::mkdir(tmp.c_str(), 0755) == 0, "save_model: cannot create folder '{}': {}",
            tmp.string(), std::strerror(errno));
  try {
    Metadata meta = config_to_metadata(model.config());
    for (const auto& [k, v] : extra) meta[k] = v;
    write_file_synced(tmp / kSaveMarker, marker);  // first: the folder is provably ours
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
    } else {
      // The old set gets this save's marker, so that it is provably ours once swapped out.
      write_file_synced(marker_tmp, marker);
      S2S_CHECK(::rename(marker_tmp.c_str(), (p / kSaveMarker).c_str()) == 0,
                "cannot rename '{}': {}", marker_tmp.string(), std::strerror(errno));
      if (!test_no_exchange() &&
          ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, p.c_str(), RENAME_EXCHANGE) == 0) {
        test_pause();
        remove_ours(tmp, marker);  // now the old set
      } else {
        S2S_CHECK(test_no_exchange() || errno == EINVAL || errno == ENOSYS || errno == ENOTSUP ||
                      errno == EOPNOTSUPP,
                  "cannot swap '{}' and '{}': {}", tmp.string(), p.string(), std::strerror(errno));
        const fs::path old =
            parent / fmt::format("{}.old-{}-{}", p.filename().string(), pid, token);
        S2S_CHECK(::rename(p.c_str(), old.c_str()) == 0, "cannot rename '{}' to '{}': {}",
                  p.string(), old.string(), std::strerror(errno));
        test_pause();
        if (::rename(tmp.c_str(), p.c_str()) != 0) {
          const int err = errno;
          ::rename(old.c_str(), p.c_str());
          throw Error(fmt::format("cannot rename '{}' to '{}': {}", tmp.string(), p.string(),
                                  std::strerror(err)));
        }
        remove_ours(old, marker);
      }
    }
  } catch (const std::exception& e) {
    remove_ours(tmp, "");  // made by this save a moment ago (mkdir refuses an existing name)
    ::unlink(marker_tmp.c_str());
    // The single-file writers say their (temporary) file is unchanged: what counts is the folder.
    std::string msg = e.what();
    for (const std::string& tail :
         {std::string("; the old file is unchanged"),
          fmt::format("; '{}' is unchanged", (tmp / "src.vocab").string()),
          fmt::format("; '{}' is unchanged", (tmp / "tgt.vocab").string())})
      if (auto at = msg.find(tail); at != std::string::npos) msg.erase(at, tail.size());
    throw Error(fmt::format("save_model '{}': {}; the folder is unchanged", dir, msg));
  }
  try {  // the rename itself is durable once the parent folder is synced
    fsync_path(parent, true);
  } catch (const Error&) {
  }
}

}  // namespace s2s
