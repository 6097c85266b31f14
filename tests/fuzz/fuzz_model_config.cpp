// libFuzzer target: rebuilding a model from checkpoint metadata. The s2s CLI's
// flag parsing lives inside main() and cannot be called from here, so we fuzz
// what `s2s translate/eval --model DIR` parses from a (possibly hostile) file:
// config_from_metadata (and the registries' name lookups through it), then the model
// constructor and one forward pass when the sizes are small. Large sizes (up to
// 2^63) go through the size estimate load_model checks before allocating
// (check_budget): it must answer with an s2s::Error or an estimate, never
// overflow or allocate; models whose estimate is moderate are built too.
//
// Input format: lines "key=value" (seeded with config_to_metadata of real models).
#include <cmath>

#include "core/error.hpp"
#include "fuzz_util.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/model_budget.hpp"

using namespace s2s;

namespace {

Metadata parse_lines(const std::string& text) {
  Metadata m;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    const size_t eq = line.find('=');
    if (eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
    pos = end + 1;
  }
  return m;
}

bool small(int64_t x, int64_t hi) { return x >= -2 && x <= hi; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Metadata meta = parse_lines(std::string(reinterpret_cast<const char*>(data), size));
  ModelConfig c;
  try {
    c = config_from_metadata(meta);
  } catch (const Error&) {
    return 0;
  }
  // The same config must survive a save/parse round trip.
  const ModelConfig again = config_from_metadata(config_to_metadata(c));
  S2S_FUZZ_ASSERT(config_to_metadata(again) == config_to_metadata(c));
  // Any sizes: the estimate is finite and positive, and the check either passes
  // or says why not.
  const ModelBudget est = estimate_budget(c, 8, 8, 2);
  S2S_FUZZ_ASSERT(std::isfinite(est.parameters) && est.parameters >= 0);
  S2S_FUZZ_ASSERT(std::isfinite(est.train_bytes) && std::isfinite(est.decode_bytes));
  bool fits = true;
  try {
    check_budget(c, false, "fuzz", 1, 8, 2);
  } catch (const Error&) {
    fits = false;
  }
  // Moderate models that pass are built (not run): construction must not crash.
  if (fits && est.parameters <= 2e5 && c.attn.max_src_len <= 4096 && c.attn.window <= 4096 &&
      !small(c.hidden, 6)) {
    try {
      Seq2Seq model(c);
      S2S_FUZZ_ASSERT(model.num_parameters() > 0);
    } catch (const Error&) {
    }
    return 0;
  }
  // Build and run only models small enough for a fuzzing loop (negative and zero
  // sizes included: they must be rejected with an s2s::Error, not crash).
  if (!(small(c.src_vocab, 12) && small(c.tgt_vocab, 12) && small(c.embed, 6) &&
        small(c.hidden, 6) && small(c.layers, 2) && small(c.attn.window, 4) &&
        small(c.attn.attention_size, 6) && small(c.attn.max_src_len, 8)))
    return 0;
  try {
    Seq2Seq model(c);
    Example ex{{"a", "b", "c"}, {"x", "y"}, {}};
    Vocab sv, tv;
    for (const auto& w : ex.src) sv.add(w);
    for (const auto& w : ex.tgt) tv.add(w);
    Batch b = make_batch({&ex, &ex}, sv, tv);
    ForwardOutput f = model.forward(b);
    S2S_FUZZ_ASSERT(f.loss.value().numel() == 1);
  } catch (const Error&) {
  }
  return 0;
}
