#include "seq2seq/plot/explorer_data.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/error.hpp"
#include "core/tensor_math.hpp"
#include "seq2seq/data/batch.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/decoding/greedy.hpp"
#include "seq2seq/metrics/alignment.hpp"

namespace s2s {

namespace {

using nlohmann::json;

// Four decimals are what a reader can see and keep a 2,000-sentence page small.
double round4(double v) { return std::isfinite(v) ? std::round(v * 1e4) / 1e4 : 0.0; }
// A weight as JSON: 0 rather than 0.0 (a page holds many).
json num(double v) { return v == 0 ? json(0) : json(v); }
json rows_json(const std::vector<std::vector<double>>& rows) {
  json out = json::array();
  for (const auto& r : rows) {
    json row = json::array();
    for (double v : r) row.push_back(num(v));
    out.push_back(std::move(row));
  }
  return out;
}

const char* status_name(BeamNode::Status s) {
  switch (s) {
    case BeamNode::Status::kept:
      return "kept";
    case BeamNode::Status::pruned:
      return "pruned";
    case BeamNode::Status::finished:
      return "finished";
  }
  return "?";
}

// One attention's rows as the page draws them.
struct Matrix {
  std::string kind;   // "cross" (over the source) or "self" (over earlier target tokens)
  std::string label;  // in the page's language
  std::vector<std::vector<double>> rows;
  std::vector<double> centre;  // local attention: p_t per row, in source order
};

// Row 0 of a (1,S) weight tensor over encoder positions, in the source's order.
std::vector<double> source_row(const Tensor& w, int64_t S, bool reversed) {
  std::vector<double> r(static_cast<size_t>(S));
  for (int64_t i = 0; i < S; ++i) r[i] = round4(w[reversed ? S - 1 - i : i]);
  return r;
}

json sentence_json(const Seq2Seq& model, const Vocab& sv, const Vocab& tv, const Example& given,
                   const ExplorerOptions& opt) {
  const ModelConfig& c = model.config();
  const bool zh = opt.lang == "zh";
  Example e = given;
  if (e.tgt.empty()) e.tgt = {"<unk>"};  // make_batch needs a target; decoding ignores it
  Batch b = make_batch({&e}, sv, tv);
  const int64_t S = b.src_len[0];
  const int64_t max_len = 2 * S + 10;

  // Decode as `s2s translate` (beam) or `s2s eval` (greedy at beam 1) does.
  std::vector<BeamTree> trees;
  Hypothesis h;
  if (opt.beam > 1) {
    BeamOptions bo;
    bo.beam_size = opt.beam;
    bo.max_len = max_len;
    bo.length_alpha = opt.length_alpha;
    bo.trace = &trees;
    h = beam_search(model, b, bo).front();
  } else {
    h = greedy_decode(model, b, max_len).front();
  }

  // Replay the decoder on its own output, one step at a time.
  NoGradGuard no_grad;
  EncoderOutput enc = model.encode(b);
  DecoderState s = model.decoder->start(enc);
  std::vector<int64_t> seq = h.tokens;
  if (h.finished) seq.push_back(kEos);
  const bool local = std::string_view(to_string(c.attn.variant)).starts_with("local");
  const std::string placement = c.attn.placement == Placement::both
                                    ? (zh ? "输出端" : "output side")
                                    : to_string(c.attn.placement);
  Matrix cross{"cross",
               zh ? "编码器-解码器注意力（" + placement + "）"
                  : "encoder-decoder attention (" + placement + ")",
               {},
               {}};
  Matrix input{"cross", zh ? "编码器-解码器注意力（输入端）" : "encoder-decoder attention (input side)",
               {}, {}};
  Matrix self{"self", zh ? "解码器自注意力" : "decoder self-attention", {}, {}};
  json steps = json::array();
  int64_t prev = kSos;
  for (size_t t = 0; t < seq.size(); ++t) {
    StepOutput o = model.decoder->step({prev}, s, enc);
    Tensor p = softmax(o.logits.value(), 1);  // (1,V)
    const int64_t V = p.size(1);
    std::vector<int64_t> order(static_cast<size_t>(V));
    for (int64_t v = 0; v < V; ++v) order[v] = v;
    const int64_t k = std::min<int64_t>(opt.top_k, V);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int64_t a, int64_t z) { return p[a] > p[z] || (p[a] == p[z] && a < z); });
    // [p(chosen), token_1, p_1, token_2, p_2, ...]: the chosen token and the most likely ones.
    json step = json::array({num(round4(p[seq[t]]))});
    for (int64_t i = 0; i < k; ++i) {
      step.push_back(tv.word(order[i]));
      step.push_back(num(round4(p[order[i]])));
    }
    steps.push_back(std::move(step));
    if (o.weights.defined()) cross.rows.push_back(source_row(o.weights.value(), S, c.reverse_source));
    if (o.input_weights.defined())
      input.rows.push_back(source_row(o.input_weights.value(), S, c.reverse_source));
    if (o.self_weights.defined()) {
      const Tensor& w = o.self_weights.value();  // (1,t)
      std::vector<double> r(static_cast<size_t>(w.numel()));
      for (int64_t j = 0; j < w.numel(); ++j) r[j] = round4(w[j]);
      self.rows.push_back(std::move(r));
    }
    if (local && o.position.defined()) {
      const double pt = o.position.value()[0];
      cross.centre.push_back(round4(c.reverse_source ? static_cast<double>(S - 1) - pt : pt));
    }
    prev = seq[t];
  }

