#include "seq2seq/model/placement.hpp"

namespace s2s {

const Registry<PlacementEntry>& placement_registry() {
  static const Registry<PlacementEntry> r(
      "context placement",
      {{Placement::input, "input", "(Bahdanau) c_t from d_{t-1} joins the RNN input"},
       {Placement::output, "output", "(Luong) the RNN runs first, c_t from d_t joins the output"},
       {Placement::both, "both", "input as Bahdanau and a second attention at the output"},
       {Placement::input_feeding, "input_feeding",
        "(Luong) output, and h̃_{t-1} joins the next input"}});
  return r;
}

const char* to_string(Placement p) { return placement_registry().at(p).name; }

Placement placement_from_name(const std::string& name) {
  return placement_registry().find(name).kind;
}

}  // namespace s2s
