#pragma once
// Small helpers shared by the SVG plots.
#include <string>

namespace s2s {

// Escapes text for XML content and attributes: & < > " '  ("<eos>" -> "&lt;eos&gt;").
std::string xml_escape(const std::string& text);

// "#rrggbb" on a white -> dark blue scale; v is clamped to [0, 1].
std::string blue_scale(double v);

}  // namespace s2s
