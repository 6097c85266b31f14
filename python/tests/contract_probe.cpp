// contract_probe: the C++ side of the PyTorch contract test (python/tests/contract_test.py).
// It links the same library as s2s and answers what s2s does not print:
//
//   contract_probe registries                     every registry's names, one registry a line
//   contract_probe logits FOLDER PAIRS OUT        teacher-forced logits (B,T,V) of one batch
//   contract_probe step FOLDER PAIRS LR CLIP OUT  one Adam step (fresh optimizer) -> folder OUT
//   contract_probe decode FOLDER PAIRS BEAM       evaluate()'s outputs, one line per pair
//
// PAIRS is a file of "source<TAB>target" lines, every line used in order (no split),
// tokenised as s2s tokenises a TSV. Only the contract test builds and runs it.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <iostream>

#include "attention/score_registry.hpp"
#include "attention/variant.hpp"
#include "core/error.hpp"
#include "nn/adam.hpp"
#include "nn/clip_grad.hpp"
#include "nn/recurrent_cell.hpp"
#include "nn/safetensors.hpp"
#include "seq2seq/data/batch.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/data/tokenizer.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/placement.hpp"
#include "seq2seq/train/evaluate.hpp"

using namespace s2s;

namespace {

std::vector<Example> read_pairs(const std::string& path) {
  std::ifstream in(path);
  S2S_CHECK(in.good(), "cannot read '{}'", path);
  std::vector<Example> out;
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    S2S_CHECK(tab != std::string::npos, "'{}': a line without a tab", path);
    Example e;
    e.src = tokenize(line.substr(0, tab));
    e.tgt = tokenize(line.substr(tab + 1));
    out.push_back(std::move(e));
  }
  S2S_CHECK(!out.empty(), "'{}' has no pairs", path);
  return out;
}

Batch batch_of(const std::vector<Example>& ex, const LoadedModel& lm) {
  std::vector<const Example*> ptrs;
  for (const Example& e : ex) ptrs.push_back(&e);
  return make_batch(ptrs, lm.src_vocab, lm.tgt_vocab);
}

template <class Registry>
void print_names(const char* what, const Registry& r) {
  fmt::print("{}\t{}\n", what, fmt::join(r.names(), " "));
}

int run(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 1 && a[0] == "registries") {
    print_names("cell", cell_registry());
    print_names("score", score_registry());
    print_names("variant", variant_registry());
    print_names("placement", placement_registry());
    return 0;
  }
  if (a.size() == 4 && a[0] == "logits") {
    LoadedModel lm = load_model(a[1]);
    Batch b = batch_of(read_pairs(a[2]), lm);
    NoGradGuard no_grad;
    EncoderOutput enc = lm.model->encode(b);
    DecoderState s = lm.model->decoder->start(enc);
    std::vector<Var> logits;
    Ids y(static_cast<size_t>(b.B));
    for (int64_t t = 0; t < b.T; ++t) {
      for (int64_t i = 0; i < b.B; ++i) y[i] = b.tgt_in[i * b.T + t];
      logits.push_back(lm.model->decoder->step(y, s, enc).logits);
    }
    save_safetensors(a[3], {{"logits", stack(logits, 1).value()}});  // (B,T,V)
    return 0;
  }
  if (a.size() == 6 && a[0] == "step") {
    LoadedModel lm = load_model(a[1]);
    Batch b = batch_of(read_pairs(a[2]), lm);
    // With dropout the step runs in eval mode (the PyTorch side's masks come from another
    // generator); without, in training mode as s2s train does.
    const ModelConfig& mc = lm.model->config();
    if (mc.embed_dropout == 0 && mc.decoder_dropout == 0) lm.model->train();
    Adam adam(lm.model->parameters(), std::stof(a[3]));
    adam.zero_grad();
    ForwardOutput f = lm.model->forward(b);
    f.loss.backward();
    const real norm = clip_grad_norm(adam.params(), std::stof(a[4]));
    adam.step();
    lm.model->eval();
    save_model(a[5], *lm.model, lm.src_vocab, lm.tgt_vocab, lm.metadata);
    fmt::print("loss {:.9g} grad_norm {:.9g}\n", f.loss.item(), norm);
    return 0;
  }
  if (a.size() == 4 && a[0] == "decode") {
    LoadedModel lm = load_model(a[1]);
    EvalOptions eo;
    eo.beam_size = std::stoi(a[3]);
    EvalResult r = evaluate(*lm.model, read_pairs(a[2]), lm.src_vocab, lm.tgt_vocab, eo);
    for (const Hypothesis& h : r.outputs) fmt::print("{}\n", fmt::join(h.tokens, " "));
    return 0;
  }
  fmt::print(stderr,
             "usage: contract_probe registries | logits FOLDER PAIRS OUT | step FOLDER PAIRS LR "
             "CLIP OUT | decode FOLDER PAIRS BEAM\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
}
