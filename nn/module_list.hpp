#pragma once
// ModuleList: owns a list of submodules registered under "0", "1", ... so a
// model with N layers gets parameter paths like "layers.0.fwd.weight_ih".
#include <memory>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace s2s {

template <class M>
class ModuleList : public Module {
 public:
  // Takes ownership and registers the module under its index; returns it.
  M& push_back(std::unique_ptr<M> m) {
    items_.push_back(std::move(m));
    register_module(std::to_string(items_.size() - 1), *items_.back());
    return *items_.back();
  }
  M& operator[](size_t i) const { return *items_.at(i); }
  size_t size() const { return items_.size(); }

 private:
  std::vector<std::unique_ptr<M>> items_;
};

}  // namespace s2s
