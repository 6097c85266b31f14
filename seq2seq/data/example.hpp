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
  // Other right targets of the same source (a word's other pronunciations; a
  // sentence's other translations), in the data's order. Evaluation scores an
  // output against the closest of tgt and these (seq2seq/train/evaluate.hpp);
  // training sees each as a pair of its own (training splits leave this empty).
  std::vector<std::vector<std::string>> other_tgts = {};
};

// Every pair of `examples`, one per target: an example with other_tgts becomes
// 1 + other_tgts.size() examples with the same source (align kept on the first).
std::vector<Example> one_pair_per_target(const std::vector<Example>& examples);

// The opposite: examples with the same source (tokens joined by spaces) become
// one, in the order of each source's first appearance; its tgt is the first
// target, its other_tgts the later ones that differ (a repeated pair counts once).
std::vector<Example> group_by_source(std::vector<Example> examples);

struct Splits {
  std::vector<Example> train, valid, test;
};

}  // namespace s2s
