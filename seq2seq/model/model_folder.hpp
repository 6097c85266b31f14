#pragma once
// A model folder is one transaction.
//
//   DIR/model.safetensors   the parameters, with the ModelConfig in its metadata
//   DIR/src.vocab           the source vocabulary
//   DIR/tgt.vocab           the target vocabulary
//
// save_model_folder never writes into DIR. It writes the three files into a
// fresh sibling folder "DIR.tmp-PID", fsyncs each file and that folder, and
// then swaps it in with a single rename: renameat2(RENAME_EXCHANGE) when DIR
// exists (the old set then sits under the temporary name and is deleted), a
// plain rename when it does not. A reader therefore sees the old set or the new
// set, never a mix: under kill -9 at any moment, on a full disk, or on any
// error (the temporary folder is removed, DIR is untouched).
//
// Where the file system cannot exchange two folders, the fallback is
// DIR -> "DIR.old-PID", then "DIR.tmp-PID" -> DIR. A kill between the two
// leaves no DIR; the next load or save renames "DIR.old-PID" back.
//
// Leftovers of killed processes ("DIR.tmp-PID", "DIR.old-PID" beside DIR and
// "*.tmp.PID" files inside it, PID no longer running) are ignored by readers
// and removed by the next save.
#include <string>
#include <vector>

#include "nn/safetensors.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

// The file names of a model folder.
inline const std::vector<std::string>& model_folder_files() {
  static const std::vector<std::string> names = {"model.safetensors", "src.vocab", "tgt.vocab"};
  return names;
}

// True when DIR holds any file of a model (even an incomplete one).
bool folder_holds_model(const std::string& dir);

// The checks `s2s train --out DIR` makes before it writes anything: DIR is a
// folder or does not exist yet, holds nothing but a model (the whole folder is
// replaced), its nearest existing parent is writable, and a model in it is only
// replaced with `overwrite`. Throws s2s::Error saying what to do otherwise.
void check_output_folder(const std::string& dir, bool overwrite);

// Writes model, vocabularies and config as one transaction (see above).
// Throws s2s::Error on failure, saying that DIR is unchanged.
void save_model_folder(const std::string& dir, const Seq2Seq& model, const Vocab& src_vocab,
                       const Vocab& tgt_vocab, const Metadata& extra = {});

// Removes leftovers of dead processes beside and inside DIR, and, when DIR is
// missing but a complete "DIR.old-PID" of a dead process exists (a kill between
// the fallback's two renames), renames it back. Never throws.
void recover_model_folder(const std::string& dir);

}  // namespace s2s
