#pragma once
// Small helpers shared by the tests/reliability_*.cpp files: a private temporary
// folder per test, whole-file reads, a tiny training set and model.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "seq2seq/data/task.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s::reliability {

namespace fs = std::filesystem;

// A fresh folder under /tmp, unique per process and object (ctest may run the
// float and double test binaries at the same time), removed afterwards.
struct TempDir {
  fs::path dir;
  explicit TempDir(const std::string& tag) {
    dir = fs::temp_directory_path() /
          fmt::format("s2s_rel_{}_{}_{}", tag, ::getpid(), reinterpret_cast<uintptr_t>(this));
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);  // if a test locked it
    fs::remove_all(dir, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (dir / name).string(); }
  // Names of every entry in the folder, sorted (to spot stray temporary files).
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A small copy task: quick to train, yet a real seq2seq workload.
inline Splits tiny_copy_task(int n_train = 64, int max_len = 6) {
  TaskConfig tc;
  tc.seed = 3;
  tc.n_train = n_train;
  tc.n_valid = 16;
  tc.n_test = 0;
  tc.min_len = 2;
  tc.max_len = max_len;
  tc.alphabet = 8;
  return make_task("copy", tc);
}

// An attention GRU model sized for the vocabularies of `data`.
inline ModelConfig tiny_model_config(int64_t src_vocab, int64_t tgt_vocab, int64_t E = 8,
                                     int64_t H = 16) {
  ModelConfig mc;
  mc.cell = CellKind::gru;
  mc.src_vocab = src_vocab;
  mc.tgt_vocab = tgt_vocab;
  mc.embed = E;
  mc.hidden = H;
  mc.attention = true;
  mc.attn.score = "general";
  mc.seed = 5;
  return mc;
}

}  // namespace s2s::reliability
