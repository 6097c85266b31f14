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
