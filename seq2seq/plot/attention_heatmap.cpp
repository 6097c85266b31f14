#include "seq2seq/plot/attention_heatmap.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "seq2seq/plot/svg.hpp"

namespace s2s {

namespace {

void check_weights(const Tensor& attn, size_t n_src, size_t n_tgt, const char* who) {
  S2S_CHECK(attn.rank() == 2 && attn.size(0) == static_cast<int64_t>(n_tgt) &&
                attn.size(1) == static_cast<int64_t>(n_src),
            "{}: weights of shape {} but {} target x {} source tokens (expected (T,S) = ({},{}))",
            who, shape_str(attn.shape()), n_tgt, n_src, n_tgt, n_src);
  S2S_CHECK(n_src > 0 && n_tgt > 0, "{}: need at least one source and one target token", who);
}

// Splits UTF-8 text into code points ("niña" -> n i ñ a), so that widths and
// vertical labels count characters, not bytes.
std::vector<std::string> code_points(const std::string& s) {
  std::vector<std::string> out;
  for (char c : s) {
    bool continuation = (static_cast<unsigned char>(c) & 0xC0) == 0x80;
    if (continuation && !out.empty())
      out.back() += c;
    else
      out.emplace_back(1, c);
  }
  return out;
}

std::string pad_left(const std::string& s, size_t width) {
  size_t n = display_width(s);
  return n >= width ? s : std::string(width - n, ' ') + s;
}

}  // namespace

std::string attention_svg(const Tensor& attn, const std::vector<std::string>& src,
                          const std::vector<std::string>& tgt, const HeatmapOptions& opt) {
  check_weights(attn, src.size(), tgt.size(), "attention_svg");
  S2S_CHECK(opt.cell >= 4, "attention_svg: cell must be >= 4 pixels, got {}", opt.cell);
  const int S = static_cast<int>(src.size()), T = static_cast<int>(tgt.size()), c = opt.cell;
  auto longest = [](const std::vector<std::string>& toks) {
    double m = 7;
    for (const auto& t : toks) m = std::max(m, text_width_px(t));
    return m;
  };
  // Source labels are rotated -45 degrees, so they need about 0.7 of their
  // length in height. Layout from the top: title, x-axis title, source labels,
  // grid; from the left: y-axis title, target labels, grid, colour bar.
  const int title_h = opt.title.empty() ? 0 : 24;
  const int x_title_h = opt.x_title.empty() ? 0 : 20;
  const int y_title_w = opt.y_title.empty() ? 0 : 22;
  const int left = y_title_w + 12 + static_cast<int>(longest(tgt));
  const int top = title_h + x_title_h + 12 + static_cast<int>(0.72 * longest(src));
  const int grid_w = S * c, grid_h = T * c;
  const int bar_x = left + grid_w + 16, bar_h = std::max(grid_h, 60);
  // The bar's title runs up beside it, rotated: as long as the bar at most.
  const int bar_title_w = opt.bar_title.empty() ? 0 : 18;
  const int width =
      std::max({bar_x + 12 + 30 + bar_title_w, left + grid_w + static_cast<int>(0.72 * longest(src)),
                8 + static_cast<int>(text_width_px(opt.title, 14)) + 8});
  // A y-axis title longer than the grid is tall hangs below it: make room.
  const int y_title_len = static_cast<int>(text_width_px(opt.y_title));
  const int bar_title_len = static_cast<int>(text_width_px(opt.bar_title));
  const int height = std::max({top + grid_h, top + bar_h, top + (grid_h + y_title_len) / 2,
                               top + (bar_h + bar_title_len) / 2}) +
                     12;

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" font-family=\"{}\" font-size=\"12\">\n",
      width, height, width, height, xml_escape(opt.font_family));
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!opt.title.empty())
    s += fmt::format("<text x=\"{}\" y=\"16\" font-size=\"14\">{}</text>\n", 8,
                     xml_escape(opt.title));
  if (!opt.x_title.empty())  // over the source labels, centred on the grid
    s += fmt::format(
        "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" "
        "font-weight=\"bold\">{}</text>\n",
        left + grid_w / 2, title_h + 15, xml_escape(opt.x_title));
  if (!opt.y_title.empty()) {  // left of the target labels, rotated, centred on the grid
    const int x = 14, y = top + grid_h / 2;
    s += fmt::format(
        "<text class=\"axis-title\" x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" "
        "font-weight=\"bold\" transform=\"rotate(-90 {0} {1})\">{2}</text>\n",
        x, y, xml_escape(opt.y_title));
  }
  for (int j = 0; j < S; ++j) {  // source labels on top, rotated
    int x = left + j * c + c / 2, y = top - 6;
    s += fmt::format("<text x=\"{}\" y=\"{}\" transform=\"rotate(-45 {} {})\">{}</text>\n", x, y, x,
                     y, xml_escape(src[static_cast<size_t>(j)]));
  }
  for (int i = 0; i < T; ++i) {  // target labels on the left, right-aligned
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 6,
                     top + i * c + c / 2 + 4, xml_escape(tgt[static_cast<size_t>(i)]));
  }
  // The colour scale: a vertical gradient from 0 (white, bottom) to 1 (dark blue, top).
  s += fmt::format(
      "<defs><linearGradient id=\"colour-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
      "<stop offset=\"0\" stop-color=\"{}\"/><stop offset=\"1\" stop-color=\"{}\"/>"
      "</linearGradient></defs>\n",
      blue_scale(0), blue_scale(1));
  s += fmt::format(
      "<rect class=\"colour-scale\" x=\"{}\" y=\"{}\" width=\"12\" height=\"{}\" "
      "fill=\"url(#colour-scale)\" stroke=\"#999999\"/>\n",
      bar_x, top, bar_h);
  s += fmt::format("<text x=\"{}\" y=\"{}\">1</text>\n", bar_x + 16, top + 10);
  s += fmt::format("<text x=\"{}\" y=\"{}\">0</text>\n", bar_x + 16, top + bar_h);
  if (!opt.bar_title.empty()) {
    const int x = bar_x + 12 + 30 + 6, y = top + bar_h / 2;
    s += fmt::format(
        "<text class=\"bar-title\" x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" "
        "transform=\"rotate(-90 {0} {1})\">{2}</text>\n",
        x, y, xml_escape(opt.bar_title));
  }
  for (int i = 0; i < T; ++i) {
    for (int j = 0; j < S; ++j) {
      double v = attn[static_cast<int64_t>(i) * S + j];
      s += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#dddddd\">"
          "<title>{} -&gt; {}: {:.3f}</title></rect>\n",
          left + j * c, top + i * c, c, c, blue_scale(v), xml_escape(src[static_cast<size_t>(j)]),
          xml_escape(tgt[static_cast<size_t>(i)]), v);
    }
  }
  if (opt.highlight_row >= 0 && opt.highlight_row < T)
    s += fmt::format(
        "<rect class=\"highlight\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
        "stroke=\"#d62728\" stroke-width=\"3\"/>\n",
        left - 1, top + opt.highlight_row * c - 1, grid_w + 2, c + 2);
  s += "</svg>\n";
  return s;
}

