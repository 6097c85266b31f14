#pragma once
// Shared by every tutorial: command-line flags, bilingual narration, and the
// claim checks that give the exit code (1 when a claim fails, in every mode).
//
//   --quick       smaller run for CI (at most ~15 s)
//   --engine reference|fast
//                 reference: cells, scores and attention run as the readable
//                 composed ops of nn/ and attention/ (edit them, see the change);
//                 fast: fused ops and threads (core/engine.hpp); the default is
//                 fast, reference in a student edition
//   --out DIR     where figures (SVG) and files go (default out/<tutorial>)
//   --lang en|zh  narration in English (default) or Simplified Chinese
//   --seed N      random seed (default 42)
//   --cell C, --score F, --placement P
//                 the model's knobs, in tutorials that train a sequence-to-sequence
//                 model (each tutorial says which apply); the choices come from the
//                 registries, so a new cell, score or placement is accepted here too
//   --help
// Also: tables aligned by display width (CJK characters take two columns) and
// the glossary (glossary.hpp) for narration. This header pulls in no model:
// tutorials that train a sequence-to-sequence model include model_lesson.hpp too
// (knobs on a ModelConfig, localized training log, plots by sentence length, the
// page's attention explorer: lesson_explorer.hpp).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "attention/score_registry.hpp"
#include "core/engine.hpp"
#include "exercise_needs.hpp"
#include "glossary.hpp"
#include "lesson_page.hpp"
#include "nn/recurrent_cell.hpp"
#include "seq2seq/model/placement.hpp"
#include "seq2seq/plot/svg.hpp"

namespace tutorial {

// The model knobs a tutorial offers, with its defaults; an empty string means
// the knob does not apply to this tutorial (and its flag is refused).
struct Knobs {
  std::string cell;       // a cell_registry() name: rnn, gru, lstm
  std::string score;      // a score_registry() name: dot, general, additive, ...
  std::string placement;  // a placement_registry() name: input, output, ...
};

struct Args {
  bool quick = false;
  std::string out_dir;
  std::string lang = "en";
  uint64_t seed = 42;
  Knobs model;                    // the knobs' values: defaults, then the flags
  std::vector<std::string> rest;  // tutorial-specific flags, e.g. --interactive
  std::string name, summary;      // for the web page (lesson_page.hpp)
};

// An exception nobody caught (a bad input deep inside, or an exercise not done
// yet) ends the tutorial with its message and exit code 1, not an abort.
inline void exit_on_uncaught_exception() {
  std::set_terminate([] {
    std::fflush(stdout);
    try {
      if (std::exception_ptr e = std::current_exception()) std::rethrow_exception(e);
      fmt::print(stderr, "error: terminated\n");
    } catch (const std::exception& e) {
      fmt::print(stderr, "error: {}\n", e.what());
    } catch (...) {
      fmt::print(stderr, "error: an unknown exception\n");
    }
    std::_Exit(1);
  });
}

// A model knob's flag (--cell, --score, --placement): where its value goes,
// whether this tutorial offers it, and its choices from the registry.
struct KnobFlag {
  const char* flag;
  std::string* value;
  bool on;
  std::vector<std::string> names;
  const char* what;
};

inline std::vector<KnobFlag> knob_flags(Args& a, const Knobs& knobs) {
  return {
      {"--cell", &a.model.cell, !knobs.cell.empty(), s2s::cell_registry().names(),
       "recurrent cell"},
      {"--score", &a.model.score, !knobs.score.empty(), s2s::score_names(), "score function"},
      {"--placement", &a.model.placement, !knobs.placement.empty(),
       s2s::placement_registry().names(), "where the context enters the decoder"},
  };
}

// The --help text: the common flags, the tutorial's own and the knobs it offers.
inline std::string usage_text(const Args& a, const std::vector<std::string>& extra,
                              const std::vector<KnobFlag>& knobs) {
  std::string ex, knob_help;
  for (auto& e : extra) ex += " [" + e + "]";
  for (const KnobFlag& k : knobs) {
    if (!k.on) continue;
    ex += fmt::format(" [{} X]", k.flag);
    knob_help +=
        fmt::format("  {:<13} {} (default {}), one of:\n                {}\n",
                    std::string(k.flag) + " X", k.what, *k.value, fmt::join(k.names, ", "));
  }
  return fmt::format(
      "{} — {}\n\nusage: {} [--quick] [--engine reference|fast] [--out DIR] [--lang en|zh] "
      "[--seed N]{} [--help]\n"
      "  --quick       smaller run (used by CI); in every mode a failed claim gives exit code 1\n"
      "  --engine E    reference: the readable composed ops of nn/ and attention/ run (edit\n"
      "                them and see the change); fast: fused ops and threads (default {})\n"
      "  --out DIR     folder for figures (default {})\n"
      "  --lang en|zh  narration language: English (default) or 简体中文\n"
      "  --seed N      random seed (default 42)\n{}{}",
      a.name, a.summary, a.name, ex, s2s::engine_name(s2s::default_engine()), a.out_dir, knob_help,
      knob_help.empty() ? ""
                        : "  The model's knobs: the tutorial prints the model it used (\"model: "
                          "cell=...\");\n  a claim may fail with other values: compare and "
                          "see.\n");
}

// A usage error: the message, and exit code 2 (1 is a failed claim).
[[noreturn]] inline void usage_error(const std::string& message) {
  fmt::print(stderr, "{}", message);
  std::exit(2);
}

// --seed's value: a non-negative integer below 2^64 ("-1" is refused, not wrapped).
inline uint64_t parse_seed(const std::string& name, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const uint64_t seed = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || v.find_first_not_of("0123456789") != std::string::npos ||
      errno == ERANGE)
    usage_error(fmt::format("{}: --seed needs a non-negative integer, got '{}'\n", name, v));
  return seed;
}

