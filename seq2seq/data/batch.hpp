#pragma once
// Turning examples into padded id matrices for a batch of B sentence pairs.
//
//   src      (B,S)  source ids, padded with <pad>; S = longest source in the batch
//   tgt_in   (B,T)  <sos> y1 .. yn   the decoder's inputs (teacher forcing)
//   tgt_out  (B,T)  y1 .. yn <eos>   what the decoder must predict at each step
//   masks    1 = real token, 0 = padding; T = longest target + 1
//
// tgt_in is tgt_out shifted right by one: at step t the decoder sees y_{t-1}
// and is trained to output y_t.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "seq2seq/data/example.hpp"
#include "seq2seq/data/vocab.hpp"

namespace s2s {

struct Batch {
  int64_t B = 0, S = 0, T = 0;
  std::vector<int64_t> src;      // (B,S) row-major, padded with kPad
  std::vector<int64_t> src_len;  // (B) real source tokens per row
  Tensor src_mask;               // (B,S) 1 = real token, 0 = pad
  std::vector<int64_t> tgt_in;   // (B,T) <sos> y1..yn, padded with kPad
  std::vector<int64_t> tgt_out;  // (B,T) y1..yn <eos>, padded with kPad
  std::vector<int64_t> tgt_len;  // (B) n+1 (the <eos> counts)
  Tensor tgt_mask;               // (B,T) 1 where tgt_out is real (incl. <eos>)
  std::vector<size_t> index;     // (B) which examples (dataset indices when made by a Batcher,
                                 //     else positions in the list given to make_batch)
};

// reverse_source: feed the source backwards (Sutskever et al. 2014): the first
// source words end up close to the first target words, which helps models
// without attention. Padding stays at the end. Throws on an empty list or an
// empty source.
Batch make_batch(const std::vector<const Example*>& examples, const Vocab& src_vocab,
                 const Vocab& tgt_vocab, bool reverse_source = false);

struct BatcherOptions {
  bool shuffle = true;          // new random order every epoch
  bool bucket = true;           // sort by source length within chunks (less padding)
  int64_t chunk_batches = 20;   // a chunk is chunk_batches * batch_size examples
  bool reverse_source = false;  // passed on to make_batch
};

// Groups a dataset into batches of (at most) batch_size. With bucketing, each
// epoch: shuffle all indices, cut them into chunks, sort each chunk by source
// length, cut chunks into batches, shuffle the batch order. Sentences of a
// batch then have similar lengths, yet batches still vary from epoch to epoch.
// The Batcher keeps pointers to `data` and the vocabularies: they must outlive it.
class Batcher {
 public:
  Batcher(const std::vector<Example>& data, const Vocab& src_vocab, const Vocab& tgt_vocab,
          int64_t batch_size, uint64_t seed, BatcherOptions opt = {});

  // Example indices of every batch of the next epoch (advances the Rng).
  std::vector<std::vector<size_t>> epoch_plan();
  // All batches of the next epoch.
  std::vector<Batch> epoch();
  // The batch of the given dataset indices (Batch::index = these indices).
  Batch make(const std::vector<size_t>& indices) const;
  int64_t num_batches() const;
  int64_t size() const { return static_cast<int64_t>(data_->size()); }

 private:
  const std::vector<Example>* data_;
  const Vocab* src_vocab_;
  const Vocab* tgt_vocab_;
  int64_t batch_size_;
  Rng rng_;
  BatcherOptions opt_;
};

}  // namespace s2s