  std::vector<std::string> tgt = tv.decode(h.tokens);
  if (h.finished) tgt.push_back("<eos>");
  json j = {{"src", given.src}, {"tgt", tgt}, {"steps", steps},
            {"logp", round4(h.log_prob)}, {"score", round4(h.score)}};
  if (!given.tgt.empty()) j["ref"] = given.tgt;
  json attn = json::array();
  for (const Matrix* m : {&cross, &input, &self}) {
    if (m->rows.empty()) continue;
    json a = {{"kind", m->kind}, {"label", m->label}, {"rows", rows_json(m->rows)}};
    if (!m->centre.empty()) {
      a["centre"] = m->centre;
      a["window"] = c.attn.window;
    }
    attn.push_back(std::move(a));
  }
  j["attn"] = std::move(attn);

  // Gold links and AER: each output token linked to its most attended source token
  // (metrics/alignment.hpp), as `s2s eval` scores it.
  if (!given.align.empty() && (!cross.rows.empty() || h.tokens.empty())) {
    const int64_t T = std::ssize(h.tokens);
    Links predicted;
    if (T > 0) {
      Tensor w({T, S});
      for (int64_t t = 0; t < T; ++t)
        for (int64_t i = 0; i < S; ++i) w[t * S + i] = static_cast<real>(cross.rows[t][i]);
      predicted = alignment_from_attention(w, S, T);
    }
    Links gold(given.align.begin(), given.align.end());
    j["gold"] = gold;
    j["aer"] = round4(alignment_error_rate(predicted, gold));
  }

  if (!trees.empty()) {
    json nodes = json::array();
    for (const BeamNode& n : trees.front())
      nodes.push_back({n.parent, n.step, tv.word(n.token), round4(n.log_prob), round4(n.score),
                       status_name(n.status), n.best});
    j["beam"] = std::move(nodes);
  }
  return j;
}

}  // namespace

json explorer_json(const Seq2Seq& model, const Vocab& sv, const Vocab& tv,
                   const std::vector<Example>& examples, const std::string& title,
                   const ExplorerOptions& opt) {
  S2S_CHECK(model.config().attention && model.decoder->has_attention(),
            "the attention explorer needs a model with attention; this one ({}) has none",
            model.describe());
  S2S_CHECK(opt.beam >= 1, "explorer: beam must be >= 1, got {}", opt.beam);
  json sentences = json::array();
  const size_t n = std::min(examples.size(), static_cast<size_t>(std::max<int64_t>(opt.max_sentences, 0)));
  for (size_t i = 0; i < n; ++i)
    if (!examples[i].src.empty()) sentences.push_back(sentence_json(model, sv, tv, examples[i], opt));
  return {{"title", title}, {"model", model.describe()}, {"beam", opt.beam},
          {"sentences", std::move(sentences)}};
}

int64_t explorer_cells(const json& explorer) {
  int64_t n = 0;
  for (const json& s : explorer.at("sentences"))
    for (const json& a : s.at("attn"))
      for (const json& r : a.at("rows")) n += static_cast<int64_t>(r.size());
  return n;
}

}  // namespace s2s
