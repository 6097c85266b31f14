#pragma once
// The element type of every Tensor, fixed at compile time by one switch.
// The float32 build trains fast; the float64 build runs the gradient checks.
// CMake builds both: s2s_f32 (S2S_REAL=float) and s2s_f64 (S2S_REAL=double).
#ifndef S2S_REAL
#define S2S_REAL float
#endif

namespace s2s {
using real = S2S_REAL;
inline constexpr bool kDoublePrecision = sizeof(real) == sizeof(double);
inline constexpr const char* kRealName = sizeof(real) == sizeof(double) ? "float64" : "float32";
}  // namespace s2s
