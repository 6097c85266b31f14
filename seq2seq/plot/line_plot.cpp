#include "seq2seq/plot/line_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "seq2seq/plot/svg.hpp"

namespace s2s {

namespace {

const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                               "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

// Ticks covering [lo, hi] with a step of 1, 2 or 5 times a power of ten,
// giving about `target` intervals.
std::vector<double> nice_ticks(double lo, double hi, int target = 5) {
  double raw = (hi - lo) / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> t;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step)
    t.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
  return t;
}

std::string tick_label(double v) { return fmt::format("{:g}", v); }

}  // namespace

std::string line_plot_svg(const std::vector<Series>& series, const LinePlotOptions& opt) {
  S2S_CHECK(opt.width >= 200 && opt.height >= 150,
            "line_plot_svg: size must be at least 200x150, got {}x{}", opt.width, opt.height);
  // 1. Collect the drawable points (y already on the log scale when log_y).
  struct Pt {
    double x, y;
    bool ok;
  };
  std::vector<std::vector<Pt>> pts;
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const Series& s : series) {
    S2S_CHECK(s.x.empty() || s.x.size() == s.y.size(),
              "line_plot_svg: series '{}' has {} x values but {} y values", s.name, s.x.size(),
              s.y.size());
    std::vector<Pt> p;
    for (size_t i = 0; i < s.y.size(); ++i) {
      double x = s.x.empty() ? static_cast<double>(i) : s.x[i];
      double y = s.y[i];
      bool ok = std::isfinite(x) && std::isfinite(y) && (!opt.log_y || y > 0);
      if (ok && opt.log_y) y = std::log10(y);
      if (ok) {
        x0 = std::min(x0, x), x1 = std::max(x1, x);
        y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
      p.push_back({x, y, ok});
    }
    pts.push_back(std::move(p));
  }
  S2S_CHECK(std::isfinite(x0), "line_plot_svg: no finite point to plot in {} series",
            series.size());
  if (opt.y_from_zero && !opt.log_y) y0 = std::min(y0, 0.0), y1 = std::max(y1, 0.0);
  // Widen degenerate ranges (a single point, a flat line).
  if (x1 - x0 < 1e-12) x0 -= 1, x1 += 1;
  if (y1 - y0 < 1e-12)
    y0 -= opt.log_y ? 1 : std::max(1.0, std::abs(y0) * 0.1),
        y1 += opt.log_y ? 1 : std::max(1.0, std::abs(y1) * 0.1);
  std::vector<double> yt;
  if (opt.log_y) {  // decades
    y0 = std::floor(y0), y1 = std::ceil(y1);
    for (double e = y0; e <= y1 + 1e-9; e += 1) yt.push_back(e);
  } else {
    yt = nice_ticks(y0, y1);
    double step = yt.size() > 1 ? yt[1] - yt[0] : 1;
    y0 = std::min(y0, std::floor(y0 / step) * step), y1 = std::max(y1, std::ceil(y1 / step) * step);
    yt = nice_ticks(y0, y1);
  }
  std::vector<double> xt;
  std::vector<std::string> xt_labels;
  for (const auto& [x, label] : opt.x_ticks) {
    xt.push_back(x), xt_labels.push_back(label);
    x0 = std::min(x0, x), x1 = std::max(x1, x);
  }
  if (opt.x_ticks.empty()) {
    xt = nice_ticks(x0, x1);
    for (double v : xt) xt_labels.push_back(tick_label(v));
  } else {  // a margin of half a tick gap on both sides
    const double pad = 0.5 * (x1 - x0) / std::max<double>(1, static_cast<double>(xt.size()) - 1);
    x0 -= pad, x1 += pad;
  }

  // 2. Map data to pixels inside the plot area; the legend gets the room its
  // longest name needs (line sample 20 px + gap 6 px + text).
  double legend_w = 0;
  for (const Series& se : series) legend_w = std::max(legend_w, text_width_px(se.name));
  legend_w += 12 + 26 + 12;
  const double L = 70, Tp = opt.title.empty() ? 20 : 40, Bt = opt.height - 50.0;
  const double title_w = text_width_px(opt.title, 15);
  const int width = std::max({opt.width, static_cast<int>(std::ceil(L + 300 + legend_w)),
                              static_cast<int>(std::ceil(title_w + 16))});
  const double R = width - legend_w;
  auto px = [&](double x) { return L + (x - x0) / (x1 - x0) * (R - L); };
  auto py = [&](double y) { return Bt - (y - y0) / (y1 - y0) * (Bt - Tp); };

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" font-family=\"{}\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, opt.height, width, opt.height, xml_escape(opt.font_family));
  if (!opt.title.empty())
    s += fmt::format("<text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
                     std::clamp((L + R) / 2, 8 + title_w / 2, width - 8 - title_w / 2),
                     xml_escape(opt.title));
  // Grid lines and tick labels.
  for (size_t i = 0; i < xt.size(); ++i) {
    s += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#eeeeee\"/>\n",
        px(xt[i]), Tp, Bt);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", px(xt[i]),
                     Bt + 16, xml_escape(xt_labels[i]));
  }
  for (double v : yt) {
    std::string label = opt.log_y ? tick_label(std::pow(10.0, v)) : tick_label(v);
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#eeeeee\"/>\n", L,
        py(v), R);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", L - 6,
                     py(v) + 4, label);
  }
  // Axes and their labels.
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"black\"/>\n", L, Bt,
                   R);
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"black\"/>\n", L, Tp,
                   Bt);
  if (!opt.x_label.empty())
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", (L + R) / 2,
                     Bt + 38, xml_escape(opt.x_label));
  if (!opt.y_label.empty())
    s += fmt::format(
        "<text x=\"16\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 16 "
        "{0})\">{1}</text>\n",
        (Tp + Bt) / 2, xml_escape(opt.y_label + (opt.log_y ? opt.log_note : "")));
  // One polyline per unbroken run of points, and a legend entry per series.
  for (size_t k = 0; k < series.size(); ++k) {
    const char* color = kColors[k % (sizeof(kColors) / sizeof(kColors[0]))];
    std::string run;
    int run_len = 0;
    double last_x = 0, last_y = 0;
    auto flush = [&] {
      if (run_len == 1)  // a lone point: draw a dot so it is visible
        s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\"/>\n", last_x,
                         last_y, color);
      else if (run_len > 1)
        s += fmt::format(
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\" points=\"{}\"/>\n", color,
            run);
      run.clear();
      run_len = 0;
    };
    for (const Pt& p : pts[k]) {
      if (!p.ok) {
        flush();
        continue;
      }
      last_x = px(p.x), last_y = py(p.y);
      run += fmt::format("{}{:.1f},{:.1f}", run.empty() ? "" : " ", last_x, last_y);
      ++run_len;
    }
    flush();
    double ly = Tp + 8 + 18.0 * static_cast<double>(k);
    s += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"{}\" "
        "stroke-width=\"3\"/>\n",
        R + 12, ly, R + 32, ly, color);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\">{}</text>\n", R + 38, ly + 4,
                     xml_escape(series[k].name));
  }
  s += "</svg>\n";
  return s;
}

}  // namespace s2s
