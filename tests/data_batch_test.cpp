// Batches: padding, shifted targets, masks, reversed sources, and the Batcher.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/error.hpp"
#include "seq2seq/data/batch.hpp"
#include "seq2seq/data/task.hpp"

using namespace s2s;

TEST_CASE("data: make_batch pads and shifts targets") {
  Example a{{"x", "y", "z"}, {"p"}, {}};
  Example b{{"y"}, {"q", "p", "p"}, {}};
  Vocab sv = Vocab::build({a.src, b.src}), tv = Vocab::build({a.tgt, b.tgt});
  const int64_t x = sv.id("x"), y = sv.id("y"), z = sv.id("z");
  const int64_t p = tv.id("p"), q = tv.id("q");
  Batch bt = make_batch({&a, &b}, sv, tv);
  CHECK(bt.B == 2);
  CHECK(bt.S == 3);
  CHECK(bt.T == 4);  // longest target 3 + <eos>
  CHECK(bt.src == std::vector<int64_t>{x, y, z, y, kPad, kPad});
  CHECK(bt.src_len == std::vector<int64_t>{3, 1});
  CHECK(bt.src_mask.to_vector() == std::vector<real>{1, 1, 1, 1, 0, 0});
  CHECK(bt.tgt_in == std::vector<int64_t>{kSos, p, kPad, kPad, kSos, q, p, p});
  CHECK(bt.tgt_out == std::vector<int64_t>{p, kEos, kPad, kPad, q, p, p, kEos});
  CHECK(bt.tgt_len == std::vector<int64_t>{2, 4});
  CHECK(bt.tgt_mask.shape() == Shape{2, 4});
  CHECK(bt.tgt_mask.to_vector() == std::vector<real>{1, 1, 0, 0, 1, 1, 1, 1});
  CHECK(bt.index == std::vector<size_t>{0, 1});

  Batch rev = make_batch({&a, &b}, sv, tv, /*reverse_source=*/true);
  CHECK(rev.src == std::vector<int64_t>{z, y, x, y, kPad, kPad});  // padding stays at the end

  Example unknown{{"never", "seen"}, {"p"}, {}};
  CHECK(make_batch({&unknown}, sv, tv).src == std::vector<int64_t>{kUnk, kUnk});
}

TEST_CASE("data: make_batch errors") {
  Vocab v;
  Example empty{{}, {"a"}, {}};
  CHECK_THROWS_WITH_AS(make_batch({}, v, v), doctest::Contains("empty list"), Error);
  CHECK_THROWS_WITH_AS(make_batch({&empty}, v, v),
                       doctest::Contains("example 0 has an empty source"), Error);
}

TEST_CASE("data: batcher covers every example once, seeded, with bucketing") {
  TaskConfig cfg;
  cfg.n_train = 1000;
  cfg.min_len = 1;
  cfg.max_len = 30;
  Splits s = make_task("copy", cfg);
  Vocab v = Vocab::build({s.train[0].src, {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}});
  Batcher bucketed(s.train, v, v, 32, 7);
  CHECK(bucketed.num_batches() == 32);  // ceil(1000 / 32)
  auto plan = bucketed.epoch_plan();
  CHECK(plan.size() == 32);
  std::vector<size_t> all;
  for (const auto& b : plan) {
    CHECK(b.size() <= 32);
    all.insert(all.end(), b.begin(), b.end());
  }
  std::sort(all.begin(), all.end());
  CHECK(all.size() == 1000);
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());  // no repeats
  CHECK(all.back() == 999);

  // Two epochs differ; the same seed replays the same epochs.
  CHECK(bucketed.epoch_plan() != plan);
  Batcher again(s.train, v, v, 32, 7);
  CHECK(again.epoch_plan() == plan);

  // Bucketing means far less padding than a plain shuffle.
  BatcherOptions plain_opt;
  plain_opt.bucket = false;
  Batcher plain(s.train, v, v, 32, 7, plain_opt);
  auto padding = [](const std::vector<Batch>& bs) {
    int64_t pads = 0;
    for (const auto& b : bs) pads += std::count(b.src.begin(), b.src.end(), kPad);
    return pads;
  };
  auto bucketed_batches = bucketed.epoch();
  CHECK(padding(bucketed_batches) * 3 < padding(plain.epoch()));
  // Batch::index holds dataset indices.
  const Batch& b0 = bucketed_batches[0];
  CHECK(b0.src_len[0] == static_cast<int64_t>(s.train[b0.index[0]].src.size()));

  CHECK_THROWS_WITH_AS(Batcher(s.train, v, v, 0, 1), doctest::Contains("batch_size must be >= 1"),
                       Error);
}
