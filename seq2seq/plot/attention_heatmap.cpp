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
  size_t n = code_points(s).size();
  return n >= width ? s : std::string(width - n, ' ') + s;
}

}  // namespace

std::string attention_svg(const Tensor& attn, const std::vector<std::string>& src,
                          const std::vector<std::string>& tgt, const HeatmapOptions& opt) {
  check_weights(attn, src.size(), tgt.size(), "attention_svg");
  S2S_CHECK(opt.cell >= 4, "attention_svg: cell must be >= 4 pixels, got {}", opt.cell);
  const int S = static_cast<int>(src.size()), T = static_cast<int>(tgt.size()), c = opt.cell;
  auto longest = [](const std::vector<std::string>& toks) {
    size_t m = 1;
    for (const auto& t : toks) m = std::max(m, code_points(t).size());
    return static_cast<int>(m);
  };
  // Roughly 7 px per character at font-size 12; source labels are rotated -45
  // degrees, so they need about 0.7 of their length in height.
  const int title_h = opt.title.empty() ? 0 : 24;
  const int left = 12 + 7 * longest(tgt);
  const int top = title_h + 12 + static_cast<int>(5.0 * longest(src));
  const int width = left + S * c + 60, height = top + T * c + 12;

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" font-family=\"sans-serif\" font-size=\"12\">\n",
      width, height, width, height);
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!opt.title.empty())
    s += fmt::format("<text x=\"{}\" y=\"16\" font-size=\"14\">{}</text>\n", 8,
                     xml_escape(opt.title));
  for (int j = 0; j < S; ++j) {  // source labels on top, rotated
    int x = left + j * c + c / 2, y = top - 6;
    s += fmt::format("<text x=\"{}\" y=\"{}\" transform=\"rotate(-45 {} {})\">{}</text>\n", x, y, x,
                     y, xml_escape(src[static_cast<size_t>(j)]));
  }
  for (int i = 0; i < T; ++i) {  // target labels on the left, right-aligned
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 6,
                     top + i * c + c / 2 + 4, xml_escape(tgt[static_cast<size_t>(i)]));
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
  for (const auto& t : tgt) label_w = std::max(label_w, code_points(t).size());
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
