// s2s — train, evaluate and use sequence-to-sequence models from the shell.
//
//   s2s train --task toy_en_es --out runs/att            (or --tsv pairs.tsv)
//   s2s eval --model runs/att --task toy_en_es --beam 4
//   s2s translate --model runs/att "the big dog sees the cat"
//   echo "the cat eats" | s2s translate --model runs/att --heatmap
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "core/engine.hpp"
#include "core/error.hpp"
#include "seq2seq/cli_choices.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/data/tatoeba.hpp"
#include "seq2seq/data/tokenizer.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/plot/attention_heatmap.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

struct DataArgs {
  std::string task = "toy_en_es", tsv;
  int n_train = 8000, n_valid = 300, n_test = 500, min_len = 3, max_len = 20;
  uint64_t seed = 7;
};

void add_data_flags(CLI::App* app, DataArgs& d) {
  app->add_option("--task", d.task, task_choices().help)->capture_default_str();
  app->add_option("--tsv", d.tsv,
                  "tab-separated pairs source<TAB>target (Tatoeba format) instead of --task")
      ->check(CLI::ExistingFile);
  app->add_option("--n-train", d.n_train, "training sentences (generated tasks)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--n-test", d.n_test, "test sentences")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--min-len", d.min_len, "shortest source (tokens)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--max-len", d.max_len, "longest source (tokens)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--data-seed", d.seed, "seed of the generated data")->capture_default_str();
}

Splits load_data(const DataArgs& d) {
  if (!d.tsv.empty()) {
    TatoebaOptions o;
    o.max_len = d.max_len;
    TatoebaData r = load_tatoeba(d.tsv, o);
    for (const auto& w : r.warnings) fmt::print(stderr, "warning: {}\n", w);
    return split_pairs(std::move(r.pairs), 0.1, 0.1, d.seed);
  }
  TaskConfig tc;
  tc.seed = d.seed;
  tc.n_train = d.n_train;
  tc.n_valid = d.n_valid;
  tc.n_test = d.n_test;
  tc.min_len = d.min_len;
  tc.max_len = d.max_len;
  return make_task(d.task, tc);
}

// --engine reference|fast: which engine runs the ops (core/engine.hpp).
void add_engine_flag(CLI::App* app, std::string& engine) {
  app->add_option("--engine", engine,
                  "reference: the readable composed ops; fast (default): fused ops and threads; "
                  "also set by the environment variable S2S_ENGINE")
      ->check(CLI::IsMember({"reference", "fast"}));
}