std::string attention_terminal(const Tensor& attn, const std::vector<std::string>& src,
                               const std::vector<std::string>& tgt,
                               const TerminalHeatmapOptions& opt) {
  check_weights(attn, src.size(), tgt.size(), "attention_terminal");
  S2S_CHECK(opt.cell_width >= 1, "attention_terminal: cell_width must be >= 1, got {}",
            opt.cell_width);
  static const char* const kShades[] = {" ", "░", "▒", "▓", "█"};
  const size_t S = src.size(), T = tgt.size(), w = static_cast<size_t>(opt.cell_width);
  size_t label_w = 0, header_h = 1;
  std::vector<std::vector<std::string>> src_chars;
  for (const auto& t : tgt) label_w = std::max(label_w, display_width(t));
  for (const auto& t : src) {
    src_chars.push_back(code_points(t));
    header_h = std::max(header_h, std::min<size_t>(12, src_chars.back().size()));
  }

  std::string out;
  for (size_t k = 0; k < header_h; ++k) {  // source tokens, one character per line
    out += std::string(label_w + 1, ' ');
    for (size_t j = 0; j < S; ++j) {
      out += k < src_chars[j].size() ? src_chars[j][k] : " ";
      out += std::string(w - 1, ' ');
    }
    out += '\n';
  }
  for (size_t i = 0; i < T; ++i) {
    double scale = 1.0;
    if (opt.normalize_rows) {
      double mx = 0;
      for (size_t j = 0; j < S; ++j)
        mx = std::max(mx, static_cast<double>(attn[static_cast<int64_t>(i * S + j)]));
      scale = mx > 0 ? 1.0 / mx : 1.0;
    }
    out += pad_left(tgt[i], label_w) + ' ';
    for (size_t j = 0; j < S; ++j) {
      double v = scale * attn[static_cast<int64_t>(i * S + j)];
      long level = std::isfinite(v) ? std::clamp(std::lround(v * 4), 0L, 4L) : 0L;
      for (size_t r = 0; r < w; ++r) out += kShades[level];
    }
    out += '\n';
  }
  return out;
}

}  // namespace s2s
