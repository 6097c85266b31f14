#pragma once
// A model folder is one transaction, with one writer and readers that never write.
//
//   DIR/model.safetensors   the parameters, with the ModelConfig in its metadata
//   DIR/src.vocab           the source vocabulary
//   DIR/tgt.vocab           the target vocabulary
//   DIR/.s2s-save           the marker of the save that made the folder (below)
//
// One writer: `s2s train --out DIR` holds an exclusive flock on "DIR.lock" (beside
// DIR) for its whole run, taken before it checks anything; a second writer is
// refused at once, naming the first one's PID. The kernel releases the lock when
// its process dies (kill -9 included); the lock file is removed by the holder on
// a normal exit (a stale one is harmless and reused).
//
// save_model_folder never writes the model files into DIR. It writes them into a
// fresh sibling "DIR.tmp-PID-TOKEN" (TOKEN: 64 random bits), whose first file is
// the marker ".s2s-save" holding that PID and TOKEN, fsyncs, and swaps it in with
// one renameat2(RENAME_EXCHANGE) (before that, DIR's own marker is replaced by one
// with the same PID and TOKEN, so the old set, now named DIR.tmp-PID-TOKEN, can be
// proven ours too, and is removed). Where the file system cannot exchange, the
// fallback is DIR -> "DIR.old-PID-TOKEN", then "DIR.tmp-PID-TOKEN" -> DIR.
//
// Leftovers of killed writers are removed by the next writer, under the lock,
// and only when proven ours: a real folder named DIR.tmp-PID-TOKEN or
// DIR.old-PID-TOKEN whose marker holds exactly that PID and TOKEN, whose PID is
// not running, and which holds nothing but model files, the marker and their
// temporaries (each is unlinked by name, then the folder is removed with rmdir,
// which fails on anything else). A complete DIR.old-PID-TOKEN with no DIR (a kill
// between the fallback's two renames) is renamed back by the next writer.
// Readers (translate, eval, info, the tutorials) never change anything on disk.
//
// A reader sees exactly one model: load_model opens DIR once and opens each file
// relative to that descriptor (openat), each file once. Files in one folder come
// from one save (a save never writes model files into DIR), and when DIR is
// swapped while a reader opens its files, the reader starts again (bounded); when
// DIR is missing while a live writer is between the fallback's two renames, the
// reader waits for it (at most 1 s).
#include <memory>
#include <string>
#include <vector>

#include "nn/safetensors.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

// The file names of a model folder (the marker is not among them: a folder
// without one, from an older s2s or copied by hand, loads the same).
inline const std::vector<std::string>& model_folder_files() {
  static const std::vector<std::string> names = {"model.safetensors", "src.vocab", "tgt.vocab"};
  return names;
}
inline constexpr const char* kSaveMarker = ".s2s-save";
// The longest --out folder name: the sibling DIR.tmp-PID-TOKEN must fit in NAME_MAX (255).
inline constexpr int kMaxFolderNameBytes = 255 - 34;

// True when DIR holds any file of a model (even an incomplete one).
bool folder_holds_model(const std::string& dir);

// The writer's exclusive lock on DIR ("DIR.lock" beside it), held while the object
// lives. Throws s2s::Error at once when another process holds it, naming its PID.
class WriterLock {
 public:
  explicit WriterLock(const std::string& dir);
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_, key_;
  int fd_ = -1;
};

// The checks `s2s train --out DIR` makes before it writes anything: DIR's name
// fits (kMaxFolderNameBytes), DIR is a folder or does not exist yet, is not a
// mount point, holds nothing but a model (the whole folder is replaced), its
// nearest existing parent is writable and not on a read-only file system, and a
// model in it is only replaced with `overwrite`. Throws s2s::Error saying what to
// do otherwise.
void check_output_folder(const std::string& dir, bool overwrite);

// Writes model, vocabularies and config as one transaction (see above). Takes
// the writer's lock unless this process already holds it. Throws s2s::Error on
// failure, saying that DIR is unchanged.
void save_model_folder(const std::string& dir, const Seq2Seq& model, const Vocab& src_vocab,
                       const Vocab& tgt_vocab, const Metadata& extra = {});

// The writer's cleanup (see above); the caller holds the WriterLock. Never throws.
// Returns the names it removed or restored, for tests.
std::vector<std::string> clean_leftovers(const std::string& dir);

// A model folder opened once: a descriptor per file, all from one save.
struct OpenedFolder {
  int model = -1, src_vocab = -1, tgt_vocab = -1;
  OpenedFolder() = default;
  OpenedFolder(const OpenedFolder&) = delete;
  OpenedFolder& operator=(const OpenedFolder&) = delete;
  ~OpenedFolder();
};
// Opens DIR's three files (see above). Throws s2s::Error naming a missing or
// non-regular file, with the cause (strerror), and pointing at an interrupted
// save's DIR.old-* when DIR is missing. Changes nothing on disk.
void open_model_folder(const std::string& dir, OpenedFolder& out);

}  // namespace s2s
