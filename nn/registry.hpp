#pragma once
// Registry: the one list of a concept (cells, score functions, attention
// variants, context placements, tasks). Each entry is a struct with at least
//   const char* or std::string name;  // used on the CLI and in checkpoints
//   const char* or std::string help;  // one line for --help, docs and tutorials
// and whatever else the concept needs (an enum value `kind`, a factory `make`).
// The CLI's choices, the tutorials' tables and the tests all read the list from
// here, so a new entry shows up everywhere at once.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "core/error.hpp"

namespace s2s {

template <class Entry>
class Registry {
 public:
  // `what` names the concept in errors, e.g. "score function".
  Registry(std::string what, std::vector<Entry> entries) : what_(std::move(what)) {
    for (Entry& e : entries) add(std::move(e));
  }

  // Appends an entry; a name may be registered only once.
  void add(Entry e) {
    S2S_CHECK(find_or_null(std::string(e.name)) == nullptr, "{} '{}' is already registered", what_,
              std::string(e.name));
    entries_.push_back(std::move(e));
  }

  // The entry called `name`, or nullptr.
  const Entry* find_or_null(const std::string& name) const {
    for (const Entry& e : entries_)
      if (name == e.name) return &e;
    return nullptr;
  }

  // The entry called `name`; unknown names throw, listing the known ones.
  const Entry& find(const std::string& name) const {
    const Entry* e = find_or_null(name);
    if (!e)
      throw Error(fmt::format("unknown {} '{}'; known: {}", what_, name, fmt::join(names(), ", ")));
    return *e;
  }

  // The entry of an enum value (for registries whose entries have a `kind`).
  template <class Kind>
  const Entry& at(Kind kind) const {
    for (const Entry& e : entries_)
      if (e.kind == kind) return e;
    throw Error(fmt::format("{}: enum value {} has no entry", what_, static_cast<int>(kind)));
  }

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Entry& e : entries_) out.emplace_back(e.name);
    return out;
  }

  // "name: help" per entry, one per line, each line starting with `indent`.
  std::string help(const std::string& indent = "  ") const {
    std::string out;
    for (const Entry& e : entries_) out += fmt::format("{}{}: {}\n", indent, e.name, e.help);
    return out;
  }

 private:
  std::string what_;
  std::vector<Entry> entries_;
};

}  // namespace s2s