void print_eval(const EvalResult& r) {
  fmt::print("exact match {:.1f}%  token accuracy {:.1f}%  BLEU {:.3f}  perplexity {:.2f}",
             100 * r.exact, 100 * r.token_acc, r.bleu, r.perplexity);
  if (r.aer >= 0) fmt::print("  AER {:.3f}", r.aer);
  fmt::print("\n{}", bucket_table(r));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"s2s: sequence-to-sequence models with attention (train, eval, translate)"};
  app.require_subcommand(1);

  // --- train ---------------------------------------------------------------------
  std::string engine;  // empty: S2S_ENGINE, else fast
  CLI::App* train_cmd = app.add_subcommand("train", "train a model and save it to a folder");
  add_engine_flag(train_cmd, engine);
  DataArgs data;
  add_data_flags(train_cmd, data);
  ModelConfig mc;
  TrainConfig tc;
  tc.epochs = 30;
  tc.max_seconds = 120;
  tc.lr = real(3e-3);
  std::string out_dir, cell = "gru", attention = "general", variant = "global",
                       placement = "output";
  train_cmd->add_option("--out", out_dir, "folder for the model and vocabularies")->required();
  train_cmd->add_option("--cell", cell, cell_choices().help)
      ->check(CLI::IsMember(cell_choices().names))
      ->capture_default_str();
  train_cmd->add_option("--embed", mc.embed, "embedding size E")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train_cmd->add_option("--hidden", mc.hidden, "hidden size H")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train_cmd->add_option("--layers", mc.layers, "encoder layers")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  mc.bidirectional = true;
  train_cmd->add_flag("--bidirectional,!--unidirectional", mc.bidirectional,
                      "bidirectional encoder (default) or not");
  train_cmd->add_option("--attention", attention, attention_choices().help)
      ->check(CLI::IsMember(attention_choices().names))
      ->capture_default_str();
  train_cmd->add_option("--variant", variant, variant_choices().help)
      ->check(CLI::IsMember(variant_choices().names))
      ->capture_default_str();
  train_cmd->add_option("--placement", placement, placement_choices().help)
      ->check(CLI::IsMember(placement_choices().names))
      ->capture_default_str();
  train_cmd->add_flag("--reverse-source", mc.reverse_source, "read the source backwards");
  train_cmd->add_option("--epochs", tc.epochs, "maximum epochs")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train_cmd->add_option("--seconds", tc.max_seconds, "time budget in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train_cmd->add_option("--batch", tc.batch_size, "batch size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train_cmd->add_option("--lr", tc.lr, "Adam learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train_cmd->add_option("--seed", tc.seed, "training seed")->capture_default_str();
  train_cmd->add_flag("--anomaly", tc.anomaly, "check every op for NaN/Inf (slow)");

  // --- eval ----------------------------------------------------------------------
  CLI::App* eval_cmd = app.add_subcommand("eval", "evaluate a saved model on a test set");
  add_engine_flag(eval_cmd, engine);
  DataArgs eval_data;
  add_data_flags(eval_cmd, eval_data);
  std::string model_dir;
  int beam = 1;
  eval_cmd->add_option("--model", model_dir, "folder written by `s2s train`")
      ->required()
      ->check(CLI::ExistingDirectory);
  eval_cmd->add_option("--beam", beam, "beam size (1 = greedy)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  // --- translate -------------------------------------------------------------------
  CLI::App* tr_cmd =
      app.add_subcommand("translate", "translate a sentence (or each line of stdin)");
  add_engine_flag(tr_cmd, engine);
  std::string sentence;
  bool heatmap = false;
  tr_cmd->add_option("--model", model_dir, "folder written by `s2s train`")
      ->required()
      ->check(CLI::ExistingDirectory);
  tr_cmd->add_option("--beam", beam, "beam size (1 = greedy)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  tr_cmd->add_flag("--heatmap", heatmap, "show the attention weights as a terminal heatmap");
  tr_cmd->add_option("sentence", sentence, "the sentence; without it, lines are read from stdin");

  CLI11_PARSE(app, argc, argv);
  try {
    if (!engine.empty()) set_engine(parse_engine(engine));
    if (*train_cmd) {
      Splits sp = load_data(data);
      auto [sv, tv] = build_vocabs(sp.train);
      mc.src_vocab = sv.size();
      mc.tgt_vocab = tv.size();
      mc.cell = cell_kind_from_name(cell);
      mc.attention = attention != "none";
      if (mc.attention) mc.attn.score = attention;
      mc.attn.variant = variant_from_name(variant);
      mc.attn.placement = placement_from_name(placement);
      mc.attn.max_src_len = data.max_len + 2;
      mc.seed = tc.seed;
      Seq2Seq model(mc);
      fmt::print("model: {} ({} parameters); {} training pairs\n", model.describe(),
                 model.num_parameters(), sp.train.size());
      // The best epoch is checkpointed into the output folder as training goes.
      save_model(out_dir, model, sv, tv);
      tc.checkpoint = out_dir + "/model.safetensors";
      TrainResult r = train(model, sp, sv, tv, tc);
      fmt::print("stopped: {} after {:.1f}s; best epoch {}\n", r.stop_reason, r.seconds,
                 r.best_epoch);
      save_model(out_dir, model, sv, tv);
      fmt::print("saved to {}/\ntest set: ", out_dir);
      print_eval(evaluate(model, sp.test, sv, tv));
    } else if (*eval_cmd) {
      LoadedModel lm = load_model(model_dir);
      Splits sp = load_data(eval_data);
      EvalOptions eo;
      eo.beam_size = beam;
      print_eval(evaluate(*lm.model, sp.test, lm.src_vocab, lm.tgt_vocab, eo));
    } else if (*tr_cmd) {
      LoadedModel lm = load_model(model_dir);
      auto translate = [&](const std::string& line) {
        Example e;
        e.src = tokenize(line);
        if (e.src.empty()) return;
        e.tgt = {"<unk>"};
        Batch b = make_batch({&e}, lm.src_vocab, lm.tgt_vocab);
        Hypothesis h = beam_search(*lm.model, b, {beam, 3 * b.S + 5, 0.6}).front();
        std::vector<std::string> words = lm.tgt_vocab.decode(h.tokens);
        fmt::print("{}\n", detokenize(words));
        if (heatmap && !h.weights.empty()) {
          words.push_back("<eos>");
          fmt::print("{}", attention_terminal(h.weights, e.src, words));
        }
      };
      if (!sentence.empty()) {
        translate(sentence);
      } else {
        std::string line;
        while (std::getline(std::cin, line)) translate(line);
      }
    }
  } catch (const Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
