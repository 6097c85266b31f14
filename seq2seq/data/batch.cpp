#include "seq2seq/data/batch.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"

namespace s2s {

Batch make_batch(const std::vector<const Example*>& examples, const Vocab& src_vocab,
                 const Vocab& tgt_vocab, bool reverse_source) {
  S2S_CHECK(!examples.empty(), "make_batch: need at least one example, got an empty list");
  Batch b;
  b.B = static_cast<int64_t>(examples.size());
  for (size_t i = 0; i < examples.size(); ++i) {
    S2S_CHECK(examples[i] != nullptr, "make_batch: example {} is a null pointer", i);
    S2S_CHECK(!examples[i]->src.empty(), "make_batch: example {} has an empty source", i);
    b.src_len.push_back(static_cast<int64_t>(examples[i]->src.size()));
    b.tgt_len.push_back(static_cast<int64_t>(examples[i]->tgt.size()) + 1);  // + <eos>
    b.index.push_back(i);
  }
  b.S = *std::max_element(b.src_len.begin(), b.src_len.end());
  b.T = *std::max_element(b.tgt_len.begin(), b.tgt_len.end());
  b.src.assign(static_cast<size_t>(b.B * b.S), kPad);
  b.tgt_in.assign(static_cast<size_t>(b.B * b.T), kPad);
  b.tgt_out.assign(static_cast<size_t>(b.B * b.T), kPad);
  b.src_mask = Tensor::zeros({b.B, b.S});
  b.tgt_mask = Tensor::zeros({b.B, b.T});

  for (int64_t r = 0; r < b.B; ++r) {
    const Example& ex = *examples[static_cast<size_t>(r)];
    std::vector<int64_t> s = src_vocab.encode(ex.src);
    if (reverse_source) std::reverse(s.begin(), s.end());
    for (size_t k = 0; k < s.size(); ++k) {
      int64_t at = r * b.S + static_cast<int64_t>(k);
      b.src[static_cast<size_t>(at)] = s[k];
      b.src_mask[at] = 1;
    }
    std::vector<int64_t> y = tgt_vocab.encode(ex.tgt);
    y.push_back(kEos);
    for (size_t k = 0; k < y.size(); ++k) {
      int64_t at = r * b.T + static_cast<int64_t>(k);
      b.tgt_in[static_cast<size_t>(at)] = k == 0 ? kSos : y[k - 1];  // shifted right
      b.tgt_out[static_cast<size_t>(at)] = y[k];
      b.tgt_mask[at] = 1;
    }
  }
  return b;
}

Batcher::Batcher(const std::vector<Example>& data, const Vocab& src_vocab, const Vocab& tgt_vocab,
                 int64_t batch_size, uint64_t seed, BatcherOptions opt)
    : data_(&data),
      src_vocab_(&src_vocab),
      tgt_vocab_(&tgt_vocab),
      batch_size_(batch_size),
      rng_(seed),
      opt_(opt) {
  S2S_CHECK(batch_size >= 1, "Batcher: batch_size must be >= 1, got {}", batch_size);
  S2S_CHECK(opt.chunk_batches >= 1, "Batcher: chunk_batches must be >= 1, got {}",
            opt.chunk_batches);
  S2S_CHECK(!data.empty(), "Batcher: the dataset is empty");
}

int64_t Batcher::num_batches() const { return (size() + batch_size_ - 1) / batch_size_; }

std::vector<std::vector<size_t>> Batcher::epoch_plan() {
  auto shuffle = [&](auto& v) {  // Fisher-Yates with our seeded Rng
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng_.below(i)]);
  };
  std::vector<size_t> order(data_->size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (opt_.shuffle) shuffle(order);
  if (opt_.bucket) {
    const size_t chunk = static_cast<size_t>(opt_.chunk_batches * batch_size_);
    for (size_t lo = 0; lo < order.size(); lo += chunk) {
      auto first = order.begin() + static_cast<std::ptrdiff_t>(lo);
      auto last = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), lo + chunk));
      std::stable_sort(first, last, [&](size_t a, size_t b) {
        return (*data_)[a].src.size() < (*data_)[b].src.size();
      });
    }
  }
  std::vector<std::vector<size_t>> plan;
  for (size_t lo = 0; lo < order.size(); lo += static_cast<size_t>(batch_size_)) {
    size_t hi = std::min(order.size(), lo + static_cast<size_t>(batch_size_));
    plan.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(lo),
                      order.begin() + static_cast<std::ptrdiff_t>(hi));
  }
  if (opt_.shuffle) shuffle(plan);  // otherwise short batches would always come first
  return plan;
}

Batch Batcher::make(const std::vector<size_t>& indices) const {
  std::vector<const Example*> ex;
  for (size_t i : indices) {
    S2S_CHECK(i < data_->size(), "Batcher::make: index {} out of range for {} examples", i,
              data_->size());
    ex.push_back(&(*data_)[i]);
  }
  Batch b = make_batch(ex, *src_vocab_, *tgt_vocab_, opt_.reverse_source);
  b.index = indices;
  return b;
}

std::vector<Batch> Batcher::epoch() {
  std::vector<Batch> out;
  for (const auto& idx : epoch_plan()) out.push_back(make(idx));
  return out;
}

}  // namespace s2s
