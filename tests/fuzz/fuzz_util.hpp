#pragma once
// Shared by the libFuzzer targets: the loaders under test read files, so each
// input is written to a private temporary file first (one per process).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace s2s::fuzz {

// Writes the fuzzer's bytes to /tmp/s2s_fuzz_<tag>_<pid> and returns the path.
inline std::string write_temp(const char* tag, const uint8_t* data, size_t size) {
  const std::string path = std::string("/tmp/s2s_fuzz_") + tag + "_" + std::to_string(::getpid());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// A broken invariant is a bug: stop so libFuzzer saves the input that caused it.
#define S2S_FUZZ_ASSERT(cond)                                                                 \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

}  // namespace s2s::fuzz