// Parses the common flags; prints help or a clear error and exits on misuse.
// `extra` lists tutorial-specific flags (without values) that are accepted;
// `knobs` the model knobs that apply, with their defaults.
inline Args parse_args(int argc, char** argv, const std::string& name, const std::string& summary,
                       const std::vector<std::string>& extra = {}, const Knobs& knobs = {}) {
  exit_on_uncaught_exception();
  Args a;
  a.out_dir = "out/" + name;
  a.model = knobs;
  a.name = name;
  a.summary = summary;
  std::vector<KnobFlag> knob = knob_flags(a, knobs);
  auto usage = [&] { return usage_text(a, extra, knob); };
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage_error(fmt::format("{}: flag {} needs a value\n\n{}", name, f, usage()));
      return argv[++i];
    };
    auto k = std::find_if(knob.begin(), knob.end(),
                          [&](const KnobFlag& k) { return k.on && f == k.flag; });
    if (f == "--help" || f == "-h") {
      fmt::print("{}", usage());
      std::exit(0);
    } else if (f == "--quick") {
      a.quick = true;
    } else if (f == "--engine") {
      const std::string e = value();
      if (e != "reference" && e != "fast")
        usage_error(fmt::format("{}: --engine must be 'reference' or 'fast', got '{}'\n", name, e));
      s2s::set_engine(s2s::parse_engine(e));
    } else if (f == "--out") {
      a.out_dir = value();
    } else if (f == "--lang") {
      a.lang = value();
      if (a.lang != "en" && a.lang != "zh")
        usage_error(fmt::format("{}: --lang must be 'en' or 'zh', got '{}'\n", name, a.lang));
    } else if (f == "--seed") {
      a.seed = parse_seed(name, value());
    } else if (k != knob.end()) {
      const std::string v = value();
      if (std::find(k->names.begin(), k->names.end(), v) == k->names.end())
        usage_error(fmt::format("{}: unknown {} '{}' for {}; choose one of: {}\n", name, k->what, v,
                                k->flag, fmt::join(k->names, ", ")));
      *k->value = v;
    } else if (std::find(extra.begin(), extra.end(), f) != extra.end()) {
      a.rest.push_back(f);
    } else if (f == "--cell" || f == "--score" || f == "--placement") {
      usage_error(fmt::format("{}: {} does not apply to this tutorial\n\n{}", name, f, usage()));
    } else {
      usage_error(fmt::format("{}: unknown flag '{}'\n\n{}", name, f, usage()));
    }
  }
  // The course kit: stop here, listing them, if exercises this run needs are stubs.
  check_exercise_needs(name, a.lang, knobs, a.model);
  std::filesystem::create_directories(a.out_dir);
  return a;
}

