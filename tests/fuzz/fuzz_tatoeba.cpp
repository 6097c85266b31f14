// libFuzzer target: the TSV sentence-pair loader (load_tatoeba) and split_pairs.
// Lenient mode must keep only well-formed pairs (both sides non-empty, within
// max_len) and warn about the rest; strict mode may only throw s2s::Error.
#include "core/error.hpp"
#include "fuzz_util.hpp"
#include "seq2seq/data/tatoeba.hpp"

using namespace s2s;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_temp("tatoeba", data, size);
  TatoebaOptions opt;
  opt.max_len = size > 0 ? data[0] % 8 : 0;  // 0 = no limit
  if (size > 1 && data[1] % 2) opt.prefixes = {"i am", "he is"};
  TatoebaData d = load_tatoeba(path, opt);  // lenient: must not throw on content
  for (const Example& e : d.pairs) {
    S2S_FUZZ_ASSERT(!e.src.empty() && !e.tgt.empty());
    if (opt.max_len > 0)
      S2S_FUZZ_ASSERT(static_cast<int>(e.src.size()) <= opt.max_len &&
                      static_cast<int>(e.tgt.size()) <= opt.max_len);
    for (const auto& w : e.src) S2S_FUZZ_ASSERT(!w.empty());
    for (const auto& w : e.tgt) S2S_FUZZ_ASSERT(!w.empty());
  }
  // Every line is counted once; warnings stop at 10 plus one summary line.
  const TatoebaCounts& c = d.counts;
  S2S_FUZZ_ASSERT(c.lines == c.blank + c.no_tab + c.empty_side + c.too_long + c.no_prefix + c.kept);
  S2S_FUZZ_ASSERT(c.kept == static_cast<int64_t>(d.pairs.size()));
  S2S_FUZZ_ASSERT(d.warnings.size() <= TatoebaData::kMaxWarnings + 1);
  try {  // the CLI's loader: enough distinct pairs, or a clear refusal
    Splits cli = load_tsv_splits(path, opt, 1);
    S2S_FUZZ_ASSERT(cli.train.size() + cli.valid.size() + cli.test.size() >=
                    static_cast<size_t>(kMinTsvPairs));
    S2S_FUZZ_ASSERT(!cli.valid.empty() && !cli.test.empty());
  } catch (const Error&) {
  }
  const size_t n = d.pairs.size();
  Splits s = split_pairs(std::move(d.pairs), 0.2, 0.2, 1);
  S2S_FUZZ_ASSERT(s.train.size() + s.valid.size() + s.test.size() <= n);
  try {
    opt.strict = true;
    load_tatoeba(path, opt);
  } catch (const Error&) {
  }
  return 0;
}
