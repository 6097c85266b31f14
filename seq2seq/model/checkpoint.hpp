#pragma once
// A trained model on disk: one folder with
//   model.safetensors  parameters, with the ModelConfig in the file's metadata
//   src.vocab, tgt.vocab  one token per line
// so `s2s translate --model DIR` can rebuild exactly the model that was saved.
#include <memory>
#include <string>

#include "nn/safetensors.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

Metadata config_to_metadata(const ModelConfig& c);
// Throws naming the missing or malformed key.
ModelConfig config_from_metadata(const Metadata& m);

struct LoadedModel {
  std::unique_ptr<Seq2Seq> model;
  Vocab src_vocab, tgt_vocab;
  Metadata metadata;  // the checkpoint's: config, best epoch, valid loss, training command
};

// Writes the folder as one transaction (seq2seq/model/model_folder.hpp): a
// reader sees the old model or the new one, never a mix.
void save_model(const std::string& dir, const Seq2Seq& model, const Vocab& src_vocab,
                const Vocab& tgt_vocab, Metadata extra = {});
// Opens the folder once and reads each file once, relative to it, so the files
// come from one save; changes nothing on disk. Refuses (s2s::Error) a missing or
// non-regular file (with the cause), files beyond their limits (checked before
// reading: seq2seq/data/read_limits.hpp, nn/safetensors.hpp), vocabularies that
// do not match the model, sizes too large for this machine (checked before the
// weights are read or allocated) and NaN or Inf weights (naming the tensor).
LoadedModel load_model(const std::string& dir);

}  // namespace s2s
