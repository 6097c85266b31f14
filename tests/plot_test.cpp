// Plots: well-formed SVG with escaped labels, terminal heatmap layout, files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "seq2seq/plot/attention_heatmap.hpp"
#include "seq2seq/plot/line_plot.hpp"
#include "seq2seq/plot/svg.hpp"
#include "seq2seq/plot/write_file.hpp"

using namespace s2s;

namespace {

// A small XML check: tags nest and close, attribute quotes balance, and every
// '&' starts an entity. Returns "" when fine, else what went wrong.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> open;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      size_t semi = s.find(';', i);
      std::string ent = semi == std::string::npos ? "" : s.substr(i, semi - i + 1);
      if (ent != "&lt;" && ent != "&gt;" && ent != "&amp;" && ent != "&quot;" && ent != "&apos;")
        return "bad entity at " + std::to_string(i);
    }
    if (s[i] != '<') continue;
    size_t end = s.find('>', i);
    if (end == std::string::npos) return "unclosed tag";
    std::string tag = s.substr(i + 1, end - i - 1);
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) return "unbalanced quotes in <" + tag;
    if (tag.find('<') != std::string::npos) return "'<' inside a tag";
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "mismatched </" + tag.substr(1);
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    i = end;
  }
  return open.empty() ? "" : "unclosed <" + open.back();
}

size_t occurrences(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("plot: xml_escape and colour scale") {
  CHECK(xml_escape("<eos> & \"x\"") == "&lt;eos&gt; &amp; &quot;x&quot;");
  CHECK(blue_scale(0) == "#ffffff");
  CHECK(blue_scale(1) == "#08306b");
  CHECK(blue_scale(7) == "#08306b");  // clamped
}

TEST_CASE("plot: attention SVG is well formed with escaped token labels") {
  Tensor attn = Tensor::from({3, 2}, {0.9, 0.1, 0.2, 0.8, 0.5, 0.5});  // (T=3, S=2)
  std::vector<std::string> src = {"dog", "A&B"}, tgt = {"perro", "niña", "<eos>"};
  HeatmapOptions hopt;
  hopt.title = "attention <step 3>";
  std::string svg = attention_svg(attn, src, tgt, hopt);
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(xml_problem(svg) == "");
  CHECK(svg.find("&lt;eos&gt;") != std::string::npos);
  CHECK(svg.find("><eos><") == std::string::npos);
  CHECK(svg.find("A&amp;B") != std::string::npos);
  CHECK(svg.find("niña") != std::string::npos);
  CHECK(svg.find("dog -&gt; perro: 0.900") != std::string::npos);  // tooltip
  CHECK(occurrences(svg, "<title>") == 6);                         // one per cell
  CHECK(svg.find(blue_scale(0.9)) != std::string::npos);
  CHECK_THROWS_WITH_AS(attention_svg(attn, {"a", "b", "c"}, tgt),
                       doctest::Contains("weights of shape (3,2) but 3 target x 3 source"), Error);
}

TEST_CASE("plot: terminal heatmap shape and shading") {
  Tensor attn = Tensor::from({2, 3}, {1.0, 0.0, 0.0,  //
                                      0.0, 0.5, 0.5});
  std::vector<std::string> src = {"the", "cat", "<eos>"}, tgt = {"el", "gato"};
  std::string txt = attention_terminal(attn, src, tgt);
  auto ls = lines(txt);
  // 5 header lines ("<eos>" has 5 characters) + 2 rows.
  REQUIRE(ls.size() == 7);
  CHECK(ls[0] == "     t c < ");
  CHECK(ls[4] == "         > ");
  CHECK(ls[5] == "  el ██    ");
  CHECK(ls[6] == "gato   ▒▒▒▒");
  // Row normalisation makes the largest weight of each row a full block.
  TerminalHeatmapOptions opt;
  opt.normalize_rows = true;
  opt.cell_width = 1;
  auto norm = lines(attention_terminal(attn, src, tgt, opt));
  CHECK(norm.back() == "gato  ██");
  CHECK_THROWS_WITH_AS(attention_terminal(attn, src, {"el"}), doctest::Contains("(2,3)"), Error);
}

TEST_CASE("plot: line plot with series, legend and log axis") {
  Series train{"train <loss>", {0, 1, 2, 3}, {2.0, 1.2, 0.8, 0.5}};
  Series valid{"valid", {}, {2.1, 1.4, NAN, 0.9}};  // NaN breaks the line
  LinePlotOptions popt;
  popt.title = "loss";
  popt.x_label = "epoch";
  std::string svg = line_plot_svg({train, valid}, popt);
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(xml_problem(svg) == "");
  CHECK(svg.find("train &lt;loss&gt;") != std::string::npos);  // legend, escaped
  CHECK(svg.find(">epoch<") != std::string::npos);
  CHECK(occurrences(svg, "<polyline") == 2);      // train + the first run of valid
  CHECK(occurrences(svg, "<circle") == 1);        // valid's lone last point
  CHECK(svg.find(">0.5<") != std::string::npos);  // a nice tick

  Series grad{"grad norm", {}, {1e-3, 1e-1, 10, 0}};  // 0 cannot be drawn on a log axis
  LinePlotOptions lopt;
  lopt.y_label = "norm";
  lopt.log_y = true;
  std::string log_svg = line_plot_svg({grad}, lopt);
  CHECK(xml_problem(log_svg) == "");
  CHECK(log_svg.find(">0.001<") != std::string::npos);
  CHECK(log_svg.find(">10<") != std::string::npos);
  CHECK(log_svg.find("norm (log)") != std::string::npos);

  CHECK_THROWS_WITH_AS(line_plot_svg({{"bad", {1, 2}, {1}}}),
                       doctest::Contains("series 'bad' has 2 x values but 1 y values"), Error);
  CHECK_THROWS_WITH_AS(line_plot_svg({{"none", {}, {}}}), doctest::Contains("no finite point"),
                       Error);
}

TEST_CASE("plot: write_file creates directories and reports failures") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / (std::string("s2s_plot_test_") + kRealName);
  fs::remove_all(dir);
  std::string path = (dir / "a" / "b" / "x.svg").string();
  write_file(path, "<svg/>");
  std::ifstream f(path);
  std::string back((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(back == "<svg/>");
  // A file where a directory should be: cannot create it.
  std::string blocked = (dir / "a" / "b" / "x.svg" / "y.svg").string();
  CHECK_THROWS_WITH_AS(write_file(blocked, "z"), doctest::Contains("cannot create directory"),
                       Error);
  fs::remove_all(dir);
}

TEST_CASE("plot: display width counts CJK characters as two columns") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("词元准确率") == 10);
  CHECK(display_width("（完全匹配率）") == 14);  // full-width parentheses
  CHECK(display_width("niña") == 4);
  CHECK(display_width("h̃") == 1);  // h + a combining tilde
  CHECK(text_width_px("词元", 10) > text_width_px("ab", 10));
}

