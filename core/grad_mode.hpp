#pragma once
// The project's only global state, per thread, and only changed through RAII
// guards so it always comes back:
//   NoGradGuard  - ops record no graph (evaluation, decoding, optimizer steps).
//   AnomalyGuard - every op checks its forward output and backward gradients
//                  for NaN/Inf and throws naming the op.
namespace s2s {

struct GradMode {
  static bool enabled();
  static bool anomaly();
  static void set_enabled(bool on);
  static void set_anomaly(bool on);
};

class NoGradGuard {
 public:
  NoGradGuard() : prev_(GradMode::enabled()) { GradMode::set_enabled(false); }
  ~NoGradGuard() { GradMode::set_enabled(prev_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

class AnomalyGuard {
 public:
  explicit AnomalyGuard(bool on = true) : prev_(GradMode::anomaly()) { GradMode::set_anomaly(on); }
  ~AnomalyGuard() { GradMode::set_anomaly(prev_); }
  AnomalyGuard(const AnomalyGuard&) = delete;
  AnomalyGuard& operator=(const AnomalyGuard&) = delete;

 private:
  bool prev_;
};

}  // namespace s2s
