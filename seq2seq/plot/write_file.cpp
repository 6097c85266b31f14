#include "seq2seq/plot/write_file.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.hpp"

namespace s2s {

void write_file(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  S2S_CHECK(!path.empty(), "write_file: empty path");
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    S2S_CHECK(!ec, "write_file: cannot create directory '{}' for '{}': {}", parent.string(), path,
              ec.message());
  }
  std::ofstream f(path, std::ios::binary);
  S2S_CHECK(f.good(), "write_file: cannot open '{}' for writing", path);
  f << text;
  f.close();
  S2S_CHECK(!f.fail(), "write_file: writing '{}' failed", path);
}

}  // namespace s2s
