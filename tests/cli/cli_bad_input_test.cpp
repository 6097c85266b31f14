// The s2s executable against every case of issue 18's "Why" list, as one table:
// {case, command line, stdin, expected exit code, a fragment of the message,
// an extra check}. Each row runs the real binary; the table it measured is
// printed (and written to cli_bad_input_table.txt beside the test binary).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "cli_util.hpp"
#include "seq2seq/model/checkpoint.hpp"

using namespace s2s;
using namespace s2s::clitest;

namespace {

struct Row {
  std::string what;
  std::vector<std::string> args;
  std::string input;  // stdin
  int code;           // expected exit code
  std::string fragment;
  std::function<void(const Run&)> check = nullptr;
  double max_seconds = 60;
  std::vector<std::string> env = {};
};

std::string first_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && (t.back() == '\n')) t.pop_back();
  // the most telling line: the first "error:" line, else the first "note:"/"warning:", else the
  // first
  for (const char* tag : {"error: ", "warning: the model", "note: ", "warning: "}) {
    size_t at = t.find(tag);
    if (at != std::string::npos) {
      size_t end = t.find('\n', at);
      return t.substr(at, end == std::string::npos ? std::string::npos : end - at);
    }
  }
  size_t end = t.find('\n');
  return t.substr(0, end);
}

std::string pairs_tsv(int n, const std::string& eol, int offset = 0) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += fmt::format("w{} x{}\tv{} y\tattribution{}", i + offset, i, i, eol);
  return s;
}

std::string words(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += (i ? " " : "") + std::string(1, static_cast<char>('a' + i % 8));
  return s;
}

}  // namespace

