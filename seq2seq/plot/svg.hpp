#pragma once
// Small helpers shared by the SVG plots.
#include <string>

namespace s2s {

// Escapes text for XML content and attributes: & < > " '  ("<eos>" -> "&lt;eos&gt;").
std::string xml_escape(const std::string& text);

// "#rrggbb" on a white -> dark blue scale; v is clamped to [0, 1].
std::string blue_scale(double v);

// Columns a UTF-8 string takes in a terminal: East Asian wide and full-width
// characters (CJK, full-width punctuation) count 2, combining marks 0, the
// rest 1. Used to align tables and to size SVG text.
size_t display_width(const std::string& text);

// Approximate width in pixels of text at a font size: 0.6 of the size per column.
double text_width_px(const std::string& text, double font_size = 12);

// The font-family of the figures: the default, or one that names CJK fonts
// first (for Chinese labels; the SVG viewer picks the first one installed):
// Noto Sans CJK SC (Debian/Ubuntu: apt-get install fonts-noto-cjk), WenQuanYi Zen
// Hei (fonts-wqy-zenhei), Source Han Sans SC, PingFang SC (macOS), Microsoft YaHei
// (Windows).
inline constexpr const char* kFontFamily = "sans-serif";
inline constexpr const char* kCjkFontFamily =
    "'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Source Han Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', sans-serif";
// kCjkFontFamily when lang is "zh", else kFontFamily.
const char* font_family_for(const std::string& lang);

}  // namespace s2s
