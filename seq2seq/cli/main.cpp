// s2s — train, evaluate and use sequence-to-sequence models from the shell.
//
//   s2s train --task toy_en_es --out runs/att            (or --tsv pairs.tsv)
//   s2s eval --model runs/att --task toy_en_es --beam 4
//   s2s translate --model runs/att "the big dog sees the cat"
//   echo "the cat eats" | s2s translate --model runs/att --heatmap
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "core/engine.hpp"
#include "core/error.hpp"
#include "seq2seq/cli/validate.hpp"
#include "seq2seq/cli_choices.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/model_budget.hpp"
#include "seq2seq/model/model_folder.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;
using namespace s2s::cli;

namespace {

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

int run(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
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
  bool overwrite = false;
  train_cmd
      ->add_option("--out", out_dir,
                   "folder for the model and vocabularies (written as a whole: the old model "
                   "stays until the new one's first checkpoint is complete)")
      ->required();
  train_cmd->add_flag("--overwrite", overwrite, "replace a model already in --out");
  train_cmd->add_option("--cell", cell, cell_choices().help)
      ->check(CLI::IsMember(cell_choices().names))
      ->capture_default_str();
  train_cmd->add_option("--embed", mc.embed, "embedding size E")
      ->check(positive_int(1 << 20))
      ->capture_default_str();
  train_cmd->add_option("--hidden", mc.hidden, "hidden size H")
      ->check(positive_int(1 << 20))
      ->capture_default_str();
  train_cmd->add_option("--layers", mc.layers, "encoder layers")
      ->check(positive_int(1000))
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
      ->check(positive_int(1'000'000))
      ->capture_default_str();
  train_cmd
      ->add_option("--seconds", tc.max_seconds,
                   "time budget of the whole run in seconds: training, validation and the test "
                   "evaluation (may overrun by about one batch)")
      ->check(positive_real())
      ->capture_default_str();
  train_cmd->add_option("--batch", tc.batch_size, "batch size")
      ->check(positive_int(1'000'000))
      ->capture_default_str();
  train_cmd
      ->add_option("--lr", tc.lr,
                   "Adam learning rate (a run whose loss diverges stops with an error and keeps "
                   "the last good checkpoint)")
      ->check(positive_real())
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
  eval_cmd->add_option("--model", model_dir, "folder written by `s2s train`")->required();
  eval_cmd
      ->add_option("--beam", beam,
                   "beam size (1 = greedy; at most the target vocabulary's size and 256)")
      ->check(positive_int(INT32_MAX))
      ->capture_default_str();

  // --- translate -------------------------------------------------------------------
  CLI::App* tr_cmd =
      app.add_subcommand("translate", "translate a sentence (or each line of stdin)");
  add_engine_flag(tr_cmd, engine);
  std::string sentence;
  bool heatmap = false;
  tr_cmd->add_option("--model", model_dir, "folder written by `s2s train`")->required();
  tr_cmd
      ->add_option("--beam", beam,
                   "beam size (1 = greedy; at most the target vocabulary's size and 256)")
      ->check(positive_int(INT32_MAX))
      ->capture_default_str();
  tr_cmd->add_flag("--heatmap", heatmap, "show the attention weights as a terminal heatmap");
  tr_cmd->add_option("sentence", sentence,
                     "the sentence; without it, each line of stdin (one output line per input "
                     "line; at most " +
                         std::to_string(kMaxTranslateTokens) +
                         " tokens a line, and at most 2 × the source length + 10 output tokens)");

  if (int code = parse(app, argc, argv); code >= 0) return code;
  try {
    if (!engine.empty()) set_engine(parse_engine(engine));
    if (*train_cmd) {
      // Everything is checked before anything is written.
      check_train_flags(*train_cmd, attention);
      check_data_flags(*train_cmd, data);
      check_output_folder(out_dir, overwrite);
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
      check_budget(mc, true, "train", tc.batch_size, data.max_len + 2);
      Seq2Seq model(mc);
      fmt::print("model: {} ({} parameters); {} training pairs\n", model.describe(),
                 model.num_parameters(), sp.train.size());
      // Each best epoch replaces the whole folder (model, vocabularies, config) at once.
      bool saved = false;
      tc.on_best = [&](const Metadata& meta) {
        save_model_folder(out_dir, model, sv, tv, meta);
        saved = true;
      };
      const double budget = tc.max_seconds;  // the whole run's
      if (budget > 0) tc.max_seconds = std::max(budget - elapsed(), 1e-3);
      TrainResult r = train(model, sp, sv, tv, tc);
      fmt::print("stopped: {} after {:.1f}s; best epoch {}\n", r.stop_reason, r.seconds,
                 r.best_epoch);
      if (!saved) save_model_folder(out_dir, model, sv, tv);
      fmt::print("saved to {}/\ntest set: ", out_dir);
      EvalOptions eo;
      if (budget > 0) eo.max_seconds = std::max(budget - elapsed(), 1e-3);
      EvalResult er = evaluate(model, sp.test, sv, tv, eo);
      if (er.evaluated < static_cast<int64_t>(sp.test.size()))
        fmt::print("(time limit: {} of {} examples) ", er.evaluated, sp.test.size());
      print_eval(er);
    } else if (*eval_cmd) {
      check_data_flags(*eval_cmd, eval_data);
      LoadedModel lm = load_model(model_dir);
      Splits sp = load_data(eval_data);
      warn_coverage(lm, sp.test);
      EvalOptions eo;
      eo.beam_size = cap_beam(beam, lm.tgt_vocab);
      check_budget(lm.model->config(), false, "eval", 1, 100, eo.beam_size);
      print_eval(evaluate(*lm.model, sp.test, lm.src_vocab, lm.tgt_vocab, eo));
    } else if (*tr_cmd) {
      LoadedModel lm = load_model(model_dir);
      beam = cap_beam(beam, lm.tgt_vocab);
      check_budget(lm.model->config(), false, "translate", 1, kMaxTranslateTokens, beam);
      return tr_cmd->count("sentence") ? translate_sentence(lm, sentence, beam, heatmap)
                                       : translate_lines(lm, std::cin, beam, heatmap);
    }
  } catch (const Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}

// Anything else that escapes (bad_alloc, ios_base::failure, ...) is a clear error, exit code 1.
int main(int argc, char** argv) {
  return run_guarded([&] { return run(argc, argv); });
}
