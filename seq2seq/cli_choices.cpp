#include "seq2seq/cli_choices.hpp"

#include "attention/score_registry.hpp"
#include "attention/variant.hpp"
#include "nn/recurrent_cell.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/model/placement.hpp"

namespace s2s {

namespace {
template <class Entry>
FlagChoices choices(const std::string& what, const Registry<Entry>& r) {
  std::string help = what + ":\n" + r.help();
  help.pop_back();  // the last line's '\n'
  return {r.names(), help};
}
}  // namespace

FlagChoices cell_choices() { return choices("recurrent cell", cell_registry()); }

FlagChoices attention_choices() {
  FlagChoices c = choices("score function", score_registry());
  c.names.push_back("none");
  c.help += "\n  none: no attention (the bottleneck model)";
  return c;
}

FlagChoices variant_choices() { return choices("attention variant", variant_registry()); }

FlagChoices placement_choices() {
  return choices("where the context enters", placement_registry());
}

FlagChoices task_choices() { return choices("generated task", task_registry()); }

}  // namespace s2s