// How a claim's measured value compares with its threshold, and how it is
// written: in claims.tsv (">=") and as a reader writes it ("≥").
enum class Cmp { gt, ge, lt, le };
struct CmpText {
  const char* symbol;  // claims.tsv, sweep.sh
  const char* sign;    // narration
};
inline CmpText cmp_text(Cmp op) {
  switch (op) {
    case Cmp::gt:
      return {">", ">"};
    case Cmp::ge:
      return {">=", "≥"};
    case Cmp::lt:
      return {"<", "<"};
    case Cmp::le:
      return {"<=", "≤"};
  }
  return {"?", "?"};
}
inline bool holds(double value, Cmp op, double threshold) {
  switch (op) {
    case Cmp::gt:
      return value > threshold;
    case Cmp::ge:
      return value >= threshold;
    case Cmp::lt:
      return value < threshold;
    case Cmp::le:
      return value <= threshold;
  }
  return false;
}

// Mean and range of a measurement repeated over several training seeds: one
// run is one sample, so a noisy claim is made on the mean of several.
struct Spread {
  double mean = 0, min = 0, max = 0;
};
inline Spread spread(const std::vector<double>& v) {
  Spread s;
  if (v.empty()) return s;
  s.min = s.max = v[0];
  for (double x : v) {
    s.mean += x / static_cast<double>(v.size());
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
  }
  return s;
}
// "0.512 (0.471-0.560)" with `scale` 1, or percentages with scale 100: "51.2 (47.1-56.0)".
inline std::string format_spread(const Spread& s, double scale = 1, int decimals = 3) {
  return fmt::format("{:.{}f} ({:.{}f}-{:.{}f})", scale * s.mean, decimals, scale * s.min, decimals,
                     scale * s.max, decimals);
}
// The k-th training seed of a repeated run (k = 0, 1, ...): distinct for
// every --seed, so a sweep over --seed samples new runs each time.
inline uint64_t run_seed(uint64_t seed, int k) { return seed * 1000 + static_cast<uint64_t>(k); }

// Prints narration in the chosen language and records the tutorial's claims.
class Lesson {
 public:
  explicit Lesson(const Args& args) : args_(args), start_(std::chrono::steady_clock::now()) {
    for (const char* file : {"claims.tsv", "values.tsv"})
      if (std::FILE* f = std::fopen(path(file).c_str(), "w")) std::fclose(f);
  }

