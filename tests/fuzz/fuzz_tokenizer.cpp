// libFuzzer target: tokenizer and vocabulary round trips on arbitrary text.
//   tokens = tokenize(text): non-empty, no whitespace inside
//   decode(encode(tokens)) == tokens            (every token is in the vocab)
//   tokenize(detokenize(tokens)) == tokens      (detokenize only adds/omits spaces)
//   Vocab::load(Vocab::save(v)) == v            (the on-disk format)
#include <algorithm>

#include "core/error.hpp"
#include "fuzz_util.hpp"
#include "seq2seq/data/tokenizer.hpp"
#include "seq2seq/data/vocab.hpp"

using namespace s2s;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> tokens = tokenize(text);
  for (const auto& t : tokens) {
    S2S_FUZZ_ASSERT(!t.empty());
    S2S_FUZZ_ASSERT(t.find_first_of(" \t\n\r\f\v") == std::string::npos);
  }
  S2S_FUZZ_ASSERT(tokenize(detokenize(tokens)) == tokens);

  const Vocab v = Vocab::build({tokens});
  const std::vector<int64_t> ids = v.encode(tokens);
  S2S_FUZZ_ASSERT(ids.size() == tokens.size());
  for (int64_t id : ids) S2S_FUZZ_ASSERT(id >= 0 && id < v.size());
  S2S_FUZZ_ASSERT(v.decode(ids, /*stop_at_eos=*/false) == tokens);

  const std::string path = fuzz::write_temp("tokenizer_vocab", nullptr, 0);
  v.save(path);
  const Vocab back = Vocab::load(path);
  S2S_FUZZ_ASSERT(back.words() == v.words());
  return 0;
}
