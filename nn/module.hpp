#pragma once
// Module: the base of every layer and model. It keeps named parameters and
// named submodules so that the whole model can be walked by dotted path:
// "encoder.rnn.cell.weight_ih". Submodules are ordinary members of the derived class,
// registered by pointer in its constructor, so modules are neither copyable
// nor movable (the registered pointers must stay valid).
#include <string>
#include <utility>
#include <vector>

#include "core/ops.hpp"

namespace s2s {

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // All parameters with dotted names, in registration order (depth first).
  std::vector<std::pair<std::string, Var>> named_parameters() const;
  std::vector<Var> parameters() const;
  // All submodules with dotted names (the module itself excluded).
  std::vector<std::pair<std::string, Module*>> named_modules() const;
  int64_t num_parameters() const;
  void zero_grad();

  // Training mode matters for dropout and teacher forcing; eval() = train(false).
  void train(bool on = true);
  void eval() { train(false); }
  bool training() const { return training_; }

 protected:
  // Registers a trainable tensor under `name`; returns the stored handle.
  Var register_parameter(const std::string& name, Tensor init);
  // Registers a member module under `name` (it must outlive this module).
  void register_module(const std::string& name, Module& child);

 private:
  std::vector<std::pair<std::string, Var>> params_;
  std::vector<std::pair<std::string, Module*>> children_;
  bool training_ = true;
};

}  // namespace s2s
