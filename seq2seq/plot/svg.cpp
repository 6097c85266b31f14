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

namespace {

// The next code point of UTF-8 text at i (advancing i); invalid bytes count as one each.
char32_t next_code_point(const std::string& s, size_t& i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
  if (n < 0 || i + static_cast<size_t>(n) >= s.size()) {
    ++i;
    return c;
  }
  char32_t cp = n == 0 ? c : c & (0x3F >> n);
  for (int k = 1; k <= n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      ++i;
      return c;
    }
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  i += static_cast<size_t>(n) + 1;
  return cp;
}

int columns(char32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B) return 0;  // combining marks, zero width
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) ||            // Hangul Jamo
                    (cp >= 0x2E80 && cp <= 0x303E) ||  // CJK radicals, punctuation 、。「」
                    (cp >= 0x3041 && cp <= 0x33FF) ||  // kana, CJK symbols
                    (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK extension A
                    (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK unified ideographs
                    (cp >= 0xAC00 && cp <= 0xD7A3) ||  // Hangul syllables
                    (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility ideographs
                    (cp >= 0xFE30 && cp <= 0xFE4F) ||  // CJK compatibility forms
                    (cp >= 0xFF00 && cp <= 0xFF60) ||  // full-width forms （），：
                    (cp >= 0xFFE0 && cp <= 0xFFE6) ||  // full-width signs
                    (cp >= 0x20000 && cp <= 0x3FFFD);  // CJK extensions B..
  return wide ? 2 : 1;
}

}  // namespace

size_t display_width(const std::string& text) {
  size_t w = 0;
  for (size_t i = 0; i < text.size();) w += static_cast<size_t>(columns(next_code_point(text, i)));
  return w;
}

double text_width_px(const std::string& text, double font_size) {
  return 0.6 * font_size * static_cast<double>(display_width(text));
}

const char* font_family_for(const std::string& lang) {
  return lang == "zh" ? kCjkFontFamily : kFontFamily;
}

}  // namespace s2s