TEST_CASE("plot: heatmap axis titles, colour scale and CJK font") {
  Tensor attn = Tensor::from({2, 2}, {0.9, 0.1, 0.3, 0.7});
  std::vector<std::string> src = {"the", "dog"}, tgt = {"el", "perro"};
  std::string svg = attention_svg(attn, src, tgt);
  CHECK(xml_problem(svg) == "");
  // Default axis titles, one per axis.
  CHECK(occurrences(svg, "class=\"axis-title\"") == 2);
  CHECK(svg.find(">source tokens<") != std::string::npos);
  CHECK(svg.find(">target tokens<") != std::string::npos);
  // The colour bar: a gradient from the colour of 0 to the colour of 1, labelled 0 and 1.
  CHECK(svg.find("class=\"colour-scale\"") != std::string::npos);
  CHECK(svg.find("stop-color=\"" + blue_scale(0) + "\"") != std::string::npos);
  CHECK(svg.find("stop-color=\"" + blue_scale(1) + "\"") != std::string::npos);
  CHECK(svg.find(">0</text>") != std::string::npos);
  CHECK(svg.find(">1</text>") != std::string::npos);
  CHECK(svg.find("font-family=\"sans-serif\"") != std::string::npos);

  HeatmapOptions zh;
  zh.x_title = "源句词元";
  zh.y_title = "输出词元";
  zh.font_family = font_family_for("zh");
  std::string zsvg = attention_svg(attn, src, tgt, zh);
  CHECK(xml_problem(zsvg) == "");
  CHECK(zsvg.find(">源句词元<") != std::string::npos);
  CHECK(zsvg.find(">输出词元<") != std::string::npos);
  // A CJK font comes first in the font list, sans-serif last.
  const std::string attr = "font-family=\"";
  const size_t at = zsvg.find(attr);
  REQUIRE(at != std::string::npos);
  const std::string fonts =
      zsvg.substr(at + attr.size(), zsvg.find('"', at + attr.size()) - at - attr.size());
  CHECK(fonts.rfind("&apos;Noto Sans CJK SC&apos;", 0) == 0);
  CHECK(fonts.find("sans-serif") == fonts.size() - 10);
  CHECK(std::string(font_family_for("en")) == "sans-serif");

  HeatmapOptions none;  // titles can be switched off
  none.x_title = none.y_title = "";
  CHECK(occurrences(attention_svg(attn, src, tgt, none), "class=\"axis-title\"") == 0);
}