TEST_CASE("bad input table: every case of issue 18 gets a clear answer") {
  TempDir tmp("cli_table");
  auto train_args = [&](const std::string& out, const std::string& task,
                        std::vector<std::string> extra = {}) {
    return with_flags(tiny_train(out, task), extra);
  };
  // Fixtures: trained tiny models.
  const std::string model = tmp.file("model"), loc = tmp.file("loc"), la = tmp.file("la"),
                    lp = tmp.file("lp");
  REQUIRE(run_s2s(tmp, train_args(model, "copy")).code == 0);
  REQUIRE(run_s2s(tmp, train_args(loc, "copy", {"--attention", "location"})).code == 0);
  REQUIRE(run_s2s(tmp, train_args(la, "copy", {"--attention", "location_aware"})).code == 0);
  REQUIRE(run_s2s(tmp, train_args(lp, "copy", {"--variant", "local-p"})).code == 0);
  const auto model_files = snapshot_folder(model);
  REQUIRE(model_files.size() == 3);
  auto unchanged = [&](const Run&) { CHECK(snapshot_folder(model) == model_files); };

  // A checkpoint whose metadata claims hidden 100000; one with a NaN weight; one
  // whose model.safetensors is a folder.
  auto copy_model = [&](const std::string& name) {
    const std::string d = tmp.file(name);
    fs::create_directories(d);
    for (const auto& [f, bytes] : model_files) write_text(d + "/" + f, bytes);
    return d;
  };
  const std::string huge = copy_model("huge"), nan_model = copy_model("nan"),
                    dir_model = copy_model("dir");
  {
    Metadata meta;
    auto t = load_safetensors(huge + "/model.safetensors", &meta);
    meta["hidden"] = "100000";
    save_safetensors(huge + "/model.safetensors", t, meta);
    t = load_safetensors(nan_model + "/model.safetensors", &meta);
    t[2].second.data()[1] = NAN;
    save_safetensors(nan_model + "/model.safetensors", t, meta);
    fs::remove(dir_model + "/model.safetensors");
    fs::create_directories(dir_model + "/model.safetensors");
  }
  const std::string foreign = copy_model("foreign");
  write_text(foreign + "/notes.txt", "mine");

  // Data files.
  const std::string few = tmp.file("few.tsv"), empty = tmp.file("empty.tsv"),
                    notab = tmp.file("notab.tsv"), bom = tmp.file("bom.tsv"),
                    cr = tmp.file("cr.tsv");
  write_text(few, pairs_tsv(5, "\n"));
  write_text(empty, "");
  {
    std::string s;
    for (int i = 0; i < 100; ++i) s += fmt::format("line {} has no tab\n", i);
    write_text(notab, s);
  }
  write_text(bom, "\xEF\xBB\xBF" + pairs_tsv(40, "\n"));
  write_text(cr, pairs_tsv(40, "\r"));
  const std::string ten_k = words(10000) + "\n";

  std::vector<Row> rows = {
      // 1. A failed run must not destroy a trained model.
      {"train --lr nan into a folder holding a model", train_args(model, "copy", {"--lr", "nan"}),
       "", 2, "--lr must be a positive number, got nan", unchanged},
      {"the same with --overwrite", train_args(model, "copy", {"--lr", "nan", "--overwrite"}), "",
       2, "--lr must be a positive number, got nan", unchanged},
      {"TSV with too few pairs into a folder holding a model (--overwrite)",
       {"train", "--out", model, "--tsv", few, "--overwrite", "--hidden", "8"},
       "",
       1,
       "5 usable pairs, need at least 10",
       unchanged},
      {"train into a folder holding a model, no --overwrite", train_args(model, "copy"), "", 1,
       "already holds a model; pass --overwrite", unchanged},
      {"train into a folder holding other files", train_args(foreign, "copy", {"--overwrite"}), "",
       1, "holds 'notes.txt', which is not part of a model"},
      // 3. Aborts instead of errors.
      {"--hidden 100000", train_args(tmp.file("h"), "copy", {"--hidden", "100000"}), "", 1,
       "hidden 100000 is too large", [&](const Run&) { CHECK_FALSE(fs::exists(tmp.file("h"))); }},
      {"--batch 1000000", train_args(tmp.file("b"), "copy", {"--batch", "1000000"}), "", 1,
       "batch 1000000 is too large"},
      {"checkpoint metadata says hidden 100000",
       {"translate", "--model", huge, "a b"},
       "",
       1,
       "hidden 100000 is too large"},
      {"model.safetensors is a folder",
       {"translate", "--model", dir_model, "a b"},
       "",
       1,
       "is not a regular file"},
      // 4. Unbounded work.
      {"translate --beam 2147483647",
       {"translate", "--model", model, "--beam", "2147483647", "a b"},
       "",
       0,
       "capped at",
       nullptr,
       30},
      {"eval --beam 100000",
       {"eval", "--model", model, "--task", "copy", "--n-test", "20", "--max-len", "6", "--beam",
        "100000"},
       "",
       0,
       "capped at",
       nullptr,
       30},
      {"a 10,000-word line, location-aware model",
       {"translate", "--model", la},
       ten_k,
       1,
       "line 1: cannot translate: 10000 tokens, more than the limit of 250",
       [](const Run& r) { CHECK(count_lines(r.out) == 1); },
       30},
      {"a 10,000-word line, local-p model",
       {"translate", "--model", lp},
       ten_k,
       1,
       "line 1: cannot translate: 10000 tokens",
       [](const Run& r) { CHECK(count_lines(r.out) == 1); },
       30},
      {"--seconds 2 with a large model",
       {"train", "--out", tmp.file("slow"), "--task", "copy", "--hidden",
        S2S_SLOW_BUILD ? "96" : "384", "--embed", "64", "--n-train", "4000", "--n-test", "4000",
        "--seconds", "2", "--batch", "64"},
       "",
       0,
       "time limit",
       nullptr,
       15},
      // 5. translate drops and stops.
      {"empty and whitespace lines: one output line each",
       {"translate", "--model", model},
       "a b c\n\n   \nd e\n",
       0,
       "",
       [](const Run& r) { CHECK(count_lines(r.out) == 4); }},
      {"CRLF and a last line without newline",
       {"translate", "--model", model},
       "a b\r\n\r\nc d",
       0,
       "",
       [](const Run& r) { CHECK(count_lines(r.out) == 3); }},
      {"location model: a line longer than max_src_len goes on",
       {"translate", "--model", loc},
       "a b\n" + words(30) + "\nc d\n",
       1,
       "line 2: cannot translate: 30 tokens",
       [](const Run& r) { CHECK(count_lines(r.out) == 3); }},
      // 6. Unclear or silent answers.
      {"TSV with 5 usable pairs",
       {"train", "--out", tmp.file("t1"), "--tsv", few},
       "",
       1,
       "5 usable pairs, need at least 10",
       [&](const Run&) { CHECK_FALSE(fs::exists(tmp.file("t1"))); }},
      {"empty TSV",
       {"train", "--out", tmp.file("t2"), "--tsv", empty},
       "",
       1,
       "0 usable pairs, need at least 10 (for a training, validation and test split): 0 lines "
       "read"},
      {"TSV without tabs (100 lines)",
       {"train", "--out", tmp.file("t3"), "--tsv", notab},
       "",
       1,
       "100 without a tab",
       [](const Run& r) {
         CHECK(count_lines(r.err) <= 12);
         CHECK(r.err.find("90 more malformed lines not shown") != std::string::npos);
       }},
      {"NaN in the weights",
       {"translate", "--model", nan_model, "a b"},
       "",
       1,
       "holds 1 non-finite value(s)"},
      {"--lr 1e30 (divergence) keeps the old model",
       train_args(model, "toy_en_es", {"--lr", "1e30", "--overwrite"}), "", 1, "training diverged",
       unchanged},
      {"a UTF-8 BOM is stripped",
       {"train", "--out", tmp.file("bom"), "--tsv", bom, "--hidden", "8", "--embed", "8",
        "--epochs", "1"},
       "",
       0,
       "training pairs",
       [&](const Run&) {
         CHECK(read_bytes(tmp.file("bom") + "/src.vocab").find("\xEF\xBB\xBF") ==
               std::string::npos);
       }},
      {"CR-only line endings",
       {"train", "--out", tmp.file("cr"), "--tsv", cr, "--hidden", "8", "--embed", "8", "--epochs",
        "1"},
       "",
       0,
       "32 training pairs"},
      {"--hidden 0", train_args(tmp.file("x"), "copy", {"--hidden", "0"}), "", 2,
       "--hidden must be a positive integer, got 0"},
      {"--hidden abc", train_args(tmp.file("x"), "copy", {"--hidden", "abc"}), "", 2,
       "--hidden must be a positive integer, got abc"},
      {"--hidden with 25 digits",
       train_args(tmp.file("x"), "copy", {"--hidden", "9999999999999999999999999"}), "", 2,
       "--hidden must be a positive integer no larger than 1048576"},
      {"--seconds -1", train_args(tmp.file("x"), "copy", {"--seconds", "-1"}), "", 2,
       "--seconds must be a positive number, got -1"},
      {"--attention none --variant local-p",
       train_args(tmp.file("x"), "copy", {"--attention", "none", "--variant", "local-p"}), "", 1,
       "--variant needs an attention model"},
      {"--lr-anneal with --min-lr 0",
       train_args(tmp.file("x"), "copy", {"--lr-anneal", "0.5", "--min-lr", "0"}), "", 1,
       "--lr-anneal falls geometrically from --lr to --min-lr, so it needs 0 < --min-lr <= --lr, "
       "got --min-lr 0 and --lr 0.003"},
      {"--tsv with --task",
       {"train", "--out", tmp.file("x"), "--tsv", bom, "--task", "copy"},
       "",
       1,
       "--task is for generated tasks; it cannot be used with --tsv"},
      {"--min-len above --max-len", train_args(tmp.file("x"), "copy", {"--min-len", "9"}), "", 1,
       "--min-len 9 is more than --max-len 6"},
      {"eval on another task's data",
       {"eval", "--model", model, "--task", "toy_en_es", "--n-test", "20"},
       "",
       0,
       "vocabulary covers only"},
      // The last-resort handler (S2S_TEST_THROW throws inside main's guarded body).
      {"an escaping std::bad_alloc",
       {"translate", "--model", model, "a"},
       "",
       1,
       "error: out of memory",
       nullptr,
       30,
       {"S2S_TEST_THROW=bad_alloc"}},
      {"an escaping std::ios_base::failure",
       {"translate", "--model", model, "a"},
       "",
       1,
       "error: input/output failure",
       nullptr,
       30,
       {"S2S_TEST_THROW=ios"}},
      {"an exception escaping a thread (std::terminate)",
       {"translate", "--model", model, "a"},
       "",
       1,
       "error: internal error: boom in a worker thread",
       nullptr,
       30,
       {"S2S_TEST_THROW=thread"}},
      {"a thrown int",
       {"translate", "--model", model, "a"},
       "",
       1,
       "error: an unknown exception",
       nullptr,
       30,
       {"S2S_TEST_THROW=int"}},
  };

  std::string table = "| case | exit | seconds | output lines | message |\n|---|---|---|---|---|\n";
  for (const Row& r : rows) {
    INFO("row: ", r.what);
    const Run run = run_s2s(tmp, r.args, r.input, 5 * r.max_seconds + 30, r.env);
    INFO("stdout: ", run.out.substr(0, 2000));
    INFO("stderr: ", run.err.substr(0, 2000));
    CHECK(run.code == r.code);
    CHECK_FALSE(run.timed_out);
    // Debug and sanitizer builds run several times slower.
    CHECK(run.seconds <= r.max_seconds * (S2S_SLOW_BUILD ? 5 : 1));
    if (!r.fragment.empty()) CHECK(run.all().find(r.fragment) != std::string::npos);
    if (r.check) r.check(run);
    table += fmt::format("| {} | {} | {:.1f} | {} | {} |\n", r.what, run.code, run.seconds,
                         count_lines(run.out), first_line(run.err + run.out));
  }
  write_text("cli_bad_input_table.txt", table);
  MESSAGE(rows.size(), " command lines checked:\n", table);
}
