#include "nn/module.hpp"

#include "core/error.hpp"

namespace s2s {

Var Module::register_parameter(const std::string& name, Tensor init) {
  S2S_CHECK(!name.empty() && name.find('.') == std::string::npos,
            "register_parameter: name '{}' must be non-empty and contain no '.'", name);
  for (auto& [n, _] : params_)
    S2S_CHECK(n != name, "register_parameter: '{}' is already registered", name);
  Var v(std::move(init), /*requires_grad=*/true, name);
  params_.emplace_back(name, v);
  return v;
}

void Module::register_module(const std::string& name, Module& child) {
  S2S_CHECK(!name.empty() && name.find('.') == std::string::npos,
            "register_module: name '{}' must be non-empty and contain no '.'", name);
  for (auto& [n, _] : children_)
    S2S_CHECK(n != name, "register_module: '{}' is already registered", name);
  children_.emplace_back(name, &child);
}

// Walks the module tree with an explicit stack (depth first, registration order).
std::vector<std::pair<std::string, Module*>> Module::named_modules() const {
  std::vector<std::pair<std::string, Module*>> out;
  std::vector<std::pair<std::string, const Module*>> stack{{"", this}};
  while (!stack.empty()) {
    auto [prefix, m] = stack.back();
    stack.pop_back();
    for (auto it = m->children_.rbegin(); it != m->children_.rend(); ++it) {
      std::string path = prefix.empty() ? it->first : prefix + "." + it->first;
      stack.emplace_back(path, it->second);
    }
    if (m != this) out.emplace_back(prefix, const_cast<Module*>(m));
  }
  return out;
}

std::vector<std::pair<std::string, Var>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Var>> out;
  for (auto& [n, v] : params_) out.emplace_back(n, v);
  for (auto& [path, m] : named_modules())
    for (auto& [n, v] : m->params_) out.emplace_back(path + "." + n, v);
  return out;
}

std::vector<Var> Module::parameters() const {
  std::vector<Var> out;
  for (auto& [_, v] : named_parameters()) out.push_back(v);
  return out;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (auto& v : parameters()) n += v.value().numel();
  return n;
}

void Module::zero_grad() {
  for (auto& v : parameters()) v.zero_grad();
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [_, m] : named_modules()) m->training_ = on;
}

}  // namespace s2s
