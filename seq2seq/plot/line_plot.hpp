#pragma once
// SVG line plots for training curves: loss, accuracy, gradient norms...
//   line_plot_svg({{"train", steps, train_loss}, {"valid", steps, valid_loss}},
//                 {.title = "loss", .x_label = "step", .y_label = "cross-entropy"});
#include <string>
#include <utility>
#include <vector>

namespace s2s {

struct Series {
  std::string name;
  std::vector<double> x;  // empty -> 0, 1, 2, ...
  std::vector<double> y;
};

struct LinePlotOptions {
  std::string title, x_label, y_label;
  bool log_y = false;               // log10 y axis, e.g. for gradient norms; y <= 0 is skipped
  bool y_from_zero = false;         // the y axis starts at 0 (not at the lowest point)
  std::string log_note = " (log)";  // appended to y_label on a log axis
  int width = 720, height = 440;
  // Labelled x ticks instead of numbers, e.g. {{3, "1-5"}, {8, "6-10"}} for buckets.
  std::vector<std::pair<double, std::string>> x_ticks;
  std::string font_family = "sans-serif";  // font_family_for("zh") for Chinese labels
};

// Axes with "nice" ticks (1, 2, 5 x 10^k; powers of ten on a log axis), one
// coloured polyline per series, a legend and a title (centred over the plot, moved
// right and the image widened so a long one is never cut). The legend sits right of
// the plot and is as wide as its longest name (the image widens if needed). Non-finite points (and
// non-positive ones on a log axis) break the line. Throws if x and y sizes
// differ or if no series has a point to draw.
std::string line_plot_svg(const std::vector<Series>& series, const LinePlotOptions& opt = {});

}  // namespace s2s
