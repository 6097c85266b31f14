#include "seq2seq/model/checkpoint.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "seq2seq/data/read_limits.hpp"
#include "seq2seq/model/model_budget.hpp"
#include "seq2seq/model/model_folder.hpp"

namespace s2s {

Metadata config_to_metadata(const ModelConfig& c) {
  // The names are the registries' (checkpoints keep them as strings).
  return {{"cell", to_string(c.cell)},
          {"src_vocab", std::to_string(c.src_vocab)},
          {"tgt_vocab", std::to_string(c.tgt_vocab)},
          {"embed", std::to_string(c.embed)},
          {"hidden", std::to_string(c.hidden)},
          {"layers", std::to_string(c.layers)},
          {"bidirectional", c.bidirectional ? "1" : "0"},
          {"attention", c.attention ? "1" : "0"},
          {"score", c.attn.score},
          {"variant", to_string(c.attn.variant)},
          {"placement", to_string(c.attn.placement)},
          {"window", std::to_string(c.attn.window)},
          {"attention_size", std::to_string(c.attn.attention_size)},
          {"max_src_len", std::to_string(c.attn.max_src_len)},
          {"self_attention", c.attn.self_attention ? "1" : "0"},
          {"feed_summary", c.feed_summary ? "1" : "0"},
          {"reverse_source", c.reverse_source ? "1" : "0"},
          {"embed_dropout", fmt::format("{}", c.embed_dropout)},
          {"decoder_dropout", fmt::format("{}", c.decoder_dropout)},
          {"decoder_layers", std::to_string(c.decoder_layers)}};
}

ModelConfig config_from_metadata(const Metadata& m) {
  auto get = [&](const char* key) -> const std::string& {
    auto it = m.find(key);
    S2S_CHECK(it != m.end(), "model checkpoint: metadata has no '{}' (not a model saved by s2s?)",
              key);
    return it->second;
  };
  auto num = [&](const char* key) -> int64_t {
    const std::string& v = get(key);
    try {
      size_t used = 0;
      int64_t x = std::stoll(v, &used);
      if (used == v.size()) return x;
    } catch (const std::exception&) {
    }
    throw Error(
        fmt::format("model checkpoint: metadata '{}' must be an integer, got '{}'", key, v));
  };
  auto flag = [&](const char* key) { return num(key) != 0; };
  ModelConfig c;
  c.cell = cell_kind_from_name(get("cell"));
  c.src_vocab = num("src_vocab");
  c.tgt_vocab = num("tgt_vocab");
  c.embed = num("embed");
  c.hidden = num("hidden");
  c.layers = num("layers");
  c.bidirectional = flag("bidirectional");
  c.attention = flag("attention");
  c.attn.score = get("score");
  c.attn.variant = variant_from_name(get("variant"));
  c.attn.placement = placement_from_name(get("placement"));
  c.attn.window = num("window");
  c.attn.attention_size = num("attention_size");
  c.attn.max_src_len = num("max_src_len");
  c.attn.self_attention = flag("self_attention");
  c.feed_summary = flag("feed_summary");
  c.reverse_source = flag("reverse_source");
  // Added in issue 25: a folder saved before has none of them, and loads with the
  // defaults (no dropout, one decoder layer), which is the model it holds.
  if (m.count("decoder_layers")) c.decoder_layers = num("decoder_layers");
  for (auto [key, field] : {std::pair{"embed_dropout", &c.embed_dropout},
                            std::pair{"decoder_dropout", &c.decoder_dropout}}) {
    auto it = m.find(key);
    if (it == m.end()) continue;
    char* end = nullptr;
    const double p = std::strtod(it->second.c_str(), &end);
    S2S_CHECK(!it->second.empty() && end == it->second.c_str() + it->second.size() &&
                  std::isfinite(p) && p >= 0 && p < 1,
              "model checkpoint: metadata '{}' must be a number in [0, 1), got '{}'", key,
              it->second);
    *field = static_cast<real>(p);
  }
  return c;
}

void save_model(const std::string& dir, const Seq2Seq& model, const Vocab& src_vocab,
                const Vocab& tgt_vocab, Metadata extra) {
  save_model_folder(dir, model, src_vocab, tgt_vocab, extra);
}

LoadedModel load_model(const std::string& dir) {
  // One open of the folder, each file once (seq2seq/model/model_folder.hpp); nothing is written.
  OpenedFolder files;
  open_model_folder(dir, files);
  LoadedModel lm;
  TextLimits vocab_limit;
  vocab_limit.max_bytes = kMaxVocabBytes;
  lm.src_vocab = Vocab::parse(
      read_text_fd(files.src_vocab, fmt::format("load_model: '{}/src.vocab'", dir), vocab_limit),
      dir + "/src.vocab");
  lm.tgt_vocab = Vocab::parse(
      read_text_fd(files.tgt_vocab, fmt::format("load_model: '{}/tgt.vocab'", dir), vocab_limit),
      dir + "/tgt.vocab");
  Metadata& meta = lm.metadata;
  ModelConfig c;
  const std::string model_path = dir + "/model.safetensors";
  // The header is read and checked first; sizes from the metadata are checked before
  // the data section is read or anything is allocated for the model.
  SafetensorsFile file =
      read_safetensors_fd(files.model, model_path, [&](const Metadata& m, uint64_t data_bytes) {
        meta = m;
        c = config_from_metadata(meta);
        check_budget(c, false, fmt::format("load_model: checkpoint '{}'", dir));
        S2S_CHECK(c.src_vocab == lm.src_vocab.size() && c.tgt_vocab == lm.tgt_vocab.size(),
                  "load_model: the model expects vocabularies of {} and {} words, the files "
                  "have {} and {}",
                  c.src_vocab, c.tgt_vocab, lm.src_vocab.size(), lm.tgt_vocab.size());
        const double expected = estimate_budget(c).parameters * 8;  // an upper bound, F64
        S2S_CHECK(static_cast<double>(data_bytes) <= expected + 4096,
                  "load_model: '{}': the data section is {} bytes, more than the model its "
                  "metadata describes can hold (about {:.3g} bytes)",
                  model_path, data_bytes, expected);
      });
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (StoredTensor& t : file.tensors) {
    tensors.emplace_back(t.name, t.to_real());
    t.bytes = {};
  }
  for (const auto& [name, t] : tensors) {
    const real* x = t.data();
    int64_t bad = 0, first = -1;
    for (int64_t i = 0, n = t.numel(); i < n; ++i)
      if (!std::isfinite(x[i])) {
        if (first < 0) first = i;
        ++bad;
      }
    S2S_CHECK(bad == 0,
              "load_model: '{}/model.safetensors': tensor '{}' holds {} non-finite value(s) "
              "(NaN or Inf; the first at element {} is {}): the checkpoint is corrupt or comes "
              "from a diverged run",
              dir, name, bad, first, x[first]);
  }
  lm.model = std::make_unique<Seq2Seq>(c);
  assign_parameters(tensors, *lm.model, model_path);
  lm.model->eval();
  return lm;
}

}  // namespace s2s
