#include "seq2seq/data/example.hpp"

#include <string>
#include <unordered_map>

namespace s2s {

std::vector<Example> one_pair_per_target(const std::vector<Example>& examples) {
  std::vector<Example> out;
  out.reserve(examples.size());
  for (const Example& e : examples) {
    out.push_back(Example{e.src, e.tgt, e.align, {}});
    for (const auto& t : e.other_tgts) out.push_back(Example{e.src, t, {}, {}});
  }
  return out;
}

std::vector<Example> group_by_source(std::vector<Example> examples) {
  std::vector<Example> out;
  std::unordered_map<std::string, size_t> index;  // source key -> position in out
  for (Example& e : examples) {
    std::string key;
    for (const std::string& t : e.src) key += t + ' ';
    auto [it, fresh] = index.emplace(std::move(key), out.size());
    if (fresh) {
      out.push_back(std::move(e));
      continue;
    }
    Example& g = out[it->second];
    bool known = g.tgt == e.tgt;
    for (const auto& t : g.other_tgts) known = known || t == e.tgt;
    if (!known) g.other_tgts.push_back(std::move(e.tgt));
    for (auto& t : e.other_tgts) {
      bool seen = g.tgt == t;
      for (const auto& u : g.other_tgts) seen = seen || u == t;
      if (!seen) g.other_tgts.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace s2s
