// `s2s train` reports itself (issue 16): the command: line repeats the run
// exactly, log lines reach a file as they happen, and --seconds bounds the run.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_util.hpp"

using namespace s2s::clitest;

namespace {
const std::string kSample = std::string(S2S_TEST_DATA_DIR) + "/cmudict_sample.out";

std::string command_of(const std::string& out) {
  std::istringstream in(out);
  std::string line;
  std::getline(in, line);
  REQUIRE_MESSAGE(line.rfind("command: s2s train ", 0) == 0, "first line: " << line);
  return line.substr(std::string("command: s2s ").size());
}
// Splits the command on spaces (its values here have no quotes or spaces).
std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string t; in >> t;) w.push_back(t);
  return w;
}
}  // namespace

TEST_CASE("train: the command: line spells out every setting and repeats the run exactly") {
  TempDir tmp("command");
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--hidden", "24", "--unidirectional", "--lr", "0.01"},
        std::vector<std::string>{"--task", "cmudict", "--dict", kSample, "--stress", "--n-train",
                                 "40"},
        std::vector<std::string>{"--task", "cmudict", "--dict", kSample, "--lr-decay", "0.7"},
        std::vector<std::string>{"--task", "cmudict", "--dict", kSample, "--recipe", "best"}}) {
    std::vector<std::string> args = {"train", "--out", tmp.file("m"), "--dry-run"};
    args.insert(args.end(), extra.begin(), extra.end());
    Run first = run_s2s(tmp, args);
    REQUIRE_MESSAGE(first.code == 0, first.all());
    const std::string cmd = command_of(first.out);
    for (const char* flag : {"--cell", "--hidden", "--lr", "--lr-decay", "--batch", "--seconds",
                             "--seed", "--bidirectional=", "--engine"})
      CHECK_MESSAGE(cmd.find(flag) != std::string::npos, flag << " missing from " << cmd);
    CHECK(cmd.find("--dry-run") == std::string::npos);
    // Rerunning the line gives the same line, and the same model and data.
    std::vector<std::string> again = words(cmd);
    again.push_back("--dry-run");
    Run second = run_s2s(tmp, again);
    REQUIRE_MESSAGE(second.code == 0, second.all());
    CHECK(second.out == first.out);
  }
  // What was given shows: a setting changed on the command line changes the line.
  Run a = run_s2s(tmp, {"train", "--out", tmp.file("m"), "--dry-run", "--hidden", "24"});
  Run b = run_s2s(tmp, {"train", "--out", tmp.file("m"), "--dry-run", "--hidden", "25"});
  CHECK(command_of(a.out).find("--hidden 24") != std::string::npos);
  CHECK(command_of(b.out).find("--hidden 25") != std::string::npos);
  // --dry-run writes nothing.
  CHECK(tmp.listing().empty());
}

TEST_CASE("train: the model folder keeps the command line; s2s info prints it") {
  TempDir tmp("info");
  Run t = run_s2s(tmp, tiny_train(tmp.file("m"), "copy"));
  REQUIRE_MESSAGE(t.code == 0, t.all());
  Run info = run_s2s(tmp, {"info", "--model", tmp.file("m")});
  REQUIRE_MESSAGE(info.code == 0, info.all());
  CHECK(command_of(info.out) == command_of(t.out));
}

TEST_CASE("train: epoch lines reach a log file while the run goes on") {
  TempDir tmp("flush");
  const std::string out = tmp.file("log.out"), err = tmp.file("log.err");
  // Many short epochs and a long budget: the test stops it once it has read one.
  pid_t pid = spawn(with_flags(tiny_train(tmp.file("m"), "copy", 100000), {"--seconds", "60"}), "",
                    out, err);
  bool seen = false;
  const auto t0 = std::chrono::steady_clock::now();
  while (!seen && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    seen = read_bytes(out).find("epoch  2:") != std::string::npos;
  }
  int status = 0;
  const bool running = ::waitpid(pid, &status, WNOHANG) == 0;
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  CHECK_MESSAGE(seen, "no epoch line in the log file:\n" << read_bytes(out) << read_bytes(err));
  CHECK(running);  // the line came while training went on, not at exit
}

TEST_CASE("train: --seconds bounds the whole run, validation and test included") {
  TempDir tmp("budget");
  // A model big enough that one epoch takes longer than the budget; a test set
  // big enough that evaluating all of it would run past it.
  auto args = with_flags(tiny_train(tmp.file("m"), "copy", 50),
                         {"--seconds", "3", "--hidden", "64", "--n-train", "20000", "--n-test",
                          "3000", "--max-len", "20"});
  Run r = run_s2s(tmp, args, "", 60);
  REQUIRE_MESSAGE(r.code == 0, r.all());
  // Startup (data, vocabularies) is inside the budget too; allow 15% and a
  // little for process start and exit.
  CHECK_MESSAGE(r.seconds < 3 * 1.15 + (S2S_SLOW_BUILD ? 2.0 : 0.3), r.seconds << " s\n" << r.out);
}

