#pragma once
// Shared by every tutorial: command-line flags, bilingual narration, and the
// claim checks that give the exit code (1 when a claim fails, in every mode).
//
//   --quick       smaller run for CI (at most ~15 s)
//   --engine reference|fast
//                 reference: cells, scores and attention run as the readable
//                 composed ops of nn/ and attention/ (edit them, see the change);
//                 fast (default): fused ops and threads (core/engine.hpp)
//   --out DIR     where figures (SVG) and files go (default out/<tutorial>)
//   --lang en|zh  narration in English (default) or Simplified Chinese
//   --seed N      random seed (default 42)
//   --help
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/engine.hpp"

namespace tutorial {

struct Args {
  bool quick = false;
  std::string out_dir;
  std::string lang = "en";
  uint64_t seed = 42;
  std::vector<std::string> rest;  // tutorial-specific flags, e.g. --interactive
};

// Parses the common flags; prints help or a clear error and exits on misuse.
// `extra` lists tutorial-specific flags (without values) that are accepted.
inline Args parse_args(int argc, char** argv, const std::string& name, const std::string& summary,
                       const std::vector<std::string>& extra = {}) {
  Args a;
  a.out_dir = "out/" + name;
  auto usage = [&] {
    std::string ex;
    for (auto& e : extra) ex += " [" + e + "]";
    return fmt::format(
        "{} — {}\n\nusage: {} [--quick] [--engine reference|fast] [--out DIR] [--lang en|zh] "
        "[--seed N]{} [--help]\n"
        "  --quick       smaller run (used by CI); in every mode a failed claim gives exit code 1\n"
        "  --engine E    reference: the readable composed ops of nn/ and attention/ run (edit\n"
        "                them and see the change); fast (default): fused ops and threads\n"
        "  --out DIR     folder for figures (default {})\n"
        "  --lang en|zh  narration language: English (default) or 简体中文\n"
        "  --seed N      random seed (default 42)\n",
        name, summary, name, ex, a.out_dir);
  };
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "{}: flag {} needs a value\n\n{}", name, f, usage());
        std::exit(2);
      }
      return argv[++i];
    };
    if (f == "--help" || f == "-h") {
      fmt::print("{}", usage());
      std::exit(0);
    } else if (f == "--quick") {
      a.quick = true;
    } else if (f == "--engine") {
      const std::string e = value();
      if (e != "reference" && e != "fast") {
        fmt::print(stderr, "{}: --engine must be 'reference' or 'fast', got '{}'\n", name, e);
        std::exit(2);
      }
      s2s::set_engine(s2s::parse_engine(e));
    } else if (f == "--out") {
      a.out_dir = value();
    } else if (f == "--lang") {
      a.lang = value();
      if (a.lang != "en" && a.lang != "zh") {
        fmt::print(stderr, "{}: --lang must be 'en' or 'zh', got '{}'\n", name, a.lang);
        std::exit(2);
      }
    } else if (f == "--seed") {
      std::string v = value();
      char* end = nullptr;
      a.seed = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') {
        fmt::print(stderr, "{}: --seed needs a non-negative integer, got '{}'\n", name, v);
        std::exit(2);
      }
    } else if (std::find(extra.begin(), extra.end(), f) != extra.end()) {
      a.rest.push_back(f);
    } else {
      fmt::print(stderr, "{}: unknown flag '{}'\n\n{}", name, f, usage());
      std::exit(2);
    }
  }
  std::filesystem::create_directories(a.out_dir);
  return a;
}

// Prints narration in the chosen language and records the tutorial's claims.
class Lesson {
 public:
  explicit Lesson(const Args& args) : args_(args), start_(std::chrono::steady_clock::now()) {}

  bool zh() const { return args_.lang == "zh"; }
  const std::string& tr(const std::string& en, const std::string& zh_text) const {
    return zh() ? zh_text : en;
  }
  void heading(const std::string& en, const std::string& zh_text) const {
    fmt::print("\n== {} ==\n", tr(en, zh_text));
  }
  void say(const std::string& en, const std::string& zh_text) const {
    fmt::print("{}\n", tr(en, zh_text));
  }
  // A claim of the lecture, measured. A failed claim fails the run (exit code 1).
  bool claim(bool ok, const std::string& en, const std::string& zh_text) {
    fmt::print("  [{}] {}\n", ok ? "PASS" : "FAIL", tr(en, zh_text));
    if (!ok) ++failed_;
    ++total_;
    return ok;
  }
  std::string path(const std::string& file) const { return args_.out_dir + "/" + file; }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  // Summary line and exit code: non-zero when a claim failed (every mode).
  int finish() const {
    fmt::print("\n{}: {}/{} {} ({:.1f} s, {} {})\n", tr("claims", "结论"), total_ - failed_, total_,
               tr("hold", "成立"), seconds(), tr("engine", "引擎"),
               s2s::engine_name(s2s::engine()));
    return failed_ == 0 ? 0 : 1;
  }

 private:
  const Args& args_;
  std::chrono::steady_clock::time_point start_;
  int failed_ = 0, total_ = 0;
};

// Moving average over the last w values (fewer at the start): smooths noisy
// per-step loss curves before plotting.
inline std::vector<double> moving_average(const std::vector<double>& v, size_t w) {
  std::vector<double> out;
  double sum = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    sum += v[i];
    if (i >= w) sum -= v[i - w];
    out.push_back(sum / static_cast<double>(std::min(i + 1, w)));
  }
  return out;
}

}  // namespace tutorial