TEST_CASE("plot: the legend fits inside the image, x ticks can be labels") {
  // Long legend names (Chinese counts double): the image must be wide enough.
  Series a{"注意力模型，词元准确率（很长的图例名称）", {3, 8, 13}, {90, 85, 80}};
  Series b{"bottleneck, token accuracy, a rather long legend entry", {3, 8, 13}, {60, 30, 20}};
  LinePlotOptions o;
  o.x_ticks = {{3, "1-5"}, {8, "6-10"}, {13, "11-15"}};
  o.font_family = font_family_for("zh");
  std::string svg = line_plot_svg({a, b}, o);
  CHECK(xml_problem(svg) == "");
  const size_t wpos = svg.find("width=\"");
  const double width = std::stod(svg.substr(wpos + 7));
  for (const Series& s : {a, b}) {
    const size_t at = svg.find(">" + xml_escape(s.name) + "<");
    REQUIRE(at != std::string::npos);
    const size_t xpos = svg.rfind("x=\"", at);
    const double x = std::stod(svg.substr(xpos + 3));
    CHECK(x + text_width_px(s.name) <= width);  // the legend text ends inside the image
  }
  CHECK(svg.find(">6-10<") != std::string::npos);  // bucket labels, not numbers
  CHECK(svg.find(">11-15<") != std::string::npos);
  CHECK(svg.find("&apos;Noto Sans CJK SC&apos;") != std::string::npos);
}

TEST_CASE("plot: a long title is never cut, the y axis can start at 0") {
  Series a{"a", {1, 2, 3}, {40, 60, 80}};
  LinePlotOptions o;
  o.title = std::string(150, 'x');  // wider than the default 720 px at 15 px per 0.6 column
  o.y_from_zero = true;
  std::string svg = line_plot_svg({a}, o);
  CHECK(xml_problem(svg) == "");
  const double width = std::stod(svg.substr(svg.find("width=\"") + 7));
  const size_t at = svg.find(">" + o.title + "<");
  REQUIRE(at != std::string::npos);
  const double x = std::stod(svg.substr(svg.rfind("x=\"", at) + 3));  // text-anchor middle
  const double w = text_width_px(o.title, 15);
  CHECK(x - w / 2 >= 0);
  CHECK(x + w / 2 <= width);
  CHECK(svg.find(">0</text>") != std::string::npos);  // the y axis reaches 0
  o.y_from_zero = false;
  CHECK(line_plot_svg({a}, o).find(">0</text>") == std::string::npos);
}

TEST_CASE("plot: heatmap row highlight, colour-bar title, fonts for every platform") {
  Tensor attn = Tensor::from({2, 2}, {0.9, 0.1, 0.3, 0.7});
  HeatmapOptions o;
  o.bar_title = "weight a_t,i (0 to 1, no unit)";
  o.highlight_row = 1;
  std::string svg = attention_svg(attn, {"the", "dog"}, {"el", "perro"}, o);
  CHECK(xml_problem(svg) == "");
  CHECK(occurrences(svg, "class=\"highlight\"") == 1);
  CHECK(svg.find(">weight a_t,i (0 to 1, no unit)<") != std::string::npos);
  o.highlight_row = 2;  // out of range: no outline
  CHECK(occurrences(attention_svg(attn, {"the", "dog"}, {"el", "perro"}, o),
                    "class=\"highlight\"") == 0);
  const std::string fonts = font_family_for("zh");
  CHECK(fonts.find("'PingFang SC'") != std::string::npos);
  CHECK(fonts.find("'Microsoft YaHei'") != std::string::npos);
}
