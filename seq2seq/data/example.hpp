#pragma once
// One parallel sentence pair and the usual train/valid/test split.
#include <string>
#include <utility>
#include <vector>

namespace s2s {

struct Example {
  std::vector<std::string> src, tgt;
  // Gold word alignment: (src_index, tgt_index) links, 0-based token
  // positions (no <sos>/<eos>). A target token may link to several source
  // tokens or to none. Empty when the data has no gold alignment (Tatoeba).
  std::vector<std::pair<int, int>> align;
};

struct Splits {
  std::vector<Example> train, valid, test;
};

}  // namespace s2s
