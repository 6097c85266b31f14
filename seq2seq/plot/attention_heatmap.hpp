#pragma once
// Attention heatmaps: the picture of "where the decoder looked".
// attn is (T,S): row t = the weights target token t gave to the S source
// tokens (each row sums to 1 for softmax attention).
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace s2s {

struct HeatmapOptions {
  std::string title;
  int cell = 28;  // cell size in pixels
  // Axis titles: over the source tokens (top) and beside the target tokens (left).
  std::string x_title = "source tokens", y_title = "target tokens";
  std::string font_family = "sans-serif";  // font_family_for("zh") for Chinese labels
  // What the colour bar measures, written beside it (its unit), e.g. "weight a_t,i".
  std::string bar_title = "weight";
  int highlight_row = -1;  // a row outlined in red (e.g. the step computed by hand); -1: none
};

// An SVG image: source tokens along the top (x), target tokens down the left
// (y), each axis with its title, one square per weight on a white -> blue
// scale, a colour bar on the right (0 at the bottom, 1 at the top) with its
// title, an optional outlined row, and a
// tooltip (<title>) on each cell with "source -> target: weight". Throws if
// attn is not (tgt.size(), src.size()).
std::string attention_svg(const Tensor& attn, const std::vector<std::string>& src,
                          const std::vector<std::string>& tgt, const HeatmapOptions& opt = {});

struct TerminalHeatmapOptions {
  int cell_width = 2;           // characters per cell
  bool normalize_rows = false;  // scale each row so its max is 1 (long sentences)
};

// The same picture as text, for printing during training:
//       d  c  a          <- source tokens, written top to bottom
//       o  a
//       g  t
//   el  ▓▓
//  gato    ██
// Layout: H header lines (H = longest source token, in characters, at most
// 12), then one line per target token: its label right-aligned, a space, then
// S cells of cell_width copies of one of " ░▒▓█" (weight rounded to quarters).
std::string attention_terminal(const Tensor& attn, const std::vector<std::string>& src,
                               const std::vector<std::string>& tgt,
                               const TerminalHeatmapOptions& opt = {});

}  // namespace s2s
