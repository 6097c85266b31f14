// The s2s executable against every case of issue 18's "Why" list, as one table:
// {case, command line, stdin, expected exit code, a fragment of the message,
// an extra check}. Each row runs the real binary; the table it measured is
// printed (and written to cli_bad_input_table.txt beside the test binary).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
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
  int code;           // expected exit code (-1: the check decides)
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
  for (int i = 0; i < n; ++i) {  // char by char (GCC 12 warns, falsely, on "" + string here)
    if (i > 0) s += ' ';
    s += static_cast<char>('a' + i % 8);
  }
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
  REQUIRE(model_files.size() == 4);  // the three files and the save marker
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

  // Issue 24's fixtures. Checkpoints whose header nests 100,000 deep (in the
  // metadata, and inside "shape"); one padded by 1 GB and a vocabulary of 1 GB
  // (sparse files: no disk is used); metadata claiming 1,000,000 layers.
  auto raw_safetensors = [&](const std::string& dir, const std::string& header) {
    std::string bytes(8, '\0');
    const uint64_t n = header.size();
    std::memcpy(bytes.data(), &n, 8);
    write_text(dir + "/model.safetensors", bytes + header);
  };
  const int kDeep = 100000;
  const std::string deep_meta = copy_model("deep_meta"), deep_shape = copy_model("deep_shape");
  {
    std::string h = "{\"__metadata__\":";
    for (int i = 0; i < kDeep; ++i) h += "{\"a\":";
    h += "1" + std::string(kDeep, '}') + "}";
    raw_safetensors(deep_meta, h);
    raw_safetensors(deep_shape, "{\"w\":{\"dtype\":\"F32\",\"shape\":" + std::string(kDeep, '[') +
                                    std::string(kDeep, ']') + ",\"data_offsets\":[0,0]}}");
  }
  const std::string padded = copy_model("padded"), big_vocab = copy_model("big_vocab"),
                    many_layers = copy_model("many_layers");
  fs::resize_file(padded + "/model.safetensors",
                  fs::file_size(padded + "/model.safetensors") + 1'000'000'000);
  fs::resize_file(big_vocab + "/src.vocab", 1'000'000'000);
  {
    Metadata meta;
    auto t = load_safetensors(many_layers + "/model.safetensors", &meta);
    meta["layers"] = "1000000";
    save_safetensors(many_layers + "/model.safetensors", t, meta);
  }
  // A TSV line of 60 KB, a dictionary word of 300 KB, control bytes in a TSV.
  const std::string long_line = tmp.file("long_line.tsv"), long_word = tmp.file("long_word.dict"),
                    escapes = tmp.file("escapes.tsv");
  write_text(long_line, pairs_tsv(20, "\n") + std::string(60000, 'w') + "\tx\n");
  write_text(long_word, "(\"" + std::string(300000, 'a') + "\" nil (((ey) 1)))\n");
  {
    std::string s = pairs_tsv(40, "\n");
    for (int i = 0; i < 3; ++i) s += "\x1b]0;owned\x07\x1b[31mred line without a tab\n";
    write_text(escapes, s);
  }
  const std::string long_name = tmp.file(std::string(250, 'n'));
  // Issue 25's ensembles: a model trained on other data (other vocabularies), and a
  // copy of `model` whose target vocabulary lists two tokens the other way round.
  const std::string other = tmp.file("other"), swapped = copy_model("swapped");
  REQUIRE(run_s2s(tmp, train_args(other, "toy_en_es")).code == 0);
  {
    std::string v = read_bytes(swapped + "/tgt.vocab");
    const size_t a = v.find('\n', v.find("<unk>")) + 1, b = v.find('\n', a) + 1,
                 c = v.find('\n', b) + 1;
    v = v.substr(0, a) + v.substr(b, c - b) + v.substr(a, b - a) + v.substr(c);
    write_text(swapped + "/tgt.vocab", v);
  }
  std::vector<std::string> seventeen = {"translate"};
  for (int i = 0; i < 17; ++i) seventeen.insert(seventeen.end(), {"--model", model});
  seventeen.push_back("a b");
  auto nothing_out = [](const Run& r) { CHECK(r.out.empty()); };
  const std::string bad_plain = tmp.file("bad_plain.dict");
  write_text(bad_plain, ";;; plain format\nDOG  D AO1 G\nCAT\n");

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
       -1,  // either trains within the budget, or is refused up front when the probe
            // says one step does not fit (a loaded machine): both keep --seconds
       "",
       [](const Run& r) {
         CHECK(((r.code == 0 && r.out.find("time limit") != std::string::npos) ||
                (r.code == 1 &&
                 r.err.find("one training step would take about") != std::string::npos)));
       },
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
       train_args(tmp.file("x"), "copy", {"--attention", "none", "--variant", "local-p"}), "", 2,
       "--variant needs an attention model"},
      {"--lr-anneal with --min-lr 0",
       train_args(tmp.file("x"), "copy", {"--lr-anneal", "0.5", "--min-lr", "0"}), "", 2,
       "--lr-anneal falls geometrically from --lr to --min-lr, so it needs 0 < --min-lr <= --lr, "
       "got --min-lr 0 and --lr 0.003"},
      {"--tsv with --task",
       {"train", "--out", tmp.file("x"), "--tsv", bom, "--task", "copy"},
       "",
       2,
       "--task is for generated tasks; it cannot be used with --tsv"},
      {"--min-len above --max-len", train_args(tmp.file("x"), "copy", {"--min-len", "9"}), "", 2,
       "--min-len 9 is more than --max-len 6"},
      {"eval on another task's data",
       {"eval", "--model", model, "--task", "toy_en_es", "--n-test", "20"},
       "",
       0,
       "vocabulary covers only"},
      // Issue 24. 1: readers never write (rows in cli_reliability_test.cpp).
      // 3: a crafted checkpoint must not crash the program.
      {"header nested 100,000 deep (metadata): info",
       {"info", "--model", deep_meta},
       "",
       1,
       "the JSON nests deeper than 64 levels"},
      {"header nested 100,000 deep (shape): translate",
       {"translate", "--model", deep_shape, "a b"},
       "",
       1,
       "the JSON nests deeper than 64 levels"},
      // 5: every input bounded before it is allocated.
      {"translate </dev/zero",
       {"translate", "--model", model},
       stdin_from("/dev/zero"),
       1,
       "no end of line after 16000000 bytes",
       [](const Run& r) { CHECK(count_lines(r.out) == 1); },
       30},
      {"translate: a 200 KB line, then a good one",
       {"translate", "--model", model},
       std::string(200000, 'a') + "\na b\n",
       1,
       "line 1: cannot translate: the line is 200000 bytes, more than the limit of 51024",
       [](const Run& r) { CHECK(count_lines(r.out) == 2); }},
      {"--tsv /dev/zero",
       {"train", "--out", tmp.file("z1"), "--tsv", "/dev/zero"},
       "",
       1,
       "line 1 is longer than 5024 bytes, the limit (200 bytes × --max-len 20 + 1024: raise "
       "--max-len",
       nullptr,
       10},
      {"--tsv /dev/zero --seconds 2",
       {"train", "--out", tmp.file("z2"), "--tsv", "/dev/zero", "--seconds", "2"},
       "",
       1,
       "line 1 is longer than 5024 bytes",
       nullptr,
       10},
      {"eval --tsv /dev/zero",
       {"eval", "--model", model, "--tsv", "/dev/zero"},
       "",
       1,
       "line 1 is longer than 5024 bytes",
       nullptr,
       10},
      {"--dict /dev/zero",
       {"train", "--out", tmp.file("z3"), "--task", "cmudict", "--dict", "/dev/zero"},
       "",
       1,
       "line 1 is longer than 201024 bytes",
       nullptr,
       10},
      {"a 1 GB src.vocab",
       {"translate", "--model", big_vocab, "a b"},
       "",
       1,
       "the file is 1.0 GB, more than the limit of 64.0 MB",
       nullptr,
       10},
      {"model.safetensors padded by 1 GB",
       {"info", "--model", padded},
       "",
       1,
       "bytes after the last tensor are not covered by the header",
       nullptr,
       10},
      {"--n-train 10000000 --max-len 1000 --dry-run",
       train_args(tmp.file("n"), "copy",
                  {"--n-train", "10000000", "--max-len", "1000", "--dry-run"}),
       "", 2, "the data could take up to", nullptr, 10},
      {"eval --n-test 10000000 --max-len 1000",
       {"eval", "--model", model, "--task", "copy", "--n-test", "10000000", "--max-len", "1000"},
       "",
       2,
       "lower --n-train, --n-test or --max-len",
       nullptr,
       10},
      {"a TSV line of 60 KB",
       {"train", "--out", tmp.file("ll"), "--tsv", long_line},
       "",
       1,
       "line 21 is longer than 5024 bytes",
       nullptr,
       10},
      {"a dictionary word of 300 KB",
       {"train", "--out", tmp.file("lw"), "--task", "cmudict", "--dict", long_word},
       "",
       1,
       "line 1 is longer than 201024 bytes",
       nullptr,
       10},
      // 8: exit codes and messages.
      {"--task bogus", train_args(tmp.file("x"), "bogus"), "", 2, "unknown task 'bogus'"},
      {"--stress with --tsv",
       {"train", "--out", tmp.file("x"), "--tsv", bom, "--stress"},
       "",
       2,
       "drop --stress (--stress=false is accepted)"},
      // Issue 25: separate files, the plain dictionary format.
      {"--stress=false with --tsv is accepted (a cmudict command line on a TSV)",
       {"train", "--out", tmp.file("sf"), "--tsv", bom, "--stress=false", "--hidden", "8",
        "--embed", "8", "--epochs", "1"},
       "",
       0,
       "training pairs",
       // Given, so it is in the command: line that repeats the run.
       [](const Run& r) { CHECK(r.out.find("--stress=false") != std::string::npos); }},
      {"train on three files (--tsv, --valid-tsv, --test-tsv) warns of shared sources",
       {"train", "--out", tmp.file("three"), "--tsv", bom, "--valid-tsv", cr, "--test-tsv", cr,
        "--hidden", "8", "--embed", "8", "--epochs", "1"},
       "",
       0,
       "warning: 40 of the 40 sources of --valid-tsv are in --tsv too",
       // Not split: all 40 pairs train, and each file is the whole of its split.
       [](const Run& r) {
         CHECK(r.out.find("40 training pairs, 40 valid, 40 test") != std::string::npos);
       }},
      {"--valid-tsv without --test-tsv",
       {"train", "--out", tmp.file("x"), "--tsv", bom, "--valid-tsv", bom},
       "",
       2,
       "--valid-tsv needs --test-tsv (and --tsv)"},
      {"--test-tsv without --valid-tsv in training",
       {"train", "--out", tmp.file("x"), "--tsv", bom, "--test-tsv", bom},
       "",
       2,
       "--test-tsv needs --valid-tsv in training"},
      {"--test-tsv without --tsv in training",
       {"train", "--out", tmp.file("x"), "--test-tsv", bom},
       "",
       2,
       "--test-tsv needs --tsv and --valid-tsv in training"},
      {"--valid-tsv with --task cmudict",
       {"train", "--out", tmp.file("x"), "--task", "cmudict", "--valid-tsv", bom},
       "",
       2,
       "--valid-tsv is for --tsv data, not --task cmudict"},
      {"--test-tsv that does not exist",
       {"eval", "--model", model, "--test-tsv", tmp.file("no_such.tsv")},
       "",
       2,
       "--test-tsv: File does not exist"},
      {"eval --test-tsv on an empty file",
       {"eval", "--model", model, "--test-tsv", empty},
       "",
       1,
       "--test-tsv '"},
      {"eval --test-tsv /dev/zero",
       {"eval", "--model", model, "--test-tsv", "/dev/zero"},
       "",
       1,
       "line 1 is longer than 5024 bytes",
       nullptr,
       10},
      {"train --valid-tsv with no usable pair",
       {"train", "--out", tmp.file("x"), "--tsv", bom, "--valid-tsv", notab, "--test-tsv", bom},
       "",
       1,
       "--valid-tsv '"},
      {"a plain dictionary entry without phones",
       {"train", "--out", tmp.file("x"), "--task", "cmudict", "--dict", bad_plain, "--dry-run"},
       "",
       1,
       "bad_plain.dict:3: the word \"CAT\" has no phones"},
      {"--seed -1", train_args(tmp.file("x"), "copy", {"--seed", "-1"}), "", 2,
       "--seed must be an integer from 0 to 18446744073709551615, got -1"},
      {"--seed 2^64", train_args(tmp.file("x"), "copy", {"--seed", "18446744073709551616"}), "", 2,
       "--seed must be an integer from 0 to 18446744073709551615"},
      {"--data-seed -1", train_args(tmp.file("x"), "copy", {"--data-seed", "-1"}), "", 2,
       "--data-seed must be an integer from 0 to"},
      {"--out with a 250-character name", train_args(long_name, "copy"), "", 1,
       "the folder name is 250 bytes, more than the limit of 221"},
      {"control bytes in a TSV are escaped in warnings",
       {"train", "--out", tmp.file("esc"), "--tsv", escapes, "--hidden", "8", "--embed", "8",
        "--epochs", "1"},
       "",
       0,
       "\\x1b]0;owned\\x07\\x1b[31mred line",
       [](const Run& r) { CHECK(r.err.find('\x1b') == std::string::npos); }},
      {"--dropout 0.9 --layers 1 warns", train_args(tmp.file("dr"), "copy", {"--dropout", "0.9"}),
       "", 0, "warning: --dropout 0.9 has no effect with --layers 1"},
      // Issue 25's training flags: refused before anything is written.
      {"--embed-dropout nan over a model",
       train_args(model, "copy", {"--embed-dropout", "nan", "--overwrite"}), "", 2,
       "--embed-dropout must be a number from 0 to 0.9, got nan", unchanged},
      {"--decoder-dropout 1 over a model",
       train_args(model, "copy", {"--decoder-dropout", "1", "--overwrite"}), "", 2,
       "--decoder-dropout must be a number from 0 to 0.9, got 1", unchanged},
      {"--decoder-layers 0", train_args(model, "copy", {"--decoder-layers", "0", "--overwrite"}),
       "", 2, "--decoder-layers must be a positive integer, got 0", unchanged},
      {"--label-smoothing 0.6", train_args(model, "copy", {"--label-smoothing", "0.6"}), "", 2,
       "--label-smoothing must be a number from 0 to 0.5, got 0.6", unchanged},
      {"--weight-decay -0.1", train_args(model, "copy", {"--weight-decay", "-0.1"}), "", 2,
       "--weight-decay must be a number from 0 to 10, got -0.1", unchanged},
      {"--weight-decay 5 --lr 0.5: lr x decay >= 1",
       train_args(model, "copy", {"--weight-decay", "5", "--lr", "0.5", "--overwrite"}), "", 2,
       "which must be less than 1", unchanged},
      {"--average-last 0", train_args(model, "copy", {"--average-last", "0"}), "", 2,
       "--average-last must be a positive integer, got 0", unchanged},
      {"--select-by best", train_args(model, "copy", {"--select-by", "best"}), "", 2,
       "--select-by: best not in {loss,exact}", unchanged},
      {"--task dates --max-len 5", train_args(tmp.file("x"), "dates", {"--max-len", "5"}), "", 2,
       "--max-len does not apply to --task dates"},
      {"--task dates --attention location trains",
       {"train", "--out", tmp.file("dates_loc"), "--task", "dates", "--attention", "location",
        "--hidden", "8", "--embed", "8", "--n-train", "100", "--n-test", "20", "--epochs", "1"},
       "",
       0,
       "training pairs",
       // The command: line repeats the run: no length flag, which dates refuse.
       [](const Run& r) { CHECK(r.out.find("--max-len") == std::string::npos); }},
      {"metadata says layers 1000000",
       {"info", "--model", many_layers},
       "",
       1,
       "layers 1000000 is too large: it must be between 1 and 1000"},
      {"a missing model folder names the cause",
       {"info", "--model", tmp.file("no_such_model")},
       "",
       1,
       "No such file or directory"},
      // Issue 25: --model several times (an ensemble). Checked before any decoding.
      {"ensemble: the models' source vocabularies differ",
       {"translate", "--model", model, "--model", other, "a b"},
       "",
       1,
       "their source vocabularies differ",
       [&](const Run& r) {
         CHECK(r.out.empty());
         CHECK(r.err.find("--model '" + model + "' and --model '" + other + "'") !=
               std::string::npos);
       }},
      {"ensemble: the same target tokens in another order",
       {"eval", "--model", model, "--model", swapped, "--task", "copy", "--n-test", "20",
        "--max-len", "6"},
       "",
       1,
       "their target vocabularies differ",
       [&](const Run& r) {
         CHECK(r.out.find("exact match") == std::string::npos);
         CHECK(r.err.find("token 4 is") != std::string::npos);
       }},
      {"ensemble: the second --model has a 1 GB src.vocab",
       {"translate", "--model", model, "--model", big_vocab, "a b"},
       "",
       1,
       "the file is 1.0 GB, more than the limit of 64.0 MB",
       nothing_out,
       10},
      {"ensemble: the second --model holds a NaN",
       {"eval", "--model", model, "--model", nan_model, "--task", "copy"},
       "",
       1,
       "holds 1 non-finite value(s)",
       nothing_out},
      {"ensemble with --html",
       {"translate", "--model", model, "--model", model, "--html", tmp.file("e.html"), "a b"},
       "",
       2,
       "--html shows one model's attention and beam search, and --model is given 2 times",
       [&](const Run& r) {
         CHECK(r.out.empty());
         CHECK_FALSE(fs::exists(tmp.file("e.html")));
       }},
      {"--model 17 times", seventeen, "", 2, "--model is given 17 times, more than the limit of 16",
       nothing_out},
      {"ensemble: a location model's length limit holds, line by line",
       {"translate", "--model", model, "--model", loc},
       "a b\n" + words(30) + "\nc d\n",
       1,
       "line 2: cannot translate: 30 tokens, more than this model's limit",
       [](const Run& r) { CHECK(count_lines(r.out) == 3); }},
  };

  std::string table = "| case | exit | seconds | output lines | message |\n|---|---|---|---|---|\n";
  for (const Row& r : rows) {
    INFO("row: ", r.what);
    const Run run = run_s2s(tmp, r.args, r.input, 5 * r.max_seconds + 30, r.env);
    INFO("stdout: ", run.out.substr(0, 2000));
    INFO("stderr: ", run.err.substr(0, 2000));
    if (r.code >= 0) CHECK(run.code == r.code);
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
