#include "seq2seq/plot/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace s2s {

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string blue_scale(double v) {
  v = std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.0;
  // Linear blend from white (255,255,255) to dark blue (8,48,107).
  auto mix = [&](int to) { return static_cast<int>(std::lround(255 + (to - 255) * v)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(8), mix(48), mix(107));
}

}  // namespace s2s
