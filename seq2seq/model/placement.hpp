#pragma once
// The one list of context placements: where the attention context c_t enters
// the decoder (seq2seq/model/attention_decoder.hpp has the equations).
#include <string>

#include "nn/registry.hpp"

namespace s2s {

enum class Placement { input, output, both, input_feeding };

struct PlacementEntry {
  Placement kind;
  const char* name;  // on the CLI and in checkpoints
  const char* help;
};
const Registry<PlacementEntry>& placement_registry();

const char* to_string(Placement p);                      // "input", "output", ...
Placement placement_from_name(const std::string& name);  // unknown names throw

}  // namespace s2s
