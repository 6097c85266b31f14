#include "seq2seq/model/model_budget.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "core/error.hpp"
#include "nn/recurrent_cell.hpp"

namespace s2s {

namespace {

double d(int64_t x) { return static_cast<double>(std::max<int64_t>(x, 0)); }

}  // namespace

ModelBudget estimate_budget(const ModelConfig& c, int64_t batch, int64_t max_len, int64_t beam) {
  // Gate blocks per cell (its registry row): weight_ih is (g·H, E).
  const double g = d(cell_registry().at(c.cell).gates), H = d(c.hidden), E = d(c.embed),
               L = std::max(d(c.layers), 1.0);
  const double dirs = c.bidirectional ? 2 : 1, He = H * dirs;
  const double Vs = d(c.src_vocab), Vt = d(c.tgt_vocab);
  const double A = c.attn.attention_size > 0 ? d(c.attn.attention_size) : H;
  const double S = d(c.attn.max_src_len), W = d(c.attn.window);
  // Encoder: embedding, the first layer, the others, the bridge.
  double p = Vs * E + dirs * g * H * (E + H + 2) + (L - 1) * dirs * g * H * (He + H + 2) +
             (c.bidirectional ? 2 * (He * H + H) : 0);
  if (c.attention) {
    // Embedding, cell (its input may hold a context and h~), combine, output layer,
    // and two attention modules (input and output side) with every score's extras.
    const double M = std::max({A, H, He});
    p += Vt * E + g * H * (E + He + 2 * H + 2) + H * (2 * He + 2 * H + 1) + (H + 1) * Vt +
         2 * (2 * (A + H + He + 1) * M + S * (H + 1) + (2 * W + 1) * (H + 1));
  } else {
    p += Vt * E + g * H * (E + 2 * H + 2) + (H + 1) * Vt;
  }
  // Decoder layers 2..L: one H → H cell each.
  p += std::max(d(c.decoder_layers) - 1, 0.0) * g * H * (2 * H + 2);
  const double r = sizeof(real), T = d(std::max<int64_t>(max_len, 1));
  ModelBudget b;
  b.parameters = p;
  // Per example and step: logits (value, gradient, softmax), gates and states per
  // layer, attention weights and scores over the source.
  const double Ld = std::max(d(c.decoder_layers), 1.0);
  const double per_step = 3 * Vt + 8 * g * H * (L + Ld) + 4 * S * (A + 1) + 4 * (E + He);
  b.train_bytes = 4 * p * r + 2 * d(batch) * T * per_step * r;
  b.decode_bytes = p * r + d(beam) * T * (per_step + S * He) * r + d(beam) * Vt * 16;
  return b;
}

double memory_limit_bytes() {
  static const double limit = [] {
    double bytes = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) *
                   static_cast<double>(::sysconf(_SC_PAGE_SIZE));
    std::ifstream cg("/sys/fs/cgroup/memory.max");  // cgroup v2 limit, "max" when none
    double lim = 0;
    if (cg >> lim && lim > 0) bytes = std::min(bytes, lim);
    return 0.8 * (bytes > 0 ? bytes : 4e9);
  }();
  return limit;
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (bytes >= 1000 && u < 6) bytes /= 1000, ++u;
  if (bytes >= 1000) return fmt::format("{:.1e} EB", bytes);
  return fmt::format("{:.{}f} {}", bytes, u == 0 ? 0 : 1, units[u]);
}

void check_budget(const ModelConfig& c, bool training, const std::string& source, int64_t batch,
                  int64_t max_len, int64_t beam) {
  struct Setting {
    const char* name;
    int64_t ModelConfig::*field;
    int64_t max;  // the flag's limit, so a checkpoint is held to what a flag allows
  };
  constexpr int64_t kMaxSize = int64_t{1} << 30;
  const Setting settings[] = {{"hidden", &ModelConfig::hidden, int64_t{1} << 20},
                              {"embed", &ModelConfig::embed, int64_t{1} << 20},
                              {"layers", &ModelConfig::layers, 1000},
                              {"decoder_layers", &ModelConfig::decoder_layers, 1000},
                              {"src_vocab", &ModelConfig::src_vocab, kMaxSize},
                              {"tgt_vocab", &ModelConfig::tgt_vocab, kMaxSize}};
  for (const Setting& s : settings) {
    S2S_CHECK(c.*s.field >= 1, "{}: {} must be between 1 and {}, got {}", source, s.name, s.max,
              c.*s.field);
    S2S_CHECK(c.*s.field <= s.max, "{}: {} {} is too large: it must be between 1 and {}", source,
              s.name, c.*s.field, s.max);
  }
  S2S_CHECK(c.attn.max_src_len >= 1 && c.attn.max_src_len <= kMaxSize &&
                c.attn.attention_size >= 0 && c.attn.attention_size <= kMaxSize &&
                c.attn.window >= 0 && c.attn.window <= kMaxSize,
            "{}: attention sizes out of range (max_src_len {}, attention_size {}, window {})",
            source, c.attn.max_src_len, c.attn.attention_size, c.attn.window);
  auto need = [&](const ModelConfig& m, int64_t bt, int64_t bm) {
    const ModelBudget b = estimate_budget(m, bt, max_len, bm);
    return training ? b.train_bytes : b.decode_bytes;
  };
  const double bytes = need(c, batch, beam), limit = memory_limit_bytes();
  if (bytes <= limit) return;
  // The setting whose halving saves the most is the one to name.
  std::string culprit = "hidden";
  int64_t value = c.hidden;
  double best = bytes;
  for (const Setting& s : settings) {
    ModelConfig m = c;
    m.*s.field = std::max<int64_t>(1, m.*s.field / 2);
    if (need(m, batch, beam) < best)
      best = need(m, batch, beam), culprit = s.name, value = c.*s.field;
  }
  if (training && need(c, std::max<int64_t>(1, batch / 2), beam) < best)
    culprit = "batch", value = batch;
  if (!training && need(c, batch, std::max<int64_t>(1, beam / 2)) < best)
    culprit = "beam", value = beam;
  throw Error(fmt::format(
      "{}: {} {} is too large: the model would have about {:.2g} parameters (hidden {}, embed {}, "
      "layers {}, vocabularies {}/{}) and {} needs about {}, more than the {} this machine allows",
      source, culprit, value, estimate_budget(c).parameters, c.hidden, c.embed, c.layers,
      c.src_vocab, c.tgt_vocab, training ? "training" : "decoding", human_bytes(bytes),
      human_bytes(limit)));
}

}  // namespace s2s