  bool zh() const { return args_.lang == "zh"; }
  const std::string& lang() const { return args_.lang; }
  const std::string& tr(const std::string& en, const std::string& zh_text) const {
    return zh() ? zh_text : en;
  }
  // A glossary term in the narration's language.
  const char* tr(const Term& t) const { return zh() ? t.zh : t.en; }
  // Example data (sentences, tokens) inside prose: quoted 「like this」 in Chinese.
  std::string quote(const std::string& data) const {
    return zh() ? "「" + data + "」" : "\"" + data + "\"";
  }
  // One example pair on its own line: "  src  ->  tgt" / "  「src」 → 「tgt」".
  void example(const std::vector<std::string>& src, const std::vector<std::string>& tgt) const {
    if (zh())
      fmt::print("  「{}」 → 「{}」\n", fmt::join(src, " "), fmt::join(tgt, " "));
    else
      fmt::print("  {}  ->  {}\n", fmt::join(src, " "), fmt::join(tgt, " "));
    page_text(fmt::format(fmt::runtime(zh() ? "「{}」 → 「{}」" : "{}  ->  {}"),
                          fmt::join(src, " "), fmt::join(tgt, " ")));
  }
  // Figures' font list: CJK fonts first for Chinese.
  const char* font() const { return s2s::font_family_for(args_.lang); }
  void heading(const std::string& en, const std::string& zh_text) const {
    fmt::print("\n== {} ==\n", tr(en, zh_text));
    page_heading(tr(en, zh_text));
  }
  void say(const std::string& en, const std::string& zh_text) const {
    fmt::print("{}\n", tr(en, zh_text));
    page_text(tr(en, zh_text));
  }
  // A claim of the lecture, measured: `value op threshold`, e.g. BLEU >= 0.45.
  // A failed claim fails the run (exit code 1). The sentence states the measured
  // value first (the text must contain it, as printed); the line ends with the
  // requirement in one bracket:
  //   [PASS] with attention BLEU keeps 95% of ... (required > 75%)
  //   [通过] 有注意力时，…保持为 95%（要求 > 75%）
  // `shown` says how the value is written in the text: as it is, as a fraction
  // written in per cent (0.697 written "69.7%"), already in per cent (69.7), or a
  // difference of fractions written in percentage points (0.163: "16.3 points");
  // the requirement is then written in the same unit. out/<tutorial>/claims.tsv records the value
  // as measured, so tests/claims/sweep.sh can collect it over many seeds; tests/tutorials/
  // measured_lines.sh checks that each claim line prints its value and threshold.
  // Thresholds come from such a sweep, with margin; docs/claims-history.md keeps the
  // distributions by tutorial and id (sweep.sh --record appends to it).
  // `id` is short and stable (a-z, 0-9, _), unique within the tutorial.
  enum class Shown { plain, percent, in_percent, points };
  bool claim(const std::string& id, double value, Cmp op, double threshold, const std::string& en,
             const std::string& zh_text, Shown shown = Shown::plain) {
    page_claim_text(tr(en, zh_text));
    const bool ok = holds(value, op, threshold);
    const double scale = shown == Shown::percent || shown == Shown::points ? 100 : 1;
    const char* unit = shown == Shown::plain    ? ""
                       : shown == Shown::points ? (zh() ? " 个百分点" : " points")
                                                : "%";
    const std::string req = fmt::format("{} {:g}{}", cmp_text(op).sign, scale * threshold, unit);
    if (zh())
      fmt::print("  [{}] {}（要求 {}）\n", ok ? "通过" : "未通过", zh_text, req);
    else
      fmt::print("  [{}] {} (required {})\n", ok ? "PASS" : "FAIL", en, req);
    record(id, "claim", value, op, threshold, ok);
    return ok;
  }
  // An invariant: true short of a bug, whatever the seed or the training (weights
  // sum to 1, backward equals the chain rule, a loaded model gives the same
  // outputs). It fails the run like a claim, but is labelled as what it is.
  bool invariant(const std::string& id, bool ok, const std::string& en,
                 const std::string& zh_text) {
    page_claim_text(tr(en, zh_text));
    fmt::print(
        "  [{}] {}\n",
        zh() ? (ok ? "恒成立" : "不变量被破坏") : (ok ? "INVARIANT holds" : "INVARIANT BROKEN"),
        tr(en, zh_text));
    record(id, "invariant", ok ? 1 : 0, Cmp::ge, 1, ok);
    return ok;
  }
  // A value this run measured and prints outside a claim, in a line that says so
  // ("measured in this run" / 「本次实测」): recorded in <out>/values.tsv (id, value)
  // so that tests/tutorials/measured_lines.sh can check the line against it.
  // Returns the value, for formatting.
  double measured(const std::string& id, double value) const {
    if (std::FILE* f = std::fopen(path("values.tsv").c_str(), "a")) {
      fmt::print(f, "{}\t{:.6g}\n", id, value);
      std::fclose(f);
    }
    return value;
  }
  std::string path(const std::string& file) const { return args_.out_dir + "/" + file; }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  // Summary line and exit code: non-zero when a check failed (every mode).
  int finish() const {
    write_lesson_page(args_.out_dir, args_.lang, args_.name, zh() ? "" : args_.summary,
                      total_ - failed_, total_, seconds());
    if (zh())
      fmt::print("\n检验：{}/{} 项通过（用时 {:.1f} 秒，引擎 {}）\n", total_ - failed_, total_,
                 seconds(), s2s::engine_name(s2s::engine()));
    else
      fmt::print("\nchecks: {}/{} passed ({:.1f} s, engine {})\n", total_ - failed_, total_,
                 seconds(), s2s::engine_name(s2s::engine()));
    return failed_ == 0 ? 0 : 1;
  }

