#include "seq2seq/data/vocab.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/error.hpp"
#include "seq2seq/data/read_limits.hpp"

namespace s2s {

namespace {
const char* const kSpecials[] = {"<pad>", "<sos>", "<eos>", "<unk>"};
}

Vocab::Vocab() {
  for (const char* s : kSpecials) add(s);
}

int64_t Vocab::add(const std::string& word) {
  S2S_CHECK(!word.empty(), "Vocab::add: empty token (tokens must be non-empty)");
  auto it = ids_.find(word);
  if (it != ids_.end()) return it->second;
  int64_t id = size();
  words_.push_back(word);
  ids_.emplace(word, id);
  return id;
}

int64_t Vocab::id(const std::string& word) const {
  auto it = ids_.find(word);
  return it == ids_.end() ? kUnk : it->second;
}

const std::string& Vocab::word(int64_t id) const {
  S2S_CHECK(id >= 0 && id < size(), "Vocab::word: id {} out of range for vocab of size {}", id,
            size());
  return words_[static_cast<size_t>(id)];
}

std::vector<int64_t> Vocab::encode(const std::vector<std::string>& tokens) const {
  std::vector<int64_t> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) out.push_back(id(t));
  return out;
}

std::vector<std::string> Vocab::decode(const std::vector<int64_t>& ids, bool stop_at_eos) const {
  std::vector<std::string> out;
  for (int64_t i : ids) {
    if (stop_at_eos) {
      if (i == kEos) break;
      if (i == kPad || i == kSos) continue;
    }
    out.push_back(word(i));
  }
  return out;
}

Vocab Vocab::build(const std::vector<std::vector<std::string>>& sequences, int min_count) {
  std::map<std::string, int64_t> counts;  // std::map: alphabetical tie order for free
  for (const auto& seq : sequences)
    for (const auto& t : seq) ++counts[t];
  std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  Vocab v;
  for (const auto& [w, c] : sorted)
    if (c >= min_count) v.add(w);
  return v;
}

void Vocab::save(const std::string& path) const {
  // Atomic: write a temporary file beside the target, then rename it over the
  // target, so a failed or interrupted save never leaves a half-written vocabulary.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp);
    S2S_CHECK(f.good(), "Vocab::save: cannot open '{}' for writing", tmp);
    for (const auto& w : words_) f << w << '\n';
    f.close();
    if (f.fail()) {
      std::remove(tmp.c_str());
      throw Error(fmt::format("Vocab::save: write to '{}' failed; '{}' is unchanged", tmp, path));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw Error(fmt::format("Vocab::save: cannot replace '{}': {}", path, ec.message()));
  }
}

Vocab Vocab::load(const std::string& path) {
  TextLimits lim;
  lim.max_bytes = kMaxVocabBytes;
  return parse(read_text_file(path, fmt::format("Vocab::load '{}'", path), lim), path);
}

Vocab Vocab::parse(const std::string& text, const std::string& path) {
  Vocab v;
  int64_t n = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // tolerate CRLF files
    if (n <= 4) {
      S2S_CHECK(line == kSpecials[n - 1],
                "Vocab::load: '{}' line {}: expected special token {}, got '{}'", path, n,
                kSpecials[n - 1], printable(line, 60));
      continue;
    }
    S2S_CHECK(!line.empty(), "Vocab::load: '{}' line {}: empty token", path, n);
    S2S_CHECK(!v.contains(line), "Vocab::load: '{}' line {}: duplicate token '{}'", path, n,
              printable(line, 60));
    v.add(line);
  }
  S2S_CHECK(n >= 4, "Vocab::load: '{}' has {} lines, expected at least the 4 special tokens", path,
            n);
  return v;
}

}  // namespace s2s