TEST_CASE("train --task cmudict on the sample; translate reads a typed word letter by letter") {
  TempDir tmp("letters");
  Run t = run_s2s(tmp, {"train", "--task", "cmudict", "--dict", kSample, "--out", tmp.file("m"),
                        "--hidden", "16", "--embed", "8", "--epochs", "2", "--beam", "1"});
  REQUIRE_MESSAGE(t.code == 0, t.all());
  CHECK(t.out.find("WER ") != std::string::npos);  // phones are scored as WER and PER
  CHECK(t.out.find("PER ") != std::string::npos);
  // "Knight": one word, upper case lowered to the letters the model knows, no
  // warning about unknown tokens; one output line per input line.
  Run tr = run_s2s(tmp, {"translate", "--model", tmp.file("m")}, "Knight\nphoenix\n");
  REQUIRE_MESSAGE(tr.code == 0, tr.all());
  CHECK(count_lines(tr.out) == 2);
  CHECK(tr.err.find("covers only") == std::string::npos);
}

TEST_CASE(
    "train --out runs/m works when runs/ does not exist yet (relative path, as in the README)") {
  TempDir tmp("parents");
  auto args = tiny_train("runs/deeper/m", "copy");
  // Run from inside the temporary folder: the relative --out resolves there.
  const std::string cwd = std::filesystem::current_path().string();
  std::filesystem::current_path(tmp.dir);
  Run r = run_s2s(tmp, args);
  std::filesystem::current_path(cwd);
  REQUIRE_MESSAGE(r.code == 0, r.all());
  CHECK(std::filesystem::exists(tmp.dir / "runs/deeper/m/model.safetensors"));
}

TEST_CASE("train --validate-every N validates every N updates, not once an epoch") {
  TempDir tmp("every");
  // copy with 100 pairs, batch 16: 7 updates an epoch; 2 epochs = 14 updates.
  Run per_epoch = run_s2s(tmp, tiny_train(tmp.file("a"), "copy", 2));
  Run every =
      run_s2s(tmp, with_flags(tiny_train(tmp.file("b"), "copy", 2), {"--validate-every", "3"}));
  REQUIRE_MESSAGE(per_epoch.code == 0, per_epoch.all());
  REQUIRE_MESSAGE(every.code == 0, every.all());
  auto validations = [](const std::string& out) {
    int n = 0;
    for (size_t p = out.find("valid loss"); p != std::string::npos;
         p = out.find("valid loss", p + 1))
      ++n;
    return n;
  };
  CHECK(validations(per_epoch.out) == 2);
  CHECK(validations(every.out) == 5);  // after updates 3, 6, 9, 12 and at the end (14)
  CHECK(every.out.find(" 12 steps") != std::string::npos);
  CHECK(every.out.find(" 14 steps") != std::string::npos);
}

TEST_CASE("eval --test-tsv: several references a line, WER and PER against hand-computed values") {
  TempDir tmp("refs");
  // Trained enough (about 1 s of CPU) that its outputs end before the length caps.
  Run t = run_s2s(
      tmp, {"train", "--task", "cmudict", "--dict", kSample, "--out", tmp.file("m"), "--hidden",
            "32", "--embed", "16", "--epochs", "40", "--lr", "0.01", "--beam", "1"});
  REQUIRE_MESSAGE(t.code == 0, t.all());
  // The model's own outputs o; the references are built around them, so that each
  // distance is known: d(o, o) = 0, d(o, ax o) = 1, d(o, ax ax o) = 2.
  const std::vector<std::string> letters = {"c a t", "d o g", "b o x", "k n i g h t"};
  Run tr = run_s2s(tmp, {"translate", "--model", tmp.file("m")}, "cat\ndog\nbox\nknight\n");
  REQUIRE_MESSAGE(tr.code == 0, tr.all());
  std::istringstream in(tr.out);
  std::vector<std::string> o;
  std::vector<double> len;
  for (std::string line; std::getline(in, line);) {
    // Outputs that ended (<eos> before translate's length cap), so that eval decodes the same.
    REQUIRE_MESSAGE(!line.empty(), "an empty output: " << tr.out);
    REQUIRE_MESSAGE(words(line).size() < 16, "an output that did not end: " << tr.out);
    o.push_back(line);
    len.push_back(static_cast<double>(words(line).size()));
  }
  REQUIRE(o.size() == 4);
  // cat: right by its second reference; dog: right; box: wrong, the closest is its
  // second (1 edit), the first 2 edits away; knight: wrong by 1 edit, one reference.
  const std::string file = tmp.file("refs.tsv");
  std::ofstream(file) << letters[0] << "\tax " << o[0] << "\n"
                      << letters[1] << "\t" << o[1] << "\n"
                      << letters[0] << "\t" << o[0] << "\n"
                      << letters[2] << "\tax ax " << o[2] << "\n"
                      << letters[3] << "\tax " << o[3] << "\n"
                      << letters[2] << "\tax " << o[2] << "\n";
  Run ev = run_s2s(tmp, {"eval", "--model", tmp.file("m"), "--test-tsv", file});
  REQUIRE_MESSAGE(ev.code == 0, ev.all());
  const double per = 2 / (len[0] + len[1] + len[2] + 1 + len[3] + 1);
  const double per_first = (1 + 0 + 2 + 1) / (len[0] + 1 + len[1] + len[2] + 2 + len[3] + 1);
  const std::string any = fmt::format("WER 50.0%  PER {:.1f}%  exact match 50.0%", 100 * per);
  const std::string first = fmt::format(
      "first reference only: WER 75.0%  PER {:.1f}%  exact match 25.0%  (2 of 4 "
      "words have several references",
      100 * per_first);
  CHECK_MESSAGE(ev.out.rfind(any, 0) == 0, ev.out << "\nexpected: " << any);
  CHECK_MESSAGE(ev.out.find(first) != std::string::npos, ev.out << "\nexpected: " << first);
  // By length: the word-length buckets, 3 words of 1-5 letters and 1 of 6-8.
  CHECK(ev.out.find("     1-5      3 ") != std::string::npos);
  CHECK(ev.out.find("     6-8      1 ") != std::string::npos);
}

