// Issue 24, the rows that need concurrency or timing (the others are rows of
// cli_bad_input_test.cpp): readers never write, one writer per folder, a reader
// sees exactly one model while the folder is rewritten, --seconds holds for a
// slow first step and a FIFO without a writer, and --heatmap works when the
// output hits the length cap. Every loop is bounded.
#include <doctest/doctest.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "attention/score_registry.hpp"
#include "cli_util.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/model_folder.hpp"
#include "seq2seq/model/placement.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;
using namespace s2s::clitest;

namespace {

// Every file under `dir`, recursively: relative path -> bytes.
std::vector<std::pair<std::string, std::string>> snapshot_tree(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    files.emplace_back(rel, e.is_regular_file() ? read_bytes(e.path().string()) : "<dir>");
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A provable leftover of a dead writer (PID 999999999 does not run).
void make_leftover(const std::string& path, const std::string& marker_pid, const std::string& token,
                   bool extra_file) {
  fs::create_directories(path);
  write_text(path + "/.s2s-save",
             fmt::format("s2s model folder\npid {}\ntoken {}\n", marker_pid, token));
  write_text(path + "/src.vocab", "junk");
  if (extra_file) write_text(path + "/thesis.txt", "mine");
}

uint64_t fnv(const std::string& s, uint64_t h = 14695981039346656037ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A fingerprint of each part of a loaded model: vocabularies, weights, metadata.
struct Print {
  uint64_t src = 0, tgt = 0, weights = 0, meta = 0;
  bool operator==(const Print&) const = default;
};
Print print_of(const LoadedModel& lm) {
  Print p;
  for (const auto& w : lm.src_vocab.words()) p.src = fnv(w + "\n", p.src ? p.src : 1);
  for (const auto& w : lm.tgt_vocab.words()) p.tgt = fnv(w + "\n", p.tgt ? p.tgt : 1);
  for (const auto& [name, v] : lm.model->named_parameters())
    p.weights = fnv(std::string(reinterpret_cast<const char*>(v.value().data()),
                                static_cast<size_t>(v.value().numel()) * sizeof(real)),
                    fnv(name, p.weights ? p.weights : 1));
  p.meta = fnv(lm.metadata.count("tag") ? lm.metadata.at("tag") : "");
  return p;
}

}  // namespace

TEST_CASE("readers never write: translate, eval and info leave every sibling and file alone") {
  TempDir tmp("cli_readers");
  const std::string dir = tmp.file("att");
  REQUIRE(run_s2s(tmp, tiny_train(dir, "copy")).code == 0);
  // A student's backup and things that look like leftovers, dead PID or not.
  fs::create_directories(dir + ".old-2024-11-30");
  write_text(dir + ".old-2024-11-30/thesis.txt", "chapter 1");
  fs::create_directories(dir + ".tmp-999999999");
  write_text(dir + ".tmp-999999999/src.vocab", "junk");
  make_leftover(dir + ".tmp-999999999-00000000000000ab", "999999999", "00000000000000ab", false);
  // Issue 25: an ensemble reads each of its --model folders the same way.
  const std::string bot = tmp.file("bot");
  REQUIRE(run_s2s(tmp, with_flags(tiny_train(bot, "copy"), {"--attention", "none"})).code == 0);
  fs::create_directories(bot + ".old-2024-12-01");
  write_text(bot + ".old-2024-12-01/notes.txt", "keep me");
  make_leftover(bot + ".tmp-999999999-00000000000000ef", "999999999", "00000000000000ef", false);
  const auto before = snapshot_tree(tmp.dir.string());
  CHECK(run_s2s(tmp, {"translate", "--model", dir, "a b"}).code == 0);
  CHECK(run_s2s(tmp, {"info", "--model", dir}).code == 0);
  CHECK(run_s2s(tmp, {"eval", "--model", dir, "--task", "copy", "--n-test", "10", "--max-len", "6"})
            .code == 0);
  CHECK(run_s2s(tmp, {"translate", "--model", dir, "--model", bot, "--heatmap", "a b"}).code == 0);
  CHECK(run_s2s(tmp, {"eval", "--model", bot, "--model", dir, "--task", "copy", "--n-test", "10",
                      "--max-len", "6", "--beam", "2"})
            .code == 0);
  CHECK(snapshot_tree(tmp.dir.string()) == before);
  // DIR missing: info says so (and points at the interrupted save), renames nothing.
  const std::string gone = tmp.file("gone");
  make_leftover(gone + ".old-999999999-00000000000000cd", "999999999", "00000000000000cd", false);
  const auto before_gone = snapshot_tree(tmp.dir.string());
  const Run r = run_s2s(tmp, {"info", "--model", gone});
  CHECK(r.code == 1);
  CHECK(r.err.find("No such file or directory") != std::string::npos);
  CHECK(r.err.find("holds the model of an interrupted save") != std::string::npos);
  CHECK(snapshot_tree(tmp.dir.string()) == before_gone);
}

TEST_CASE("the writer removes only leftovers it can prove it made") {
  TempDir tmp("cli_provable");
  const std::string dir = tmp.file("m");
  REQUIRE(run_s2s(tmp, tiny_train(dir, "copy")).code == 0);
  const std::string proven = dir + ".tmp-999999999-0000000000000001",
                    wrong_token = dir + ".tmp-999999999-0000000000000002",
                    with_thesis = dir + ".old-999999999-0000000000000003",
                    user_named = dir + ".old-2024-11-30";
  make_leftover(proven, "999999999", "0000000000000001", false);
  make_leftover(wrong_token, "999999999", "00000000000000ff", false);
  make_leftover(with_thesis, "999999999", "0000000000000003", true);
  fs::create_directories(user_named);
  write_text(user_named + "/thesis.txt", "chapter 1");
  const Run r = run_s2s(tmp, with_flags(tiny_train(dir, "toy_en_es"), {"--overwrite"}));
  CHECK(r.code == 0);
  CHECK_FALSE(fs::exists(proven));
  CHECK(fs::exists(wrong_token));
  CHECK(read_bytes(with_thesis + "/thesis.txt") == "mine");
  CHECK(read_bytes(user_named + "/thesis.txt") == "chapter 1");
  CHECK_FALSE(fs::exists(dir + ".lock"));  // released and removed at exit
  // A kill between the fallback's two renames: the next writer puts the old set back.
  const std::string lost = tmp.file("lost");
  REQUIRE(run_s2s(tmp, tiny_train(lost, "copy")).code == 0);
  const std::string old = lost + ".old-999999999-0000000000000004";
  fs::rename(lost, old);
  write_text(old + "/.s2s-save", "s2s model folder\npid 999999999\ntoken 0000000000000004\n");
  CHECK(run_s2s(tmp, {"info", "--model", lost}).code == 1);  // a reader only reports it
  CHECK(fs::exists(old));
  {
    WriterLock lock(lost);
    const std::vector<std::string> done = clean_leftovers(lost);
    CHECK(done.size() == 1);
  }
  CHECK(run_s2s(tmp, {"info", "--model", lost}).code == 0);
  CHECK_FALSE(fs::exists(old));
}

TEST_CASE("one writer per folder: a second trainer is refused at once; kill -9 frees the lock") {
  TempDir tmp("cli_writers");
  const std::string dir = tmp.file("m");
  // The first writer pauses 300 ms between the steps of each save, so it is still
  // running when the second starts.
  const std::vector<std::string> slow =
      with_flags(tiny_train(dir, "copy", 40), {"--seconds", "30"});
  const pid_t first =
      spawn(slow, "", tmp.file("a.out"), tmp.file("a.err"), {"S2S_TEST_SAVE_PAUSE_MS=300"});
  // Wait (bounded) until the lock file names the first writer.
  const std::string want = fmt::format("{}\n", first);
  for (int i = 0; i < 2000 && read_bytes(dir + ".lock") != want; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(read_bytes(dir + ".lock") == want);
  const Run second = run_s2s(tmp, with_flags(tiny_train(dir, "copy"), {"--overwrite"}));
  CHECK(second.code == 1);
  CHECK(second.seconds < 10);
  CHECK(second.err.find(fmt::format("being written by another writer (s2s train, or attention_lab train or save; PID {}", first)) !=
        std::string::npos);
  // kill -9 the first: the kernel releases its lock; the next writer goes ahead.
  ::kill(first, SIGKILL);
  int status = 0;
  ::waitpid(first, &status, 0);
  const Run third = run_s2s(tmp, with_flags(tiny_train(dir, "copy"), {"--overwrite"}));
  CHECK(third.code == 0);
  CHECK(third.err.find("being written") == std::string::npos);
  // Two started together: exactly one trains, the other is refused.
  const pid_t a = spawn(with_flags(tiny_train(dir, "copy", 3), {"--overwrite"}), "",
                        tmp.file("c.out"), tmp.file("c.err"), {"S2S_TEST_SAVE_PAUSE_MS=100"});
  const pid_t b = spawn(with_flags(tiny_train(dir, "copy", 3), {"--overwrite"}), "",
                        tmp.file("d.out"), tmp.file("d.err"), {"S2S_TEST_SAVE_PAUSE_MS=100"});
  int sa = 0, sb = 0;
  ::waitpid(a, &sa, 0);
  ::waitpid(b, &sb, 0);
  const int ca = exit_code(sa), cb = exit_code(sb);
  MESSAGE("two writers together: exit codes ", ca, " and ", cb);
  CHECK(((ca == 0 && cb == 1) || (ca == 1 && cb == 0)));
  const std::string refused = read_bytes(tmp.file(ca == 1 ? "c.err" : "d.err"));
  CHECK(refused.find("being written by another writer") != std::string::npos);
  CHECK(load_model(dir).model != nullptr);
}

TEST_CASE("a reader sees exactly one model while the folder is rewritten 50 times") {
  TempDir tmp("cli_onemodel");
  const std::string dir = tmp.file("m");
  // Two models of the same sizes: other weights (seed), other vocabularies (the
  // same words in another order) and another tag in the metadata.
  const Splits data = tiny_copy_task();
  auto [sv, tv] = build_vocabs(data.train);
  std::vector<std::string> rev_src(sv.words().begin() + 4, sv.words().end()),
      rev_tgt(tv.words().begin() + 4, tv.words().end());
  std::reverse(rev_src.begin(), rev_src.end());
  std::reverse(rev_tgt.begin(), rev_tgt.end());
  const Vocab sv2 = Vocab::build({rev_src}), tv2 = Vocab::build({rev_tgt});
  REQUIRE(sv2.size() == sv.size());
  REQUIRE(sv2.words() != sv.words());
  ModelConfig ca = tiny_model_config(sv.size(), tv.size()), cb = ca;
  cb.seed = 77;
  const Seq2Seq ma(ca), mb(cb);
  save_model_folder(dir, ma, sv, tv, {{"tag", "A"}});
  const Print pa = print_of(load_model(dir));
  save_model_folder(dir, mb, sv2, tv2, {{"tag", "B"}});
  const Print pb = print_of(load_model(dir));
  REQUIRE(pa.src != pb.src);
  REQUIRE(pa.weights != pb.weights);
  // The writer: a child process saving 50 times, A and B in turn (the fallback
  // swap every third time).
  const pid_t writer = ::fork();
  if (writer == 0) {
    int code = 0;
    try {
      for (int i = 0; i < 50; ++i) {
        if (i % 3 == 2)
          ::setenv("S2S_TEST_SAVE_NO_EXCHANGE", "1", 1);
        else
          ::unsetenv("S2S_TEST_SAVE_NO_EXCHANGE");
        if (i % 2 == 0)
          save_model_folder(dir, ma, sv, tv, {{"tag", "A"}});
        else
          save_model_folder(dir, mb, sv2, tv2, {{"tag", "B"}});
      }
    } catch (...) {
      code = 1;
    }
    ::_exit(code);
  }
  int loads = 0, as = 0, bs = 0, mixes = 0, missing = 0, errors = 0, status = 0;
  std::string first_error;
  for (int i = 0; i < 100000; ++i) {  // bounded; ends when the writer does
    const bool done = ::waitpid(writer, &status, WNOHANG) == writer;
    try {
      const Print p = print_of(load_model(dir));
      ++loads;
      if (p == pa)
        ++as;
      else if (p == pb)
        ++bs;
      else
        ++mixes;
    } catch (const std::exception& e) {
      // The fallback swap leaves no DIR for a moment (between its two renames).
      if (!fs::exists(dir))
        ++missing;
      else if (++errors == 1)
        first_error = e.what();
    }
    if (done) break;
  }
  MESSAGE(loads, " loads during 50 saves: ", as, " A, ", bs, " B, ", mixes, " mixes, ", missing,
          " while the fallback swap had no folder, ", errors, " errors ", first_error);
  CHECK(exit_code(status) == 0);
  CHECK(loads >= 20);
  CHECK(mixes == 0);
  CHECK(errors == 0);
  CHECK(as > 0);
  CHECK(bs > 0);
}

TEST_CASE(
    "--seconds holds: a slow first step is refused up front; a FIFO without a writer times out") {
  TempDir tmp("cli_seconds");
  const Run slow = run_s2s(tmp, {"train", "--out", tmp.file("slow"), "--task", "copy", "--layers",
                                 "1000", "--seconds", "5"});
  INFO(slow.err);
  CHECK(slow.code == 1);
  CHECK(slow.seconds < (S2S_SLOW_BUILD ? 40 : 8));
  CHECK(slow.err.find("one training step would take about") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.file("slow")));
  const std::string fifo = tmp.file("pairs.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  const Run f =
      run_s2s(tmp, {"train", "--out", tmp.file("f"), "--tsv", fifo, "--seconds", "2"}, "", 30);
  INFO(f.err);
  CHECK(f.code == 1);
  CHECK_FALSE(f.timed_out);
  CHECK(f.seconds < (S2S_SLOW_BUILD ? 20 : 6));
  CHECK(f.err.find("no data came within") != std::string::npos);
  MESSAGE("slow first step refused in ", slow.seconds, " s; FIFO without a writer: ", f.seconds,
          " s");
}

TEST_CASE("--heatmap works when the output hits the length cap, for every score and placement") {
  TempDir tmp("cli_heatmap_cap");
  const Splits data = tiny_copy_task();
  auto [sv, tv] = build_vocabs(data.train);
  int models = 0;
  for (const std::string& score : score_names())
    for (const std::string& placement : placement_registry().names()) {
      ModelConfig c = tiny_model_config(sv.size(), tv.size());
      c.attn.score = score;
      c.attn.placement = placement_from_name(placement);
      c.attn.max_src_len = 8;
      Seq2Seq m(c);
      // <eos> never wins: every decode runs to the cap (2 × 2 + 10 = 14 tokens).
      for (auto& [name, p] : m.named_parameters())
        if (name.size() >= 8 && name.compare(name.size() - 8, 8, "out.bias") == 0)
          p.value().data()[kEos] = real(-1e4);
      const std::string dir = tmp.file(score + "_" + placement);
      save_model_folder(dir, m, sv, tv);
      const Run r = run_s2s(tmp, {"translate", "--model", dir, "--heatmap", "a b"});
      INFO(score, " ", placement, ": ", r.err);
      CHECK(r.code == 0);
      CHECK(count_lines(r.out) >= 15);  // the translation, then a row per output token (14)
      ++models;
    }
  MESSAGE(models, " score × placement models decoded to the cap with --heatmap");
  CHECK(models >= 6);
}

TEST_CASE("output errors: translate > /dev/full and a closed pipe with SIGPIPE ignored exit 1") {
  TempDir tmp("cli_output");
  const std::string dir = tmp.file("m");
  REQUIRE(run_s2s(tmp, tiny_train(dir, "copy")).code == 0);
  std::string lines;
  for (int i = 0; i < 3000; ++i) lines += "a b c\n";
  const std::string in = tmp.file("in.txt");
  write_text(in, lines);
  const pid_t pid = spawn({"translate", "--model", dir}, in, "/dev/full", tmp.file("full.err"));
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string err = read_bytes(tmp.file("full.err"));
  INFO(err);
  CHECK(exit_code(status) == 1);
  CHECK(err.find("cannot write the output: No space left on device") != std::string::npos);
  CHECK(err.find("could not be translated") == std::string::npos);
  // SIGPIPE ignored (as some shells and CI runners do), and a pipe nobody reads any
  // more (`| head -1` after its line): the first write fails with EPIPE.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  if (child == 0) {
    ::signal(SIGPIPE, SIG_IGN);  // an ignored signal stays ignored across exec
    ::close(fds[0]);
    const int in_fd = ::open(in.c_str(), O_RDONLY);
    const int err_fd = ::open(tmp.file("pipe.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in_fd, 0), ::dup2(fds[1], 1), ::dup2(err_fd, 2);
    const std::string bin = S2S_BIN;
    std::vector<std::string> args = {bin, "translate", "--model", dir};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[0]);  // the reader is gone
  ::close(fds[1]);
  ::waitpid(child, &status, 0);
  const std::string pipe_err = read_bytes(tmp.file("pipe.err"));
  INFO(pipe_err);
  CHECK(exit_code(status) == 1);
  CHECK(pipe_err.find("cannot write the output: Broken pipe") != std::string::npos);
}

TEST_CASE("--out is checked up front: a mount point and a read-only file system") {
  TempDir tmp("cli_outcheck");
  const std::string mnt = tmp.file("mnt");
  fs::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") != 0) {
    MESSAGE("skipped: cannot mount a tmpfs here (", std::strerror(errno), ")");
    return;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  const Run on_mount = run_s2s(tmp, tiny_train(mnt, "copy"));
  CHECK(on_mount.code == 1);
  CHECK(on_mount.seconds < 10);
  CHECK(on_mount.err.find("is a mount point") != std::string::npos);
  REQUIRE(::mount(nullptr, mnt.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0);
  const Run ro = run_s2s(tmp, tiny_train(mnt + "/model", "copy"));
  CHECK(ro.code == 1);
  CHECK(ro.err.find("Read-only file system") != std::string::npos);
  MESSAGE("mount point: ", on_mount.err.substr(0, on_mount.err.find('\n')),
          "; read-only: ", ro.err.substr(0, ro.err.find('\n')));
}
