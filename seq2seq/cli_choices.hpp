#pragma once
// The choices of the s2s CLI's flags, read from the registries (one list per
// concept): the names a flag accepts and its --help text, one line per choice.
// A new cell, score function, variant, placement or task appears here by itself.
#include <string>
#include <vector>

namespace s2s {

struct FlagChoices {
  std::vector<std::string> names;  // what the flag accepts
  std::string help;                // the flag's description, then "name: help" per choice
};

FlagChoices cell_choices();       // --cell
FlagChoices attention_choices();  // --attention: the score functions, and "none"
FlagChoices variant_choices();    // --variant
FlagChoices placement_choices();  // --placement
FlagChoices task_choices();       // --task

}  // namespace s2s
