#pragma once
// The one list of score functions. The CLI's --attention choices and help,
// 07_score_functions' table, the gradient checks and make_score all read it.
//
// Adding a score function (see attention/README.md): its .hpp, its .cpp, and one
// line — a row in the table in score_registry.cpp (with the header's #include),
// or, from a file outside this library, a static ScoreRegistrar.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "attention/score.hpp"
#include "nn/registry.hpp"

namespace s2s {

// The sizes a score function may use; each ignores the ones it does not need.
struct ScoreSizes {
  int64_t Hq = 0, Hk = 0;   // query (B,Hq), keys (B,S,Hk)
  int64_t A = 0;            // attention (hidden) size of additive / location_aware
  int64_t max_src_len = 0;  // bound on S for location
};

struct ScoreEntry {
  std::string name;  // on the CLI and in checkpoints
  std::string help;  // the formula, one line
  std::function<std::unique_ptr<ScoreFunction>(const ScoreSizes&, Rng&)> make;
  bool needs_equal_sizes = false;  // Hq must equal Hk (dot, scaled_dot)
};

// Parameters are enumerated by name through Module::named_parameters().
Registry<ScoreEntry>& score_registry();

// Registers a score function when the program starts:
//   static const ScoreRegistrar reg{{"my_score", "e_i = ...", make_my_score}};
struct ScoreRegistrar {
  explicit ScoreRegistrar(ScoreEntry e) { score_registry().add(std::move(e)); }
};

// The registered names, in registry order.
std::vector<std::string> score_names();

// Builds a score function by name. A is the attention (hidden) size of
// additive/location_aware; max_src_len bounds S for "location". Sizes a function
// does not use are ignored. Unknown names throw, listing the known ones.
std::unique_ptr<ScoreFunction> make_score(const std::string& name, int64_t Hq, int64_t Hk,
                                          int64_t A, int64_t max_src_len, Rng& rng);

}  // namespace s2s