TEST_CASE("a --task cmudict command: line runs on --tsv data by swapping the data flags") {
  TempDir tmp("swap");
  Run a = run_s2s(
      tmp, {"train", "--task", "cmudict", "--dict", kSample, "--out", tmp.file("m"), "--dry-run"});
  REQUIRE_MESSAGE(a.code == 0, a.all());
  std::vector<std::string> args = words(command_of(a.out));
  // The dictionary as a TSV of letters and phones.
  std::ifstream in(kSample);
  std::ofstream tsv(tmp.file("g2p.tsv"));
  int n = 0;
  for (std::string line; std::getline(in, line) && n < 60;) {
    const size_t q = line.find('"', 2);
    if (line.rfind("(\"", 0) != 0 || q == std::string::npos) continue;
    std::string letters;
    for (size_t i = 2; i < q; ++i) letters += std::string(letters.empty() ? "" : " ") + line[i];
    tsv << letters << "\tx y\n";
    ++n;
  }
  tsv.close();
  std::vector<std::string> swapped;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--task" || args[i] == "--dict") {
      ++i;
      continue;
    }
    swapped.push_back(args[i]);
  }
  swapped.insert(swapped.end(), {"--tsv", tmp.file("g2p.tsv"), "--dry-run"});
  CHECK(std::find(swapped.begin(), swapped.end(), "--stress=false") != swapped.end());
  Run b = run_s2s(tmp, swapped);
  CHECK_MESSAGE(b.code == 0, b.all());
}

TEST_CASE("train --recipe best: its own settings on the line, flags beside it win, words only") {
  TempDir tmp("recipe");
  auto line = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"train", "--out", tmp.file("m"), "--dry-run"};
    args.insert(args.end(), extra.begin(), extra.end());
    Run r = run_s2s(tmp, args);
    REQUIRE_MESSAGE(r.code == 0, r.all());
    return command_of(r.out);
  };
  const std::string plain = line({"--task", "cmudict", "--dict", kSample});
  const std::string best = line({"--task", "cmudict", "--dict", kSample, "--recipe", "best"});
  CHECK(plain.find("--recipe default") != std::string::npos);
  CHECK(best.find("--recipe best") != std::string::npos);
  // It changes settings, not the data: the lines differ after the data flags.
  CHECK(best.substr(best.find("--cell")) != plain.substr(plain.find("--cell")));
  // A flag given beside the recipe wins over it.
  const std::string mine =
      line({"--task", "cmudict", "--dict", kSample, "--recipe", "best", "--max-steps", "77"});
  CHECK(mine.find("--max-steps 77") != std::string::npos);
  // On --tsv data it sets the same settings as on --task cmudict.
  {
    std::ofstream tsv(tmp.file("g2p.tsv"));
    for (int i = 0; i < 30; ++i) tsv << "w o r d " << char('a' + i % 26) << i / 26 << "\tw er d\n";
  }
  const std::string on_tsv = line({"--tsv", tmp.file("g2p.tsv"), "--recipe", "best"});
  CHECK(on_tsv.substr(on_tsv.find("--cell")) == best.substr(best.find("--cell")));
  // A generated task has no pronunciations: refused before anything is written.
  Run bad = run_s2s(tmp, {"train", "--out", tmp.file("x"), "--task", "copy", "--recipe", "best"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--recipe best is the recipe for pronunciations") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp.file("x")));
}