 private:
  // One line per claim in <out>/claims.tsv: id, kind, value, op, threshold, ok.
  void record(const std::string& id, const char* kind, double value, Cmp op, double threshold,
              bool ok) {
    if (!ok) ++failed_;
    ++total_;
    page_claim(id, kind, value, cmp_text(op).symbol, threshold, ok);
    if (std::FILE* f = std::fopen(path("claims.tsv").c_str(), "a")) {
      fmt::print(f, "{}\t{}\t{:.6g}\t{}\t{:.6g}\t{}\n", id, kind, value, cmp_text(op).symbol,
                 threshold, ok ? 1 : 0);
      std::fclose(f);
    }
  }

  const Args& args_;
  std::chrono::steady_clock::time_point start_;
  int failed_ = 0, total_ = 0;
};

// --- Tables aligned by display width -------------------------------------------
// fmt's {:>8} counts code points, so a column of Chinese headers (two columns
// per character) pushes the rest to the right. Table pads by display width.
//   Table t({Align::left, Align::right});
//   t.group({{"", 1}, {"注意力", 1}});  // a header cell over several columns
//   t.row({"源句长度", "完全匹配率"});
//   t.print();
enum class Align { left, right };

inline std::string pad(const std::string& text, size_t width, Align align = Align::right) {
  const size_t w = s2s::display_width(text), n = w < width ? width - w : 0;
  std::string out;
  if (align == Align::right) out.append(n, ' ');
  out += text;
  if (align == Align::left) out.append(n, ' ');
  return out;
}

class Table {
 public:
  explicit Table(std::vector<Align> align, std::string indent = "  ")
      : align_(std::move(align)), indent_(std::move(indent)) {}
  // A header line whose cells each span `n` columns (centred over them).
  void group(std::vector<std::pair<std::string, size_t>> cells) {
    lines_.push_back({true, {}, std::move(cells)});
  }
  void row(std::vector<std::string> cells) { lines_.push_back({false, std::move(cells), {}}); }

  std::string str() const {
    std::vector<size_t> w(align_.size(), 0);
    for (const Line& l : lines_)
      for (size_t c = 0; c < l.cells.size() && c < w.size(); ++c)
        w[c] = std::max(w[c], s2s::display_width(l.cells[c]));
    for (const Line& l : lines_) {  // widen the last column of a span whose title does not fit
      size_t c = 0;
      for (const auto& [text, n] : l.spans) {
        if (n == 0 || c + n > w.size()) break;
        size_t have = n - 1;
        for (size_t k = c; k < c + n; ++k) have += w[k];
        const size_t need = s2s::display_width(text);
        if (need > have) w[c + n - 1] += need - have;
        c += n;
      }
    }
    std::string out;
    for (const Line& l : lines_) {
      std::string line = indent_;
      if (l.is_group) {
        size_t c = 0;
        for (const auto& [text, n] : l.spans) {
          if (n == 0 || c + n > w.size()) break;
          size_t span = n - 1;
          for (size_t k = c; k < c + n; ++k) span += w[k];
          const size_t tw = s2s::display_width(text), left = span > tw ? (span - tw + 1) / 2 : 0;
          if (c) line += ' ';
          line.append(left, ' ');
          line += pad(text, span - left, Align::left);
          c += n;
        }
      } else {
        for (size_t c = 0; c < l.cells.size() && c < w.size(); ++c) {
          if (c) line += ' ';
          line += pad(l.cells[c], w[c], align_[c]);
        }
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }
  void print() const {
    fmt::print("{}", str());
    page_table(str());
  }

 private:
  struct Line {
    bool is_group;
    std::vector<std::string> cells;
    std::vector<std::pair<std::string, size_t>> spans;
  };
  std::vector<Align> align_;
  std::string indent_;
  std::vector<Line> lines_;
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
