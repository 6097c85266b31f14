#pragma once
// Which engine runs the ops: the reference engine or the fast one.
//
//   reference  every cell, score function and attention variant runs as
//              composed core ops, one op per equation as the lecture writes it
//              (nn/*_cell.cpp, attention/*.cpp); no thread pool, no fused op.
//              This is the code students read and change.
//   fast       (default) the same math through core/fast/: fused ops, threads,
//              vectorised exp/tanh. tests/engine_contract_test.cpp checks that
//              both give the same loss and gradients.
//
// The engine picks implementations in two places only: the op table
// (core/op_table.hpp) and the cell factory (make_cell, nn/recurrent_cell.hpp).
//
// Set it with --engine reference|fast (tutorials, s2s), the environment
// variable S2S_ENGINE, or an EngineGuard in code and tests.
#include <string>
#include <string_view>

namespace s2s {

enum class Engine { reference, fast };

Engine engine();  // the current engine (S2S_ENGINE at first use, else fast)
void set_engine(Engine e);

const char* engine_name(Engine e);  // "reference" or "fast"
// "reference" or "fast"; anything else throws an Error naming both.
Engine parse_engine(std::string_view name);

// Sets the engine for a scope and restores the previous one after it.
class EngineGuard {
 public:
  explicit EngineGuard(Engine e) : prev_(engine()) { set_engine(e); }
  ~EngineGuard() { set_engine(prev_); }
  EngineGuard(const EngineGuard&) = delete;
  EngineGuard& operator=(const EngineGuard&) = delete;

 private:
  Engine prev_;
};

}  // namespace s2s
