// `s2s eval` and `s2s translate` with --model several times (issue 25): two
// copies of one folder answer exactly as the folder alone, greedy and beam; an
// ensemble of different models says whose attention its heatmap shows and names
// every model in eval's report. Refusals are rows of cli_bad_input_test.cpp.
#include <doctest/doctest.h>

#include "cli_util.hpp"

using namespace s2s;
using namespace s2s::clitest;

namespace {

// The text without the lines that start with `prefix`.
std::string without_lines(const std::string& text, const std::string& prefix) {
  std::string out, line;
  for (char c : text) {
    line.push_back(c);
    if (c != '\n') continue;
    if (line.rfind(prefix, 0) != 0) out += line;
    line.clear();
  }
  return out + line;
}

}  // namespace

TEST_CASE("ensemble: --model A --model A translates and evaluates exactly as --model A") {
  TempDir tmp("cli_ensemble");
  const std::string a = tmp.file("a"), b = tmp.file("b");
  // Trained a little longer than tiny_train, so that the outputs vary.
  REQUIRE(run_s2s(tmp, with_flags(tiny_train(a, "copy", 6), {"--hidden", "16", "--n-train", "300"}))
              .code == 0);
  REQUIRE(run_s2s(tmp, with_flags(tiny_train(b, "copy", 6),
                                  {"--cell", "lstm", "--attention", "additive", "--reverse-source",
                                   "--hidden", "16", "--n-train", "300", "--seed", "2"}))
              .code == 0);
  const std::string c = tmp.file("c");  // a bottleneck: no attention
  REQUIRE(
      run_s2s(tmp, with_flags(tiny_train(c, "copy"), {"--attention", "none", "--n-train", "300"}))
          .code == 0);
  const std::string lines = "a b c\nd e f g\nb b a\n\nc\n";
  // eval with these --model folders (with_flags would replace a repeated flag's value).
  auto eval = [](std::vector<std::string> models, const std::string& beam) {
    std::vector<std::string> args = {"eval",      "--task", "copy",   "--n-test", "30",
                                     "--max-len", "6",      "--beam", beam};
    for (const std::string& m : models) args.insert(args.end(), {"--model", m});
    return args;
  };
  for (const std::string beam : {"1", "3"}) {
    INFO("--beam " << beam);
    const Run one = run_s2s(tmp, {"translate", "--model", a, "--beam", beam, "--heatmap"}, lines);
    const Run two =
        run_s2s(tmp, {"translate", "--model", a, "--model", a, "--beam", beam, "--heatmap"}, lines);
    REQUIRE(one.code == 0);
    REQUIRE(two.code == 0);
    CHECK(one.out.find("(attention of") == std::string::npos);
    CHECK(two.out.find("(attention of model 1 of 2, '" + a + "', along the ensemble's output)") !=
          std::string::npos);
    CHECK(without_lines(two.out, "(attention of") == one.out);

    const Run e1 = run_s2s(tmp, eval({a}, beam));
    const Run e2 = run_s2s(tmp, eval({a, a}, beam));
    REQUIRE(e1.code == 0);
    REQUIRE(e2.code == 0);
    CHECK(e1.out.find("ensemble") == std::string::npos);
    CHECK(e2.out.rfind(
              "ensemble of 2 models (their log-probabilities averaged at each step):\n  1. " + a +
                  ": ",
              0) == 0);
    CHECK(e2.out.substr(e2.out.find("exact match")) == e1.out.substr(e1.out.find("exact match")));

    // Different models: one output line per input line; the heatmap is the first
    // attention model's (model 2 when model 1 is a bottleneck).
    const Run mixed =
        run_s2s(tmp, {"translate", "--model", a, "--model", b, "--beam", beam}, lines);
    CHECK(mixed.code == 0);
    CHECK(count_lines(mixed.out) == 5);
    const Run heat = run_s2s(
        tmp, {"translate", "--model", c, "--model", b, "--beam", beam, "--heatmap", "a b c"});
    CHECK(heat.code == 0);
    CHECK(heat.out.find("(attention of model 2 of 2, '" + b + "', along the ensemble's output)") !=
          std::string::npos);
    const Run em = run_s2s(tmp, eval({b, a}, beam));
    CHECK(em.code == 0);
    CHECK(em.out.find("  1. " + b + ": bi-lstm") != std::string::npos);
    CHECK(em.out.find("  2. " + a + ": bi-gru") != std::string::npos);
    CHECK(em.out.find("perplexity") != std::string::npos);
  }
}
