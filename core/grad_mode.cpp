#include "core/grad_mode.hpp"

namespace s2s {
namespace {
thread_local bool g_enabled = true;
thread_local bool g_anomaly = false;
}  // namespace
bool GradMode::enabled() { return g_enabled; }
bool GradMode::anomaly() { return g_anomaly; }
void GradMode::set_enabled(bool on) { g_enabled = on; }
void GradMode::set_anomaly(bool on) { g_anomaly = on; }
}  // namespace s2s
