#pragma once
// Running the s2s executable from a test: arguments, stdin text, extra
// environment; exit code, stdout and stderr back.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "../reliability_util.hpp"

namespace s2s::clitest {

using namespace s2s::reliability;

struct Run {
  int code = -1;  // exit code; 128 + signal when killed by one
  bool timed_out = false;
  double seconds = 0;  // wall time
  std::string out, err;
  std::string all() const { return out + err; }
};

// Starts s2s with args; stdin from `in_file` ("" = /dev/null), stdout and stderr
// to files. Returns the child's pid.
inline pid_t spawn(const std::vector<std::string>& args, const std::string& in_file,
                   const std::string& out_file, const std::string& err_file,
                   const std::vector<std::string>& env = {}) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open(in_file.empty() ? "/dev/null" : in_file.c_str(), O_RDONLY);
    int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0), ::dup2(out, 1), ::dup2(err, 2);
    for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv;
    static std::string bin = S2S_BIN;
    argv.push_back(bin.data());
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

inline int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// stdin from a file instead of text: run_s2s(tmp, args, stdin_from("/dev/zero")).
inline std::string stdin_from(const std::string& path) { return "\x01" + path; }

// Runs s2s to the end (or kills it after timeout seconds).
inline Run run_s2s(const TempDir& tmp, const std::vector<std::string>& args,
                   const std::string& input = "", double timeout = 120,
                   const std::vector<std::string>& env = {}) {
  static int counter = 0;
  const std::string base = tmp.file(fmt::format("run{}", counter++));
  std::string in_file;
  if (!input.empty() && input[0] == '\x01')
    in_file = input.substr(1);
  else if (!input.empty())
    write_text(in_file = base + ".in", input);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = spawn(args, in_file, base + ".out", base + ".err", env);
  Run r;
  int status = 0;
  for (;;) {
    if (::waitpid(pid, &status, WNOHANG) == pid) break;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r.seconds > timeout) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.code = exit_code(status);
  r.out = read_bytes(base + ".out");
  r.err = read_bytes(base + ".err");
  fs::remove(base + ".out"), fs::remove(base + ".err");
  if (in_file == base + ".in") fs::remove(in_file);
  return r;
}

inline int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// A copy of every file of a folder: name -> bytes (to prove nothing changed).
inline std::vector<std::pair<std::string, std::string>> snapshot_folder(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& e : fs::directory_iterator(dir))
    files.emplace_back(e.path().filename().string(), read_bytes(e.path().string()));
  std::sort(files.begin(), files.end());
  return files;
}

// Tiny, fast training flags (a model trains in well under a second).
inline std::vector<std::string> tiny_train(const std::string& out, const std::string& task,
                                           int epochs = 1) {
  return {"train",
          "--out",
          out,
          "--task",
          task,
          "--hidden",
          "8",
          "--embed",
          "8",
          "--n-train",
          "100",
          "--n-test",
          "20",
          "--max-len",
          "6",
          "--epochs",
          std::to_string(epochs),
          "--batch",
          "16"};
}

// base with `extra` flags appended, or replacing the value of a flag base already has.
inline std::vector<std::string> with_flags(std::vector<std::string> a,
                                           const std::vector<std::string>& extra) {
  for (size_t i = 0; i < extra.size(); ++i) {
    auto it = std::find(a.begin(), a.end(), extra[i]);
    const bool has_value = i + 1 < extra.size() && extra[i + 1].rfind("--", 0) != 0;
    if (it != a.end() && has_value) {
      *(it + 1) = extra[++i];
    } else {
      a.push_back(extra[i]);
      if (has_value) a.push_back(extra[++i]);
    }
  }
  return a;
}

}  // namespace s2s::clitest
